"""Only the office reviews: staff (and leaders) meet a 404 on clue pages and actions, staff a 403 on campaign pages, and
neither ever sees a rating. Leaders read the approval grid and the overdue lists, and decide nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse

from ledger.models import Clue
from review import services as review_services
from review.models import Assessment
from review.services import Scores
from tests.factories import UserFactory
from tests.orgs.test_pages import login

CLUE_ACTIONS = [
    ("clue_accept", {}),
    ("clue_return", {"reason": "x"}),
    ("clue_rate", {"public_reach": 5, "risk_exposure": 5, "opinion_heat": 5, "stability_risk": 5}),
    ("clue_override", {"level": "low", "reason": "x"}),
    ("clue_key", {"is_key": "1"}),
    ("disposal_save", {"track": "rectify", "stage": "planned"}),
    ("progress_add", {"on": "2020-01-01", "text": "x"}),
    ("clue_transfer", {"reason": "x"}),
    ("clue_merge", {"reason": "x"}),
]


@pytest.mark.parametrize("role", ["staff", "department_staff", "leader"])
def test_only_reviewers_reach_the_clue_page_and_its_actions(client, tree, submitted, role):
    login(client, tree.user(role))
    assert client.get(reverse("review:clue", args=[submitted.pk])).status_code == 404
    for name, data in CLUE_ACTIONS:
        assert client.post(reverse(f"review:{name}", args=[submitted.pk]), data).status_code == 404, name
    assert Clue.objects.get(pk=submitted.pk).status == Clue.Status.SUBMITTED
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("page", ["queue", "overdue", "approvals"])
def test_staff_are_refused_the_campaign_pages(client, tree, open_campaign, page):
    login(client, tree.user("staff"))
    assert client.get(reverse(f"review:{page}", args=[open_campaign.slug])).status_code == 403


def test_staff_cannot_decide_on_submissions(client, tree, open_campaign, county_group):
    login(client, tree.user("staff"))
    url = reverse("review:approval_action", args=[open_campaign.slug, tree.unit("township").pk])
    for action in ("approve", "return", "unapprove"):
        assert client.post(url, {"action": action, "reason": "x"}).status_code == 403


def test_an_office_does_not_review_another_county(client, tree, open_campaign, report):
    clue = report()
    from tests.factories import member

    login(client, member(tree.unit("other_county"), "office"))
    assert client.get(reverse("review:clue", args=[clue.pk])).status_code == 404
    assert client.get(reverse("review:queue", args=[open_campaign.slug])).status_code == 404


def test_staff_never_see_the_rating_notes(client, tree, open_campaign, submitted):
    review_services.clue_rate(actor=tree.user("office"), clue=submitted, scores=Scores(5, 5, 5, 5), notes="内部研判意见")
    login(client, tree.user("office"))
    assert "内部研判意见" in client.get(reverse("review:clue", args=[submitted.pk])).content.decode()
    client.post(reverse("logout"))
    login(client, tree.user("staff"))
    pages = [
        reverse("home"), reverse("review:home"), reverse("review:declare", args=[open_campaign.slug]),
        reverse("screening:campaign_detail", args=[open_campaign.slug]), reverse("ledger:clue_detail", args=[submitted.pk]),
    ]
    for url in pages:
        assert "内部研判意见" not in client.get(url).content.decode(), url


def test_the_menu_offers_review_to_the_office_only(client, tree):
    login(client, tree.user("staff"))
    assert reverse("review:home") not in client.get(reverse("home")).content.decode()
    client.post(reverse("logout"))
    login(client, tree.user("office"))
    assert reverse("review:home") in client.get(reverse("home")).content.decode()


def test_home_opens_the_newest_campaigns_queue_for_the_office(client, tree, open_campaign):
    login(client, tree.user("office"))
    response = client.get(reverse("review:home"))
    assert response.status_code == 302 and response["Location"] == reverse("review:queue", args=[open_campaign.slug])


def test_home_offers_staff_the_declaration(client, tree, open_campaign):
    login(client, tree.user("staff"))
    response = client.get(reverse("review:home"))
    assert response.status_code == 200
    assert reverse("review:declare", args=[open_campaign.slug]) in response.content.decode()


def test_home_says_when_there_is_nothing_to_review(client, tree):
    login(client, tree.user("office"))
    response = client.get(reverse("review:home"))
    assert response.status_code == 200 and response.context["declarable"] is None


def test_a_superuser_without_membership_sees_reviews_and_exports_nothing(client, tree, open_campaign, submitted):
    login(client, UserFactory(username="root", is_superuser=True, is_staff=True))
    slug = open_campaign.slug
    assert client.get(reverse("review:clue", args=[submitted.pk])).status_code == 404
    assert client.post(reverse("review:clue_accept", args=[submitted.pk])).status_code == 404
    assert client.get(reverse("review:queue", args=[slug])).status_code in (403, 404)
    assert client.get(reverse("ledger:clue_detail", args=[submitted.pk])).status_code == 404
    assert client.get(reverse("ledger:export", args=[slug])).status_code in (403, 404)
    preview = client.get(reverse("reports:preview", args=[slug, "attachment1"]), {"unit": tree.unit("county").pk})
    assert preview.status_code in (403, 404)
    assert Clue.objects.get(pk=submitted.pk).status == Clue.Status.SUBMITTED


def test_a_leader_reads_the_grid_and_the_overdue_lists_and_decides_nothing(client, tree, open_campaign, county_group,
                                                                           submitted):
    from review import submissions
    from screening import locks
    from screening.models import UnitSubmission

    review_services.disposal_save(actor=tree.user("office"), clue=submitted, plan=review_services.DisposalPlan(
        responsible_unit=tree.unit("department"), track="rectify", measures=[],
        deadline=locks.today_local() - timedelta(days=3),
    ))
    submissions.submission_declare(actor=tree.user("department_staff"), campaign=open_campaign,
                                   unit=tree.unit("department"))
    phase = open_campaign.phases.get()
    phase.end = phase.deadline = locks.today_local() - timedelta(days=1)
    phase.save()
    login(client, tree.user("leader"))
    slug = open_campaign.slug

    grid = client.get(reverse("review:approvals", args=[slug]))
    assert grid.status_code == 200
    assert {line.row.unit.name: line.row.state for line in grid.context["lines"]} == {
        "甲县市场监管局": "submitted", "一街道": "in_progress",
    }
    assert not any(line.may_approve or line.may_return or line.may_unapprove for line in grid.context["lines"])
    html = grid.content.decode()
    assert reverse("review:approval_action", args=[slug, tree.unit("department").pk]) not in html
    assert "<button" not in html.split("</h1>")[1].split("</main>")[0]
    assert reverse("review:queue", args=[slug]) not in html  # the tabs offer the leader what the leader may open
    assert [line.unit.name for line in grid.context["overdue_units"]] == ["一街道"]

    overdue = client.get(reverse("review:overdue", args=[slug]))
    assert overdue.status_code == 200
    assert [line.disposal.clue.pk for line in overdue.context["lines"]] == [submitted.pk]
    assert reverse("review:clue", args=[submitted.pk]) not in overdue.content.decode()

    for action in ("approve", "return", "unapprove"):
        url = reverse("review:approval_action", args=[slug, tree.unit("department").pk])
        assert client.post(url, {"action": action, "reason": "x"}).status_code == 403
    assert UnitSubmission.objects.get(unit=tree.unit("department")).status == "submitted"
    assert client.get(reverse("review:queue", args=[slug])).status_code == 403


def test_a_leader_of_another_county_does_not_see_the_grid(client, tree, open_campaign, county_group):
    from tests.factories import member

    login(client, member(tree.unit("other_county"), "leader"))
    for page in ("approvals", "overdue"):
        assert client.get(reverse(f"review:{page}", args=[open_campaign.slug])).status_code == 404


@pytest.mark.parametrize(("role", "shown"), [("office", True), ("leader", True), ("staff", False), ("admin", False)])
def test_the_campaign_page_leads_those_who_follow_progress_to_the_grid(client, tree, open_campaign, role, shown):
    login(client, tree.user(role))
    page = client.get(reverse("screening:campaign_detail", args=[open_campaign.slug])).content.decode()
    for name in ("approvals", "overdue"):
        assert (reverse(f"review:{name}", args=[open_campaign.slug]) in page) is shown


# The responsible unit's disposal tasks -------------------------------------------------------------------------------


@pytest.fixture
def assigned(tree, submitted, settings, tmp_path):
    """The county office made 甲县市场监管局 responsible for the disposal of 一街道's clue; the unit added a file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from review.services import DisposalPlan

    settings.MEDIA_ROOT = tmp_path
    disposal = review_services.disposal_save(actor=tree.user("office"), clue=submitted, plan=DisposalPlan(
        responsible_unit=tree.unit("department"), track="rectify", measures=[]))
    added = review_services.task_file_add(actor=tree.user("department_staff"), disposal=disposal,
                                          uploaded_file=SimpleUploadedFile("笔录.pdf", b"%PDF-1.4 x"))
    return disposal, added


def _who(tree, name: str):
    from tests.factories import member

    if name == "other_county_office":
        return member(tree.unit("other_county"), "office", username=name)
    if name == "other_county_staff":
        return member(tree.unit("other_township"), "staff", username=name)
    return tree.user(name)


TASK_ACTIONS = [
    ("task_progress", {"on": "2020-01-01", "text": "x"}),
    ("task_stage", {"stage": "finished", "text": "x"}),
    ("task_file", {}),
]


@pytest.mark.parametrize(("name", "task_list", "task_page", "file"), [
    ("department_staff", 200, 200, 200),  # the responsible unit
    ("staff", 200, 404, 404),  # the unit that reported the clue, responsible for nothing
    ("other_county_staff", 200, 404, 404),
    ("office", 403, 404, 200),  # follows the task on its clue page, acts on none
    ("city_office", 403, 404, 200),
    ("leader", 403, 404, 404),
    ("other_county_office", 403, 404, 404),
])
def test_only_the_responsible_unit_reaches_its_task(client, tree, assigned, name, task_list, task_page, file):
    disposal, added = assigned
    login(client, _who(tree, name))
    response = client.get(reverse("review:tasks"))
    assert response.status_code == task_list
    if task_list == 200:
        assert [line.disposal for line in response.context["lines"]] == ([disposal] if task_page == 200 else [])
    assert client.get(reverse("review:task", args=[disposal.pk])).status_code == task_page
    assert client.get(reverse("review:disposal_file", args=[added.pk])).status_code == file
    if task_page == 404:
        for action, data in TASK_ACTIONS:
            assert client.post(reverse(f"review:{action}", args=[disposal.pk]), data).status_code == 404, action
        disposal.refresh_from_db()
        assert disposal.stage == "planned" and not disposal.notes.exists() and disposal.files.count() == 1


def test_the_task_services_refuse_anyone_but_the_responsible_unit(tree, assigned):
    from django.core.exceptions import PermissionDenied

    from screening.locks import today_local

    disposal, _added = assigned
    for name in ("staff", "office", "leader", "other_county_staff"):
        actor = _who(tree, name)
        with pytest.raises(PermissionDenied):
            review_services.task_progress_add(actor=actor, disposal=disposal, on=today_local(), text="x")
        with pytest.raises(PermissionDenied):
            review_services.task_stage_report(actor=actor, disposal=disposal, stage="finished", text="x")
    assert not disposal.notes.exists()


@pytest.mark.parametrize(("name", "status"), [
    ("staff", 403), ("department_staff", 403), ("leader", 403), ("other_county_office", 404), ("office", 302),
])
def test_only_the_office_returns_clues_from_the_queue(client, tree, open_campaign, submitted, name, status):
    login(client, _who(tree, name))
    response = client.post(reverse("review:queue_return", args=[open_campaign.slug]),
                           {"clue": [submitted.pk], "reason": "请补充"})
    assert response.status_code == status
    assert Clue.objects.get(pk=submitted.pk).status == ("returned" if name == "office" else "submitted")


@pytest.mark.parametrize(("name", "status"), [
    ("staff", 302), ("department_staff", 302), ("leader", 302), ("office", 302), ("other_county_office", 404),
])
def test_only_the_staff_of_the_unit_submit_its_clues_from_the_list(client, tree, open_campaign, report, name, status):
    draft = report(submit=False)
    login(client, _who(tree, name))
    response = client.post(reverse("ledger:clues_submit", args=[open_campaign.slug]),
                           {"clue": [draft.pk], "confirmed": "on"})
    assert response.status_code == status
    assert Clue.objects.get(pk=draft.pk).status == ("submitted" if name == "staff" else "draft")
