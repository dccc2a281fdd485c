"""量化统计: units record their work results while the campaign is open; the office's table sums what lies beneath
each unit, shows its own as 本级, totals them, and is built as .xlsx like the attachments."""

from datetime import timedelta

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgs.models import Membership
from oversight import services
from oversight.models import WorkResults
from reports import services as report_services
from reports.work_results import results_table
from screening.locks import today_local
from tests.factories import member


def save(tree, campaign, user, unit, **figures):
    return services.results_save(actor=tree.user(user) if isinstance(user, str) else user, campaign=campaign,
                                 unit=tree.unit(unit), figures=figures)


def test_staff_record_and_correct_their_work_results_on_the_work_page(client, tree, open_campaign):
    client.force_login(tree.user("staff"))
    url = reverse("oversight:results_save", args=[open_campaign.slug])
    fields = {name: "0" for name, _group in WorkResults.FIGURES}
    client.post(url, fields | {"publicity_events": "3", "people_reached": "1200"})
    client.post(url, fields | {"publicity_events": "4", "people_reached": "1500"})
    results = WorkResults.objects.get()
    assert (results.publicity_events, results.people_reached) == (4, 1500) and results.history.count() == 2
    refused = client.post(url, fields | {"ads_removed": "-1"})
    assert refused.context["results_form"].errors["ads_removed"]
    assert WorkResults.objects.get().ads_removed == 0


def test_results_wait_for_an_open_campaign(tree, open_campaign):
    open_campaign.phases.update(start=today_local() - timedelta(days=30), end=today_local() - timedelta(days=1),
                                deadline=today_local() - timedelta(days=1))
    with pytest.raises(ValidationError):
        save(tree, open_campaign, "staff", "township", publicity_events=1)


def test_the_table_sums_beneath_each_unit_and_totals(tree, open_campaign):
    village_staff = member(tree.unit("village"), Membership.Role.STAFF, username="village_staff")
    save(tree, open_campaign, "staff", "township", publicity_events=2, people_reached=100)
    save(tree, open_campaign, village_staff, "village", publicity_events=1, people_reached=50)
    save(tree, open_campaign, "department_staff", "department", ads_removed=30)
    save(tree, open_campaign, "office", "county", rules_made=2)
    table = results_table(campaign=open_campaign, unit=tree.unit("county"))
    rows = {row.labels[0]: row.values for row in table.rows}
    assert list(rows) == ["本级", "甲县市场监管局", "一街道", "二街道", "合计"]
    assert rows["一街道"]["publicity_events"] == 3 and rows["一街道"]["people_reached"] == 150
    assert rows["合计"] == {"publicity_events": 3, "people_reached": 150, "materials_handed_out": 0, "media_items": 0,
                          "ads_removed": 30, "online_items_removed": 0, "letters_signed": 0, "signs_put_up": 0,
                          "supervisors_named": 0, "rules_made": 2}
    city = {row.labels[0]: row.values for row in results_table(campaign=open_campaign, unit=tree.unit("city")).rows}
    assert city["甲县"]["rules_made"] == 2 and city["甲县"]["people_reached"] == 150


def test_the_table_is_built_as_a_workbook_beside_the_attachments(tmp_path, settings, tree, open_campaign):
    settings.MEDIA_ROOT = tmp_path
    save(tree, open_campaign, "staff", "township", publicity_events=2)
    run = report_services.report_run_request(actor=tree.user("office"), kind="results", campaign=open_campaign,
                                             unit=tree.unit("county"))
    run = report_services.report_run_execute(run_id=run.pk)
    assert run.status == "done", run.error
    sheet = openpyxl.load_workbook(run.file.path)["工作成效量化统计表"]
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0][0] in ("", None) and cells[1][0] == "防范和处置非法集资工作成效量化统计表"
    total = next(row for row in cells if row[0] == "合计")
    assert total[1] == 2


def test_the_office_previews_the_table(client, tree, open_campaign):
    save(tree, open_campaign, "staff", "township", media_items=5)
    client.force_login(tree.user("office"))
    page = client.get(reverse("reports:preview", args=[open_campaign.slug, "results"])).content.decode()
    assert "工作成效量化统计表" in page and "媒体宣传（篇、条）" in page and 'class="attachment-mark"' not in page
