"""督导检查: the office records a visit and the actions it requires; the unit answers each; the office closes them;
overdue actions are told once a day; a table shows visits and open actions per unit."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from orgs.models import Notification
from oversight import services
from oversight.models import Inspection, InspectionAction
from screening.locks import today_local

TODAY = today_local()


def record_post(**overrides):
    return {"unit": "", "day": TODAY.isoformat(), "inspectors": "县处非办 王某、李某", "findings": "台账不全。",
            "score": "85.5", "actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0",
            "actions-0-text": "补齐排查台账", "actions-0-deadline": (TODAY + timedelta(days=7)).isoformat(),
            "actions-1-text": "张贴宣传标语", "actions-1-deadline": (TODAY + timedelta(days=3)).isoformat(),
            **overrides}


@pytest.fixture
def visit(tree, open_campaign):
    return services.inspection_record(
        actor=tree.user("office"), campaign=open_campaign, unit=tree.unit("township"), day=TODAY, inspectors="督导组",
        findings="台账不全", actions=[services.ActionPlan("补齐台账", TODAY + timedelta(days=2))])


def test_the_office_records_a_visit_and_the_unit_is_told(client, tree, open_campaign):
    client.force_login(tree.user("office"))
    response = client.post(reverse("oversight:inspection_record", args=[open_campaign.slug]),
                           record_post(unit=tree.unit("township").pk), follow=True)
    inspection = Inspection.objects.get()
    assert inspection.score == Decimal("85.50") and inspection.actions.count() == 2
    assert "补齐排查台账" in response.content.decode()
    told = Notification.objects.get(recipient=tree.user("staff"))
    assert told.link == reverse("oversight:inspection", args=[inspection.pk]) and "2" in told.body
    table = client.get(reverse("oversight:inspections", args=[open_campaign.slug])).context["table"]
    assert [(line.unit.code, line.visits, line.open_actions, line.overdue_actions) for line in table] == [
        ("A1", 1, 2, 0)]


def test_an_action_without_a_deadline_is_refused_at_its_field_and_nothing_is_recorded(client, tree, open_campaign):
    client.force_login(tree.user("office"))
    response = client.post(reverse("oversight:inspection_record", args=[open_campaign.slug]),
                           record_post(unit=tree.unit("township").pk, **{"actions-1-deadline": ""}))
    assert "请给出整改期限" in response.context["actions"][1].errors["deadline"][0]
    assert not Inspection.objects.exists()


def test_the_unit_answers_the_office_closes_and_a_closed_action_takes_no_answer(client, tree, visit):
    action = visit.actions.get()
    client.force_login(tree.user("staff"))
    client.post(reverse("oversight:action_answer", args=[visit.pk, action.pk]), {"answer": "已补齐。"})
    action.refresh_from_db()
    assert action.answer == "已补齐。" and action.state == "answered"
    assert Notification.objects.filter(recipient=tree.user("office"), title__contains="一街道").exists()
    client.force_login(tree.user("office"))
    client.post(reverse("oversight:action_close", args=[visit.pk, action.pk]))
    action.refresh_from_db()
    assert action.state == "closed"
    assert Notification.objects.filter(recipient=tree.user("staff"), body__contains="关闭了“补齐台账”").exists()
    with pytest.raises(ValidationError, match="已关闭"):
        services.action_answer(actor=tree.user("staff"), action=action, answer="再次答复")


def test_staff_see_their_open_actions_on_the_home_page(client, tree, visit):
    client.force_login(tree.user("staff"))
    page = client.get(reverse("home")).content.decode()
    assert "补齐台账" in page and reverse("oversight:inspection", args=[visit.pk]) in page


def test_overdue_actions_are_told_once_a_day_to_the_unit_and_the_office(tree, visit):
    later = TODAY + timedelta(days=3)
    assert services.send_overdue_action_notices(on=TODAY) == 0
    assert services.send_overdue_action_notices(on=later) == 2  # the staff of 一街道 and the county office
    assert services.send_overdue_action_notices(on=later) == 0
    assert services.send_overdue_action_notices(on=later + timedelta(days=1)) == 2
    InspectionAction.objects.update(closed_at=visit.recorded_at, closed_by=tree.user("office"))
    assert services.send_overdue_action_notices(on=later + timedelta(days=2)) == 0


@pytest.mark.parametrize("actor", ["staff", "leader", "department_staff"])
def test_only_an_office_above_records_and_closes(tree, open_campaign, visit, actor):
    with pytest.raises(PermissionDenied):
        services.inspection_record(actor=tree.user(actor), campaign=open_campaign, unit=tree.unit("township"),
                                   day=TODAY, inspectors="x", findings="x")
    with pytest.raises(PermissionDenied):
        services.action_close(actor=tree.user(actor), action=visit.actions.get())


# A unit the campaign names to inspect (seed 000: 督导检查 by 区综治办) -----------------------------------------------


@pytest.fixture
def named(client, tree, open_campaign):
    """The admin names 甲县市场监管局 to inspect in the campaign, on the campaign's quotas page."""
    client.force_login(tree.user("admin"))
    url = reverse("oversight:quotas", args=[open_campaign.slug])
    offered = client.get(url).context["inspecting_form"].fields["units"].queryset
    assert list(offered) == [tree.unit("department")]  # departments only: governments and offices inspect anyway
    client.post(url, {"save": "inspecting_units", "units": [tree.unit("department").pk]})
    return tree.unit("department")


def test_a_named_unit_records_visits_to_the_units_of_its_government(client, tree, open_campaign, named):
    told = Notification.objects.get(recipient=tree.user("department_staff"))
    assert "督导检查" in told.body and told.link == reverse("oversight:inspections", args=[open_campaign.slug])
    client.force_login(tree.user("department_staff"))
    work = client.get(reverse("oversight:work", args=[open_campaign.slug])).content.decode()
    assert f'href="{reverse("oversight:inspections", args=[open_campaign.slug])}"' in work
    page = client.get(reverse("oversight:inspections", args=[open_campaign.slug]))
    assert page.context["may_record"] and named not in page.context["form"].fields["unit"].queryset
    client.post(reverse("oversight:inspection_record", args=[open_campaign.slug]),
                record_post(unit=tree.unit("township").pk))
    inspection = Inspection.objects.get()
    assert inspection.inspecting_unit == named
    told = Notification.objects.get(recipient=tree.user("staff"))
    assert "甲县市场监管局" in told.body
    with pytest.raises(PermissionDenied):
        services.inspection_record(actor=tree.user("department_staff"), campaign=open_campaign,
                                   unit=tree.unit("other_township"), day=TODAY, inspectors="x", findings="x")


def test_the_named_unit_is_told_of_answers_and_overdue_actions_and_closes_its_actions(client, tree, open_campaign,
                                                                                     named):
    visit = services.inspection_record(
        actor=tree.user("department_staff"), campaign=open_campaign, unit=tree.unit("township"), day=TODAY,
        inspectors="督导组", findings="台账不全", actions=[services.ActionPlan("补齐台账", TODAY + timedelta(days=2))])
    action = visit.actions.get()
    services.action_answer(actor=tree.user("staff"), action=action, answer="已补齐。")
    assert Notification.objects.filter(recipient=tree.user("department_staff"), body__contains="补齐台账").exists()
    assert Notification.objects.filter(recipient=tree.user("office"), body__contains="补齐台账").exists()
    # the staff of 一街道, the county office and the named unit
    assert services.send_overdue_action_notices(on=TODAY + timedelta(days=3)) == 3
    client.force_login(tree.user("department_staff"))
    page = client.get(reverse("oversight:inspection", args=[visit.pk]))
    assert page.context["may_close"] and "甲县市场监管局" in page.content.decode()
    client.post(reverse("oversight:action_close", args=[visit.pk, action.pk]))
    action.refresh_from_db()
    assert action.state == "closed"


def test_a_unit_no_longer_named_records_nothing(client, tree, open_campaign, named):
    client.force_login(tree.user("admin"))
    client.post(reverse("oversight:quotas", args=[open_campaign.slug]), {"save": "inspecting_units"})
    assert Notification.objects.filter(recipient=tree.user("department_staff"), title__contains="不再").exists()
    client.force_login(tree.user("department_staff"))
    assert client.get(reverse("oversight:inspections", args=[open_campaign.slug])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.inspection_record(actor=tree.user("department_staff"), campaign=open_campaign,
                                   unit=tree.unit("township"), day=TODAY, inspectors="x", findings="x")
