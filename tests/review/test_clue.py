from django.core import mail
from django.urls import reverse

from ledger import services
from ledger.models import Clue, ClueEvent
from orgs.models import Notification
from review import services as review_services
from review.models import Assessment
from review.services import Scores
from tests.factories import member
from tests.orgs.test_pages import login


def page(clue) -> str:
    return reverse("review:clue", args=[clue.pk])


def action(name, clue) -> str:
    return reverse(f"review:{name}", args=[clue.pk])


SCORES = {"public_reach": 5, "risk_exposure": 2, "opinion_heat": 1, "stability_risk": 1}


def test_the_page_shows_the_facts_and_the_rule(client, tree, submitted):
    login(client, tree.user("office"))
    response = client.get(page(submitted))
    assert response.status_code == 200
    html = response.content.decode()
    assert "天津某某投资管理有限公司" in html and "120.50" in html and "消费返利" in html
    assert "14" in html and "9" in html  # the rule's sums
    assert "500人以上" in html and "已发生群体性事件" in html  # guidance per score
    assert response.context["changes"] is None  # never returned


def test_accept(client, tree, submitted):
    login(client, tree.user("office"))
    response = client.post(action("clue_accept", submitted))
    assert response.status_code == 302
    assert Clue.objects.get(pk=submitted.pk).status == "accepted"
    again = client.post(action("clue_accept", submitted))
    assert again.status_code == 200 and again.context["accept_form"].non_field_errors()


def test_return_with_a_reason_then_the_office_sees_what_changed(client, tree, submitted, clue_data, term):
    login(client, tree.user("office"))
    refused = client.post(action("clue_return", submitted), {"reason": " "})
    assert refused.status_code == 200 and "reason" in refused.context["return_form"].errors
    assert Clue.objects.get(pk=submitted.pk).status == "submitted"

    client.post(action("clue_return", submitted), {"reason": "涉及人数有误"})
    clue = Clue.objects.get(pk=submitted.pk)
    assert clue.status == Clue.Status.RETURNED and clue.return_reason == "涉及人数有误"

    staff = tree.user("staff")
    clue = services.clue_update(actor=staff, clue=clue, expected_version=clue.version,
                                data=clue_data(people_involved=60, problems=[term("超范围经营")]))
    services.clue_submit(actor=staff, clue=clue)
    changes = client.get(page(clue)).context["changes"]
    assert [(c.label, c.old, c.new) for c in changes] == [
        ("涉及人数", "35", "60"), ("主要问题", "超范围经营、虚假宣传", "超范围经营")]


def test_an_imported_clue_returned_and_resubmitted_unchanged_shows_no_change(client, tree, open_campaign, clue_data):
    staff = tree.user("staff")
    clue = services.clues_create(actor=staff, campaign=open_campaign, unit=tree.unit("township"), rows=[clue_data()],
                                 submit=True)[0]
    review_services.clue_return(actor=tree.user("office"), clue=clue, reason="请核实")
    services.clue_submit(actor=staff, clue=clue)
    login(client, tree.user("office"))
    assert client.get(page(clue)).context["changes"] == []


def test_rate_override_and_mark_key(client, tree, submitted):
    login(client, tree.user("office"))
    client.post(action("clue_rate", submitted), SCORES | {"notes": "涉众面广"})
    assessment = Assessment.objects.get(clue=submitted)
    assert assessment.level == "high" and assessment.notes == "涉众面广"
    response = client.get(page(submitted))
    assert response.context["assessment"].get_level_display() == "高"
    assert "高" in response.content.decode()

    refused = client.post(action("clue_override", submitted), {"level": "medium", "reason": ""})
    assert refused.status_code == 200 and "reason" in refused.context["override_form"].errors
    client.post(action("clue_override", submitted), {"level": "medium", "reason": "已部分兑付"})
    assessment.refresh_from_db()
    assert assessment.level == "medium" and assessment.override_reason == "已部分兑付"

    not_accepted = client.post(action("clue_key", submitted), {"is_key": "1"})
    assert not_accepted.status_code == 200 and not_accepted.context["key_form"].non_field_errors()
    client.post(action("clue_accept", submitted))
    client.post(action("clue_key", submitted), {"is_key": "1", "reason": "涉众500人以上"})
    assert Assessment.objects.get(clue=submitted).is_key
    client.post(action("clue_key", submitted), {"is_key": "0", "reason": "已清退"})
    assert not Assessment.objects.get(clue=submitted).is_key

    trail = client.get(page(submitted)).context["trail"]
    assert [line.event.kind for line in trail] == [
        "submitted", "rated", "level_overridden", "accepted", "marked_key", "unmarked_key"]
    assert "5、2、1、1" in trail[1].detail and "高" in trail[1].detail
    assert trail[4].event.reason == "涉众500人以上" and trail[3].event.actor == tree.user("office")


def test_a_rating_needs_every_factor(client, tree, submitted):
    login(client, tree.user("office"))
    response = client.post(action("clue_rate", submitted), SCORES | {"stability_risk": "6"})
    assert response.status_code == 200 and "stability_risk" in response.context["rating_form"].errors
    assert not Assessment.objects.exists()


def test_a_high_clue_is_proposed_as_key(client, tree, submitted):
    review_services.clue_rate(actor=tree.user("office"), clue=submitted, scores=Scores(5, 1, 1, 1))
    login(client, tree.user("office"))
    html = client.get(page(submitted)).content.decode()
    assert 'name="is_key" value="1"' in html


def test_transfer_through_the_page(client, tree, report):
    clue = report(entity={"registered_division": tree.unit("sibling_township").code})
    login(client, tree.user("office"))
    form = client.get(page(clue)).context["transfer_form"]
    assert list(form.fields["to_unit"].queryset) == [tree.unit("sibling_township")]
    response = client.post(action("clue_transfer", clue), {"to_unit": tree.unit("sibling_township").pk,
                                                           "reason": "注册地在二街道"})
    assert response.status_code == 302
    clue.refresh_from_db()
    assert clue.unit == tree.unit("sibling_township")
    assert ClueEvent.objects.get(clue=clue, kind="transferred").reason == "注册地在二街道"
    assert Notification.objects.filter(recipient=tree.user("office")).exists()


def test_transfer_says_why_there_is_no_unit_to_hand_to(client, tree, report):
    unknown = report(entity={"registered_division": ""})
    login(client, tree.user("office"))
    response = client.get(page(unknown))
    assert response.context["transfer_why_none"] and not response.context["transfer_form"].fields["to_unit"].queryset
    local = report(entity={"name": "本地公司", "credit_code": "", "registered_division": "A1"}, submit=True,
                   sector=unknown.sector, behaviours=[])
    assert client.get(page(local)).context["transfer_why_none"]
    refused = client.post(action("clue_transfer", local), {"to_unit": tree.unit("sibling_township").pk, "reason": "x"})
    assert refused.status_code == 200 and "to_unit" in refused.context["transfer_form"].errors


def test_merge_through_the_page_keeps_both_sources(client, tree, report):
    ours = report()
    theirs = report(unit="department", user="department_staff")
    login(client, tree.user("office"))
    form = client.get(page(ours)).context["merge_form"]
    assert list(form.fields["other"].queryset) == [theirs]
    response = client.post(action("clue_merge", ours), {"other": theirs.pk, "keep": "this", "reason": "同一主体"})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.merged_into == ours
    assert ClueEvent.objects.filter(kind="merged").count() == 2
    assert list(client.get(page(ours)).context["merged"]) == [theirs]


def test_merge_into_the_other_clue(client, tree, report):
    ours = report()
    theirs = report(unit="department", user="department_staff")
    login(client, tree.user("office"))
    client.post(action("clue_merge", ours), {"other": theirs.pk, "keep": "other", "reason": "同一主体"})
    ours.refresh_from_db()
    assert ours.merged_into == theirs


def test_a_transfer_tells_the_active_offices_and_no_deactivated_account(tree, report, django_capture_on_commit_callbacks):
    retired = member(tree.unit("office"), "office", username="retired_office", email="retired@example.gov.cn")
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    office = tree.user("office")
    office.email = "office@example.gov.cn"
    office.save(update_fields=["email"])
    clue = report(entity={"registered_division": tree.unit("sibling_township").code})
    with django_capture_on_commit_callbacks(execute=True):
        review_services.clue_transfer(actor=office, clue=clue, to_unit=tree.unit("sibling_township"), reason="注册地在二街道")
    # The offices above both units and the township that lost the clue (二街道 has no account to tell).
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"office", "city_office", "staff"}
    assert [message.to for message in mail.outbox] == [["office@example.gov.cn"]]
