from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from review import services as review_services
from review.models import Disposal
from review.services import DisposalPlan
from screening.locks import today_local
from screening.models import Responsibility
from tests.orgs.test_pages import login


def plan_data(tree, term, **overrides) -> dict:
    """The disposal form as posted, with two notice rows and one empty one."""
    data = {
        "responsible_unit": tree.unit("department").pk,
        "measures": [term("警示约谈").pk, term("规范整改").pk],
        "deadline": (today_local() + timedelta(days=30)).isoformat(),
        "track": "clean_up", "not_handled_reason": "", "stage": "under_way", "case_filed_on": "",
        "refund_status": "refunding", "refunded_share": "35.50", "handling_result": "停业整改",
        "instructions": "十日内报送清退进度",
        "notice-TOTAL_FORMS": "3", "notice-INITIAL_FORMS": "0", "notice-MIN_NUM_FORMS": "0",
        "notice-MAX_NUM_FORMS": "1000",
        "notice-0-province": "河南省", "notice-0-times": "2",
        "notice-1-province": "山东省", "notice-1-times": "1",
        "notice-2-province": "", "notice-2-times": "",
    }
    return data | overrides


def save(client, clue, data):
    return client.post(reverse("review:disposal_save", args=[clue.pk]), data)


def test_the_disposal_form_saves_the_plan(client, tree, submitted, term):
    login(client, tree.user("office"))
    response = save(client, submitted, plan_data(tree, term))
    assert response.status_code == 302
    disposal = Disposal.objects.get(clue=submitted)
    assert (disposal.track, disposal.stage, disposal.refund_status) == ("clean_up", "under_way", "refunding")
    assert disposal.refunded_share == Decimal("35.50") and disposal.handling_result == "停业整改"
    assert disposal.instructions == "十日内报送清退进度"
    assert sorted(disposal.measures.values_list("name", flat=True)) == sorted(["警示约谈", "规范整改"])
    assert dict(disposal.notices.values_list("province", "times")) == {"河南省": 2, "山东省": 1}
    form = client.get(reverse("review:clue", args=[submitted.pk])).context["disposal_form"]
    assert form["track"].value() == "clean_up"
    assert [f["province"].value() for f in form.notices.forms][:2] == ["河南省", "山东省"]

    save(client, submitted, plan_data(tree, term, **{"notice-1-province": ""}))  # a row emptied is a notice removed
    assert dict(disposal.notices.values_list("province", "times")) == {"河南省": 2}
    save(client, submitted, plan_data(tree, term, **{"notice-INITIAL_FORMS": "1", "notice-1-province": ""}))
    assert dict(disposal.notices.values_list("province", "times")) == {"河南省": 2}


@pytest.mark.parametrize("share", ["100.5", "35.555", "-1"])
def test_a_bad_refunded_share_is_refused_at_the_field(client, tree, submitted, term, share):
    login(client, tree.user("office"))
    response = save(client, submitted, plan_data(tree, term, refunded_share=share))
    assert response.status_code == 200
    assert "refunded_share" in response.context["disposal_form"].errors
    assert not Disposal.objects.exists()


def test_not_handled_needs_a_reason(client, tree, submitted, term):
    login(client, tree.user("office"))
    response = save(client, submitted, plan_data(tree, term, track="not_handled"))
    assert "not_handled_reason" in response.context["disposal_form"].errors
    save(client, submitted, plan_data(tree, term, track="not_handled", not_handled_reason="主体失联"))
    assert Disposal.objects.get(clue=submitted).not_handled_reason == "主体失联"


def test_a_province_takes_one_row(client, tree, submitted, term):
    login(client, tree.user("office"))
    response = save(client, submitted, plan_data(tree, term, **{"notice-1-province": "河南省"}))
    assert response.status_code == 200 and response.context["disposal_form"].notices.non_form_errors()


def test_the_responsible_units_offer_the_suggestion_first(client, tree, open_campaign, submitted):
    Responsibility.objects.create(campaign=open_campaign, sector=submitted.sector.parent, unit=tree.unit("department"))
    login(client, tree.user("office"))
    form = client.get(reverse("review:clue", args=[submitted.pk])).context["disposal_form"]
    units = list(form.fields["responsible_unit"].queryset)
    assert units[0] == tree.unit("department") and tree.unit("township") in units
    assert tree.unit("other_county") not in units
    assert form["responsible_unit"].value() == tree.unit("department").pk


def test_progress_notes(client, tree, submitted, term):
    login(client, tree.user("office"))
    url = reverse("review:progress_add", args=[submitted.pk])
    before_plan = client.post(url, {"on": today_local().isoformat(), "text": "已约谈"})
    assert before_plan.status_code == 200 and before_plan.context["progress_form"].non_field_errors()
    save(client, submitted, plan_data(tree, term))
    future = client.post(url, {"on": (today_local() + timedelta(days=1)).isoformat(), "text": "已约谈"})
    assert "on" in future.context["progress_form"].errors
    client.post(url, {"on": today_local().isoformat(), "text": "已约谈法定代表人"})
    note = Disposal.objects.get(clue=submitted).notes.get()
    assert note.text == "已约谈法定代表人" and note.author == tree.user("office")
    assert "已约谈法定代表人" in client.get(reverse("review:clue", args=[submitted.pk])).content.decode()


def test_overdue_disposals_are_listed(client, tree, open_campaign, report):
    office = tree.user("office")
    late = report()
    on_time = report(unit="department", user="department_staff")
    finished = report(entity={"name": "已整改公司", "credit_code": ""})
    for clue, days, stage in ((late, -3, "under_way"), (on_time, 5, "planned"), (finished, -3, "finished")):
        review_services.disposal_save(actor=office, clue=clue, plan=DisposalPlan(
            responsible_unit=tree.unit("department"), track="rectify", measures=[], stage=stage,
            deadline=today_local() + timedelta(days=days)))
    login(client, office)
    response = client.get(reverse("review:overdue", args=[open_campaign.slug]))
    assert [(line.disposal.clue, line.days_overdue) for line in response.context["lines"]] == [(late, 3)]
