"""Benchmark: attachments 1 and 2 of the city, computed and written as the report job does, against one bare query
and a bare write of the same cells.

    BENCH_DATABASE_URL=postgres://... .venv/bin/python tests/perf/bench_reports.py [--clues 10000 --records 50000 --keys 5000]

Standalone it builds its own province (tests/perf/standalone.py); tests/perf/run.py calls `measurements` with the one
`generate_data` built. The bare write appends the cells the project's table holds, values only, to a write-only
workbook; the bare queries fetch what the table is made of in one statement. The project's figures are checked
against the bare query's: the same clue count, people and amounts to the cent.
"""

import cProfile
import os
import pstats
import sys
import tempfile
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.perf import standalone

    standalone.setup_django()

from tests.perf.timing import Province, Result, alternate

REPEAT = 3


def measurements(province: Province) -> list[Result]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count, Sum
    from django.test.utils import CaptureQueriesContext

    from orgs.models import Unit
    from reports import services, tables, xlsx
    from screening.models import Campaign

    campaign = Campaign.objects.get(slug=province.campaign_slug)
    city = Unit.objects.get(code=province.city_code)
    footer = services.footer_for(get_user_model().objects.get(username=province.city_office))
    folder = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    results = []

    def project_of(build):
        def project():
            table = build(campaign=campaign, unit=city)
            xlsx.write([table], footer, folder / "project.xlsx")
            return table
        return project

    def bare_write(cells):
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet()
        for row in cells:
            sheet.append(row)
        book.save(folder / "baseline.xlsx")

    def cells_of(table):
        return [[*row.labels, *(row.values.get(column.key, "") for column in table.columns)] for row in table.rows]

    clues = tables.counted_clues(campaign, city)

    def attachment1_query():
        return list(clues.values("sector").annotate(n=Count("entity", distinct=True), people=Sum("people_involved"),
                                                     amount=Sum("amount_involved")).order_by())

    def attachment2_query():
        return list(clues.filter(assessment__is_key=True).values_list(
            "entity__name", "sector__name", "fundraising_mode__name", "channel", "amount_involved", "people_involved",
            "unpaid_funds", "cross_province", "disposal__refund_status", "disposal__refunded_share",
            "disposal__handling_result").order_by("unit__path", "pk"))

    for work, build, query, target in (
        ("attachment 1, city", tables.attachment1, attachment1_query, 1.5),
        ("attachment 2, city, key clues", tables.attachment2, attachment2_query, 2.0),
    ):
        project = project_of(build)
        with CaptureQueriesContext(connection) as queries:
            table = project()
        cells = cells_of(table)

        def baseline(query=query, cells=cells):
            rows = query()
            bare_write(cells)
            return rows

        project_time, baseline_time, table, rows = alternate(project, baseline, repeat=REPEAT)
        _check(work, table, rows)
        results.append(Result(work=work, project=project_time, baseline=baseline_time, target_ratio=target,
                              queries=len(queries.captured_queries), note=f"{len(table.rows)} rows in the table"))
        if os.environ.get("BENCH_PROFILE"):
            profiler = cProfile.Profile()
            profiler.runcall(project)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return results


def _check(work: str, table, rows) -> None:
    """The project's totals equal the bare query's, to the cent."""
    from decimal import Decimal

    total = next(row for row in table.rows if row.is_total).values
    if work.startswith("attachment 1"):
        people, amount = sum(r["people"] for r in rows), sum(r["amount"] for r in rows)
    else:
        people, amount = sum(r[5] for r in rows), sum((r[4] for r in rows), Decimal("0"))
        assert len(table.rows) - 1 == len(rows), (len(table.rows), len(rows))
    assert (total["people"], total["amount"]) == (people, amount), (work, total, people, amount)


if __name__ == "__main__":
    standalone.run(__doc__.splitlines()[0], measurements, keys_default=5000)
