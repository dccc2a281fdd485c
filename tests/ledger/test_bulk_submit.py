"""Staff submit several drafts at once from the clue list: they tick them, see them counted and confirm, and either all
are submitted or, when one cannot be, none, with each refusal naming its clue."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from ledger import services
from ledger.models import Clue, ClueEvent
from screening.locks import today_local
from screening.models import Phase
from tests.orgs.test_pages import login


@pytest.fixture
def draft(tree, open_campaign, clue_data):
    def make(name: str, unit="township", user="staff") -> Clue:
        return services.clue_create(actor=tree.user(user), campaign=open_campaign, unit=tree.unit(unit),
                                    data=clue_data(entity={"name": name, "credit_code": ""}))
    return make


def url(campaign) -> str:
    return reverse("ledger:clues_submit", args=[campaign.slug])


def statuses(*clues) -> list[str]:
    return [Clue.objects.get(pk=clue.pk).status for clue in clues]


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_list_offers_a_checkbox_for_each_clue_the_user_can_submit(client, tree, open_campaign, draft):
    ours, village = draft("甲公司"), draft("村公司", unit="village")
    handed_in = services.clue_submit(actor=tree.user("staff"), clue=draft("已提交公司"))
    login(client, tree.user("staff"))
    page = client.get(reverse("ledger:clue_list", args=[open_campaign.slug])).content.decode()
    for clue in (ours, village):
        assert f'name="clue" value="{clue.pk}"' in page
    assert f'name="clue" value="{handed_in.pk}"' not in page
    client.post(reverse("logout"))
    login(client, tree.user("office"))
    assert 'name="clue"' not in client.get(reverse("ledger:clue_list", args=[open_campaign.slug])).content.decode()


def test_a_user_who_also_reviews_gets_checkboxes_only_for_the_units_they_enter_for(client, tree, open_campaign, draft):
    from orgs import services as org_services

    ours, theirs = draft("甲公司"), draft("局公司", unit="department", user="department_staff")
    org_services.membership_set(actor=None, user=tree.user("staff"), unit=tree.unit("office"), role="office")
    login(client, tree.user("staff"))
    page = client.get(reverse("ledger:clue_list", args=[open_campaign.slug])).content.decode()
    assert "局公司" in page and f'name="clue" value="{theirs.pk}"' not in page
    assert f'name="clue" value="{ours.pk}"' in page


def test_ticked_drafts_are_counted_and_confirmed_before_anything_is_submitted(client, tree, open_campaign, draft):
    first, second = draft("甲公司"), draft("乙公司", unit="village")
    login(client, tree.user("staff"))
    confirm = client.post(url(open_campaign), {"clue": [first.pk, second.pk], "query": "status=draft"})
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "确定向处非办提交 2 条线索？" in page and "甲公司" in page and "乙公司" in page
    assert statuses(first, second) == ["draft", "draft"]

    done = client.post(url(open_campaign), {"clue": [first.pk, second.pk], "confirmed": "on", "query": "status=draft"})
    assert done.status_code == 302 and done["Location"].endswith("/clues/?status=draft")
    assert statuses(first, second) == ["submitted", "submitted"]
    assert ClueEvent.objects.filter(kind="submitted", actor=tree.user("staff")).count() == 2
    assert said(done) == ["已向处非办提交 2 条线索。"]


def test_one_clue_refused_submits_none_and_names_it(client, tree, open_campaign, draft):
    first = draft("甲公司")
    handed_in = services.clue_submit(actor=tree.user("staff"), clue=draft("已提交公司"))
    login(client, tree.user("staff"))
    response = client.post(url(open_campaign), {"clue": [first.pk, handed_in.pk], "confirmed": "on"})
    assert response.status_code == 302
    assert statuses(first) == ["draft"]
    [message] = said(response)
    assert message.splitlines() == ["未提交任何线索：", "已提交公司 (一街道)：只有草稿或被退回的线索可以报送。"]


def test_after_the_deadline_nothing_is_submitted_and_the_reason_is_given(client, tree, open_campaign, draft):
    first, second = draft("甲公司"), draft("乙公司")
    today = today_local()
    Phase.objects.filter(campaign=open_campaign).update(start=today - timedelta(days=30), end=today - timedelta(days=2),
                                                        deadline=today - timedelta(days=2))
    login(client, tree.user("staff"))
    response = client.post(url(open_campaign), {"clue": [first.pk, second.pk], "confirmed": "on"})
    assert statuses(first, second) == ["draft", "draft"]
    [message] = said(response)
    assert len(message.splitlines()) == 3 and "填报已于" in message.splitlines()[1]


def test_clues_the_user_may_not_submit_are_refused(client, tree, open_campaign, draft):
    theirs = draft("局公司", unit="department", user="department_staff")
    login(client, tree.user("staff"))
    client.post(url(open_campaign), {"clue": [theirs.pk], "confirmed": "on"})  # not even seen: not a choice
    assert statuses(theirs) == ["draft"]
    client.post(reverse("logout"))
    login(client, tree.user("office"))  # sees it, enters nothing
    response = client.post(url(open_campaign), {"clue": [theirs.pk], "confirmed": "on"})
    assert statuses(theirs) == ["draft"] and "局公司" in said(response)[-1]


def test_nothing_ticked_says_so(client, tree, open_campaign, draft):
    login(client, tree.user("staff"))
    response = client.post(url(open_campaign), {"confirmed": "on"})
    assert said(response) == ["未提交任何线索：\n请勾选要提交的线索。"]


def test_the_service_submits_all_or_none(tree, open_campaign, draft):
    first = draft("甲公司")
    handed_in = services.clue_submit(actor=tree.user("staff"), clue=draft("已提交公司"))
    with pytest.raises(ValidationError) as refused:
        services.clues_submit(actor=tree.user("staff"), clues=[first, handed_in])
    assert refused.value.messages == ["已提交公司 (一街道)：只有草稿或被退回的线索可以报送。"]
    assert statuses(first) == ["draft"]
    assert services.clues_submit(actor=tree.user("staff"), clues=[first]) == 1
