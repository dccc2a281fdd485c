from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from ledger.models import Clue
from reports import services
from reports.models import ReportRun
from review.models import CountyReturn
from tests.orgs.test_pages import login
from tests.reports.runs import wait_for_run


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_run_builds_the_workbook_through_the_task(task_worker, tree, open_campaign, ledger):
    """On a real Celery worker when CELERY_BROKER_URL is set (CI: Redis), eagerly otherwise."""
    ledger.clue("township", "staff", ledger.entity("某某公司"), "网络借贷平台", amount="1.25", people=2)
    run = services.report_run_request(actor=tree.user("office"), kind="all", campaign=open_campaign,
                                      unit=tree.unit("county"))
    run = wait_for_run(run, timeout=60)
    assert run.status == "done" and run.progress == 100 and run.finished_at
    book = load_workbook(Path(settings.MEDIA_ROOT) / run.file.name)
    assert len(book.sheetnames) == 3
    assert book.active["A20"].value == "合计" and book.active["H20"].value == 1.25
    assert book.active.cell(6 + 26 + 1, 1).value == f"填报人：{tree.user('office').full_name}"


def test_a_finished_run_is_not_redone(tree, open_campaign):
    run = services.report_run_request(actor=tree.user("office"), kind="attachment1", campaign=open_campaign,
                                      unit=tree.unit("county"))
    run = services.report_run_execute(run_id=run.pk)
    first_file, finished = run.file.name, run.finished_at
    services.report_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert (run.file.name, run.finished_at) == (first_file, finished)
    leftovers = [p for p in (Path(settings.MEDIA_ROOT) / "reports").iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_the_job_is_queued_only_after_the_transaction_commits(tree, open_campaign, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.report_run_request(actor=tree.user("office"), kind="attachment2", campaign=open_campaign,
                                          unit=tree.unit("county"))
    run.refresh_from_db()
    assert run.status == "queued" and len(callbacks) == 1


@pytest.mark.parametrize("role", ["staff", "department_staff"])
def test_staff_cannot_build_the_attachment_tables(tree, open_campaign, role):
    with pytest.raises(PermissionDenied):
        services.report_run_request(actor=tree.user(role), kind="attachment1", campaign=open_campaign,
                                    unit=tree.unit("county"))


def test_a_township_user_cannot_build_for_a_unit_it_may_not_see(client, tree, open_campaign):
    sibling = tree.unit("sibling_township")
    with pytest.raises(PermissionDenied):
        services.report_run_request(actor=tree.user("staff"), kind="ledger", campaign=open_campaign, unit=sibling)
    login(client, tree.user("staff"))
    response = client.post(reverse("reports:build", args=[open_campaign.slug]), {"kind": "ledger", "unit": sibling.pk})
    assert response.status_code == 404
    assert client.get(reverse("reports:preview", args=[open_campaign.slug, "attachment1"]),
                      {"unit": sibling.pk}).status_code == 404
    with pytest.raises(CommandError):
        call_command("build_report", "ledger", campaign=open_campaign.slug, unit=sibling.code,
                     output="/tmp/x.xlsx", user="staff", stdout=StringIO())
    # A run forged for a unit the requester may not see fails in the task as well.
    forged = ReportRun.objects.create(kind="attachment1", campaign=open_campaign, unit=sibling,
                                      requested_by=tree.user("staff"))
    services.report_run_execute(run_id=forged.pk)
    forged.refresh_from_db()
    assert forged.status == "failed" and not forged.file


def test_the_command_writes_the_file(task_worker, tree, open_campaign, tmp_path):
    output = tmp_path / "out" / "附件1.xlsx"
    call_command("build_report", "attachment1", campaign=open_campaign.slug, unit="A", output=str(output),
                 user="office", stdout=StringIO())
    assert load_workbook(output).active["A2"].value == "涉嫌非法集资风险专项排查情况统计表"


def test_the_command_fails_with_the_reason(tree, open_campaign):
    with pytest.raises(CommandError, match="nope"):
        call_command("build_report", "attachment1", campaign="nope", unit="A", output="/tmp/x.xlsx", stdout=StringIO())


def test_the_office_previews_builds_and_downloads_from_the_page(client, tree, open_campaign, ledger):
    ledger.clue("township", "staff", ledger.entity("某某公司"), "房地产", amount="3.10", people=2)
    login(client, tree.user("office"))
    page = client.get(reverse("reports:preview", args=[open_campaign.slug, "attachment1"]),
                      {"unit": tree.unit("county").pk})
    html = page.content.decode()
    assert page.status_code == 200 and "涉嫌非法集资风险专项排查情况统计表" in html and "3.10" in html
    assert 'colspan="4">问题机构情况' in html and 'rowspan="14"' in html
    response = client.post(reverse("reports:build", args=[open_campaign.slug]),
                           {"kind": "attachment1", "unit": tree.unit("county").pk})
    run = ReportRun.objects.get()
    assert response["Location"] == reverse("reports:run", args=[run.pk])
    assert "<progress" in client.get(response["Location"]).content.decode()
    services.report_run_execute(run_id=run.pk)  # what the worker does once the request's transaction commits
    download = client.get(reverse("reports:download", args=[run.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    client.post(reverse("logout"))
    login(client, tree.user("staff"))
    assert client.get(reverse("reports:download", args=[run.pk])).status_code == 404


def test_the_pages_name_entities_reported_twice_and_link_to_where_the_office_merges_them(client, tree, open_campaign,
                                                                                         ledger):
    entity = ledger.entity("某某置业有限公司", credit_code="91350100M000100Y43")
    ours = ledger.clue("township", "staff", entity, "房地产", amount="5", people=5)
    theirs = ledger.clue("department", "department_staff", entity, "房地产", amount="5", people=5)
    county = {"unit": tree.unit("county").pk}
    pages = [reverse("reports:campaign", args=[open_campaign.slug]),
             reverse("reports:preview", args=[open_campaign.slug, "attachment1"])]
    notice = "范围内有 1 个市场主体由多个单位报送且尚未合并"
    merge_page = reverse("review:clue", args=[ours.pk])
    login(client, tree.user("leader"))  # reads the tables, merges nothing
    html = client.get(pages[1], county).content.decode()
    assert notice in html and "可由领导小组办公室合并" in html and merge_page not in html
    client.post(reverse("logout"))
    login(client, tree.user("office"))
    for url in pages:
        html = client.get(url, county).content.decode()
        assert notice in html and f'href="{merge_page}#merge">某某置业有限公司</a>' in html
    assert 'id="merge"' in client.get(merge_page).content.decode()
    client.post(reverse("review:clue_merge", args=[ours.pk]), {"other": theirs.pk, "keep": "this", "reason": "同一主体"})
    assert Clue.objects.get(pk=theirs.pk).merged_into_id == ours.pk
    assert all(notice not in client.get(url, county).content.decode() for url in pages)


def test_attachment3_shows_the_case_count_as_a_whole_number(client, tree, open_campaign):
    CountyReturn.objects.create(county=tree.unit("county"), year=open_campaign.year, criminal_cases=3,
                                has_large_case=False, has_petition_event=False, updated_by=tree.user("office"))
    login(client, tree.user("office"))
    html = client.get(reverse("reports:preview", args=[open_campaign.slug, "attachment3"]),
                      {"unit": tree.unit("county").pk}).content.decode()
    assert '<td class="num">3</td>' in html and "3.00" not in html


@pytest.mark.parametrize("kind", ["attachment1", "attachment2", "attachment3"])
def test_the_preview_shows_the_notes_numbered_once_as_in_the_form(client, tree, open_campaign, kind):
    """The notes carry their own numbers (注：1. …, 2. …): the page must not number them again as a list."""
    login(client, tree.user("office"))
    page = client.get(reverse("reports:preview", args=[open_campaign.slug, kind]), {"unit": tree.unit("county").pk})
    html = page.content.decode()
    notes = page.context["table"].notes
    assert notes[0].startswith("注：1.")
    assert all(html.count(note) == 1 and f"<li>{note}" not in html for note in notes)
    assert '<ol class="notes">' not in html


def test_staff_preview_their_own_township(client, tree, open_campaign):
    login(client, tree.user("staff"))
    response = client.get(reverse("reports:preview", args=[open_campaign.slug, "attachment2"]))
    assert response.status_code == 200 and "一街道" in response.content.decode()


def test_the_county_office_fills_in_its_return(client, tree, open_campaign):
    login(client, tree.user("office"))
    url = reverse("reports:county_return", args=[open_campaign.slug]) + f"?unit={tree.unit('county').pk}"
    assert client.get(url).status_code == 200
    client.post(url, {"criminal_cases": "0", "has_large_case": "0", "has_petition_event": "0", "remarks": ""})
    assert CountyReturn.objects.get(county=tree.unit("county")).qualifies
    client.post(reverse("logout"))
    login(client, tree.user("staff"))
    assert client.get(reverse("reports:county_return", args=[open_campaign.slug])).status_code in (403, 404)
