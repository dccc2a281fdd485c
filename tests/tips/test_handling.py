"""The county office handles a tip: registers it, verifies it, assigns it to a unit (whose staff see it without the
reporter and record their finding), turns it into a clue or closes it, and decides the reward. The reporter's identity
and contact are read by that office alone, each reading logged."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ledger.models import Clue
from orgs.models import Notification
from screening.locks import today_local
from tips import services
from tips.models import IdentityView, Tip, TipEvent

from .conftest import PHONE, REPORTER

pytestmark = pytest.mark.django_db


def act(client, tip, action, **data):
    return client.post(reverse("tips:act", args=[tip.pk, action]), {f"{action}-{key}": value for key, value in data.items()})


def registered(client, tree, tip):
    client.force_login(tree.user("office"))
    act(client, tip, "register")
    tip.refresh_from_db()
    return tip


# Who reads the reporter ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "department_staff", "leader", "admin", "city_office", "other_office"])
def test_no_role_but_the_handling_office_reads_the_reporter(client, tree, other_office, file_tip, role):
    tip, _secret = file_tip()
    tip.assigned_unit = tree.unit("township")  # the township's staff work on it, still without the reporter
    tip.save()
    client.force_login(tree.user(role))
    for response in (client.get(reverse("tips:detail", args=[tip.pk])),
                     client.post(reverse("tips:reporter", args=[tip.pk])),
                     client.get(reverse("tips:list"))):
        text = response.content.decode()
        assert REPORTER not in text and PHONE not in text
    # The township's staff verify the tip and are refused its reporter; every other role never reaches the tip.
    assert client.get(reverse("tips:detail", args=[tip.pk])).status_code == (200 if role == "staff" else 404)
    assert client.post(reverse("tips:reporter", args=[tip.pk])).status_code == (403 if role == "staff" else 404)
    with pytest.raises(PermissionDenied):
        services.identity_read(actor=tree.user(role), tip=tip)
    assert not IdentityView.objects.exists()


def test_the_superuser_and_the_admin_site_never_see_a_tip(client, tree, file_tip, django_user_model):
    tip, _secret = file_tip()
    assert not any(model._meta.app_label == "tips" for model in admin.site._registry)
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    assert client.get(reverse("tips:detail", args=[tip.pk])).status_code == 404
    assert client.post(reverse("tips:reporter", args=[tip.pk])).status_code == 404


def test_the_handling_office_reads_the_reporter_and_each_reading_is_logged_on_the_page(client, tree, file_tip):
    tip, _secret = file_tip()
    client.force_login(tree.user("office"))
    page = client.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    assert REPORTER not in page and PHONE not in page  # not shown until asked for
    assert not IdentityView.objects.exists()
    shown = client.post(reverse("tips:reporter", args=[tip.pk])).content.decode()
    assert REPORTER in shown and PHONE in shown
    client.post(reverse("tips:reporter", args=[tip.pk]))
    views = list(IdentityView.objects.filter(tip=tip))
    assert [view.viewer for view in views] == [tree.user("office")] * 2
    log = client.get(reverse("tips:detail", args=[tip.pk])).content.decode().split('id="identity-log"')[1]
    assert log.count(str(tree.user("office"))) == 2


# The work --------------------------------------------------------------------------------------------------------------


def test_the_office_registers_verifies_and_assigns_and_the_unit_records_its_finding(client, tree, file_tip):
    tip, _secret = file_tip()
    client.force_login(tree.user("office"))
    assert "请先受理登记" in act(client, tip, "verify", text="电话核实").content.decode()
    assert not TipEvent.objects.filter(kind="verified").exists()
    registered(client, tree, tip)
    assert tip.registered_by == tree.user("office") and tip.status == Tip.Status.RECEIVED
    act(client, tip, "verify", text="电话联系举报人核实")
    tip.refresh_from_db()
    assert tip.status == Tip.Status.VERIFYING
    refused = act(client, tip, "assign", unit=tree.unit("other_township").pk)
    assert refused.status_code == 200 and Tip.objects.get(pk=tip.pk).assigned_unit is None
    act(client, tip, "assign", unit=tree.unit("township").pk, text="请实地核查经营场所")
    tip.refresh_from_db()
    assert tip.assigned_unit == tree.unit("township")
    told = Notification.objects.get(recipient=tree.user("staff"))
    assert REPORTER not in told.body and told.link == reverse("tips:detail", args=[tip.pk])
    assert not Notification.objects.filter(recipient=tree.user("department_staff")).exists()

    client.force_login(tree.user("staff"))
    page = client.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    assert tip.entity_name in page and REPORTER not in page and 'id="finding"' in page
    assert act(client, tip, "register").status_code == 403  # the office's work, not the unit's
    act(client, tip, "finding", text="现场核实：该公司以养老服务名义吸收资金")
    tip.refresh_from_db()
    assert tip.finding.startswith("现场核实")
    office_told = Notification.objects.filter(recipient=tree.user("office"), title__contains="核查结果").get()
    assert office_told.link == reverse("tips:detail", args=[tip.pk])
    kinds = list(tip.events.values_list("kind", "actor__username"))
    assert kinds == [("registered", "office"), ("verified", "office"), ("assigned", "office"),
                     ("finding", "staff")]
    client.force_login(tree.user("department_staff"))  # staff of another unit of the county
    assert client.get(reverse("tips:detail", args=[tip.pk])).status_code == 404


def test_the_office_turns_the_tip_into_a_clue_linked_both_ways(client, tree, open_campaign, file_tip):
    tip, secret = file_tip()
    registered(client, tree, tip)
    offered = client.get(reverse("tips:detail", args=[tip.pk])).content.decode().split('id="convert-sectors"')[1]
    assert '<option value="网络借贷平台">' in offered and "互联网金融行业企业" not in offered  # leaves only
    response = act(client, tip, "convert", campaign=open_campaign.pk, unit=tree.unit("township").pk,
                   sector="民间投融资中介机构", amount="80.00", people="20")
    assert response.status_code == 302
    tip.refresh_from_db()
    clue = tip.clue
    assert tip.status == Tip.Status.HANDLED and tip.outcome == Tip.Outcome.CLUE
    assert clue.source.name == "群众举报" and clue.status == Clue.Status.SUBMITTED
    assert clue.unit == tree.unit("township") and clue.amount_involved == Decimal("80.00")
    assert clue.entity.name == tip.entity_name and REPORTER not in clue.description
    tip_page = client.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    assert reverse("ledger:clue_detail", args=[clue.pk]) in tip_page
    clue_page = client.get(reverse("ledger:clue_detail", args=[clue.pk])).content.decode()
    assert f"群众举报第 {tip.pk} 号" in clue_page and reverse("tips:detail", args=[tip.pk]) in clue_page
    # Handled: nothing more to turn into a clue or close.
    assert "该举报已办结" in act(client, tip, "close", reason="重复").content.decode()
    assert Tip.objects.get(pk=tip.pk).closed_reason == ""
    assert client.post(reverse("tips:status"), {"tracking_code": tip.tracking_code, "secret": secret}) \
        .content.decode().count("已处理") == 1


def test_a_sector_outside_the_campaign_is_refused_at_its_field_and_nothing_is_saved(client, tree, open_campaign,
                                                                                    file_tip):
    tip, _secret = file_tip()
    registered(client, tree, tip)
    response = act(client, tip, "convert", campaign=open_campaign.pk, unit=tree.unit("township").pk,
                   sector="不存在的行业", amount="1", people="1")
    assert "不是本次排查活动的重点领域" in response.content.decode()
    assert not Clue.objects.exists() and Tip.objects.get(pk=tip.pk).outcome == ""


def test_the_office_closes_a_tip_with_a_reason(client, tree, file_tip):
    tip, _secret = file_tip()
    registered(client, tree, tip)
    refused = act(client, tip, "close", reason=" ").content.decode()
    assert 'id="id_close-reason_error"' in refused and Tip.objects.get(pk=tip.pk).outcome == ""
    act(client, tip, "close", reason="经核查不属于非法集资")
    tip.refresh_from_db()
    assert (tip.status, tip.outcome, tip.closed_reason) == (Tip.Status.HANDLED, "closed", "经核查不属于非法集资")


def test_the_reward_decision_is_recorded_and_the_reporter_reads_rewarded_once_paid(client, tree, file_tip):
    tip, secret = file_tip()
    registered(client, tree, tip)
    assert "举报处理完毕后" in act(client, tip, "reward", amount="500", on=today_local().isoformat()).content.decode()
    act(client, tip, "close", reason="已移交公安机关")
    act(client, tip, "reward", amount="500.5", on=today_local().isoformat())
    tip.refresh_from_db()
    assert (tip.reward_amount, tip.reward_paid, tip.status) == (Decimal("500.50"), False, Tip.Status.HANDLED)
    assert "不能晚于今天" in act(client, tip, "reward", amount="500.50",
                                 on=(today_local() + timedelta(days=1)).isoformat(), paid="on").content.decode()
    assert Tip.objects.get(pk=tip.pk).reward_paid is False
    act(client, tip, "reward", amount="500.50", on=today_local().isoformat(), paid="on")
    tip.refresh_from_db()
    assert tip.status == Tip.Status.REWARDED and tip.reward_paid
    assert "已奖励" in client.post(reverse("tips:status"), {"tracking_code": tip.tracking_code, "secret": secret}) \
        .content.decode()
    assert tip.events.filter(kind="reward").count() == 2


def test_a_reward_with_three_decimals_is_refused(client, tree, file_tip):
    tip, _secret = file_tip()
    registered(client, tree, tip)
    act(client, tip, "close", reason="已移交")
    act(client, tip, "reward", amount="1.005", on=today_local().isoformat())
    assert Tip.objects.get(pk=tip.pk).reward_amount is None


# The list ----------------------------------------------------------------------------------------------------------------


def test_the_office_lists_its_county_tips_by_status_page_by_page_in_constant_queries(
        client, tree, other_office, file_tip, settings, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr("tips.selectors.PAGE_SIZE", 3)
    settings.TIPS_PER_ADDRESS_PER_DAY = 100
    tips = [file_tip(entity_name=f"公司{n}")[0] for n in range(7)]
    other = file_tip(county=tree.unit("other_county"), entity_name="乙县公司")[0]
    Tip.objects.filter(pk__in=[t.pk for t in tips[:2]]).update(status=Tip.Status.VERIFYING)
    client.force_login(tree.user("office"))
    with django_assert_max_num_queries(12):
        first = client.get(reverse("tips:list")).content.decode()
    assert "公司6" in first and "公司4" in first and "公司3" not in first and "乙县公司" not in first
    next_link = first.split('class="button" href="?before=')[1].split('"')[0]
    with django_assert_max_num_queries(12):
        second = client.get(reverse("tips:list") + f"?before={next_link}").content.decode()
    assert "公司3" in second and "公司1" in second and "公司6" not in second
    verifying = client.get(reverse("tips:list") + "?status=verifying").content.decode()
    assert "公司1" in verifying and "公司0" in verifying and "公司6" not in verifying
    assert REPORTER not in first
    client.force_login(tree.user("other_office"))
    assert "乙县公司" in client.get(reverse("tips:list")).content.decode()
    assert client.get(reverse("tips:detail", args=[tips[0].pk])).status_code == 404
    assert other.county == tree.unit("other_county")


@pytest.mark.parametrize("role", ["staff", "leader", "city_office", "other_office"])
def test_the_office_s_work_is_refused_to_every_other_role_by_the_services_themselves(tree, other_office, open_campaign,
                                                                                     file_tip, role):
    tip, _secret = file_tip()
    tip = services.tip_assign(actor=tree.user("office"), unit=tree.unit("township"),
                              tip=services.tip_register(actor=tree.user("office"), tip=tip))
    actor = tree.user(role)
    calls = [
        lambda: services.tip_register(actor=actor, tip=tip),
        lambda: services.tip_verify(actor=actor, tip=tip, text="x"),
        lambda: services.tip_assign(actor=actor, tip=tip, unit=tree.unit("township")),
        lambda: services.tip_convert(actor=actor, tip=tip, campaign=open_campaign, unit=tree.unit("township"),
                                     sector=open_campaign.terms.get(name="网络借贷平台"), amount=Decimal("1"), people=1),
        lambda: services.tip_close(actor=actor, tip=tip, reason="x"),
        lambda: services.tip_reward(actor=actor, tip=tip, amount=Decimal("1"), on=today_local(), paid=True),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    if role != "staff":  # only the unit the tip is assigned to records a finding
        with pytest.raises(PermissionDenied):
            services.tip_finding(actor=actor, tip=tip, text="x")
    tip.refresh_from_db()
    assert (tip.outcome, tip.finding, tip.clue_id) == ("", "", None)
