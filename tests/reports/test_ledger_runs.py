"""The ledger export as a job: offered on the reports page for any unit the user may see, its page counts the rows."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from ledger import exporting
from reports import services
from reports.models import ReportRun


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_city_office_exports_the_ledger_of_the_city_and_its_page_counts_the_rows(client, tree, open_campaign,
                                                                                      ledger, monkeypatch):
    monkeypatch.setattr(exporting, "CHUNK_ROWS", 2)
    for name in ("甲公司", "乙公司"):
        ledger.clue("township", "staff", ledger.entity(name), "网络借贷平台", amount="1.25", people=2)
    ledger.clue("department", "department_staff", ledger.entity("丙公司"), "房地产", amount="3", people=1)
    client.force_login(tree.user("city_office"))
    page = client.get(reverse("reports:campaign", args=[open_campaign.slug]), {"unit": tree.unit("city").pk})
    assert 'value="ledger"' in page.content.decode()

    client.post(reverse("reports:build", args=[open_campaign.slug]), {"kind": "ledger", "unit": tree.unit("city").pk})
    run = services.report_run_execute(run_id=ReportRun.objects.get().pk)  # what the worker does
    response = client.get(run.get_absolute_url())
    run = ReportRun.objects.get()
    assert (run.status, run.rows_written, run.rows_total) == ("done", 6, 6)
    assert "已写出 6 行，共 6 行" in response.content.decode()
    clues, records = load_workbook(Path(settings.MEDIA_ROOT) / run.file.name).worksheets
    # Unit by unit, in the order of the tree: the department was set up before the township.
    assert [row[1].value for row in clues.iter_rows(min_row=2)] == ["丙公司", "甲公司", "乙公司"]
    assert records.max_row == 1 + 3


def test_a_run_that_writes_no_rows_does_not_count_them(client, tree, open_campaign):
    client.force_login(tree.user("office"))
    client.post(reverse("reports:build", args=[open_campaign.slug]), {"kind": "attachment1", "unit": tree.unit("county").pk})
    run = services.report_run_execute(run_id=ReportRun.objects.get().pk)
    response = client.get(run.get_absolute_url())
    assert ReportRun.objects.get().status == "done"
    assert "已写出" not in response.content.decode()
