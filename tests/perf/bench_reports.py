"""Benchmark: attachments 1 and 2 of the city, computed and written as the report job does, against one bare query
and a bare write of the same cells.

    BENCH_DATABASE_URL=postgres://... .venv/bin/python tests/perf/bench_reports.py [--clues 10000 --records 50000 --keys 5000]

Standalone it builds its own province (tests/perf/standalone.py); tests/perf/run.py calls `measurements` with the one
`generate_data` built. The bare write appends the cells the project's table holds, values only, to a write-only
workbook; the bare queries fetch what the table is made of in one statement (for attachment 1 every figure and name
count of both blocks, written by hand). The project's figures are checked against the bare query's: for attachment 1
every numeric column of both 合计 rows, for attachment 2 the rows, people and amounts, to the cent.
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
        return _attachment1_sql(connection, clues, campaign, city)

    def attachment2_query():
        return list(clues.filter(assessment__is_key=True).values_list(
            "entity__name", "sector__name", "fundraising_mode__name", "channel", "amount_involved", "people_involved",
            "unpaid_funds", "cross_province", "disposal__refund_status", "disposal__refunded_share",
            "disposal__handling_result").order_by("unit__path", "pk"))

    for work, build, query, target, seconds in (
        ("attachment 1, city", tables.attachment1, attachment1_query, 1.5, 2.0),
        ("attachment 2, city, key clues", tables.attachment2, attachment2_query, 2.0, None),
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
                              queries=len(queries.captured_queries),
                              note=f"{len(table.rows)} rows in the table" + _within(project_time, seconds)))
        if os.environ.get("BENCH_PROFILE"):
            profiler = cProfile.Profile()
            profiler.runcall(project)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return results


# Every figure of attachment 1 in one statement, by hand: per term of each block, the screened institutions, the
# clues' figures (institutions, people, amounts, the tracks) and the names counted in the text columns (problems,
# measures, reasons not to handle), and the figures of the tables received from the units beneath (issue 15), added
# to them as the form adds them. The counted clues are the project's own definition (tables.counted_clues), so that
# the two compute the same table and differ only in how.
ATTACHMENT1_SQL = """
WITH counted AS ({counted}),
  beneath AS (SELECT id FROM orgs_unit WHERE path LIKE %s),
  records AS (SELECT id, sector_id, entity_id FROM ledger_screeningrecord
              WHERE campaign_id = %s AND unit_id IN (SELECT id FROM beneath)),
  clues AS (SELECT c.id, c.sector_id, c.entity_id, c.people_involved, c.amount_involved,
                   d.id AS disposal_id, d.track, d.not_handled_reason
            FROM ledger_clue c LEFT JOIN review_disposal d ON d.clue_id = c.id
            WHERE c.id IN (SELECT pk FROM counted)),
  filed AS (SELECT 'sector' AS block, sector_id AS term, * FROM clues
            UNION ALL SELECT 'behaviour', b.term_id, clues.* FROM clues JOIN ledger_clue_behaviours b ON b.clue_id = clues.id),
  screened AS (SELECT 'sector' AS block, sector_id AS term, entity_id FROM records
               UNION ALL SELECT 'behaviour', b.term_id, entity_id FROM records
               JOIN ledger_screeningrecord_behaviours b ON b.screeningrecord_id = records.id),
  received AS (SELECT r.* FROM reports_receivedrow r JOIN reports_receivedreturn rr ON rr.id = r.received_id
               WHERE rr.campaign_id = %s AND rr.attachment = 1 AND rr.unit_id IN (SELECT id FROM beneath))
SELECT block, 'screened', term, NULL, COUNT(DISTINCT entity_id), NULL::numeric, NULL::numeric, NULL, NULL, NULL, NULL
  FROM screened GROUP BY block, term
UNION ALL
SELECT block, 'figures', term, NULL, COUNT(DISTINCT entity_id), SUM(people_involved), SUM(amount_involved),
       COUNT(DISTINCT id) FILTER (WHERE track = 'rectify'), COUNT(DISTINCT id) FILTER (WHERE track = 'clean_up'),
       COUNT(DISTINCT id) FILTER (WHERE track = 'investigate'),
       COUNT(DISTINCT id) FILTER (WHERE track = 'not_handled' OR disposal_id IS NULL)
  FROM filed GROUP BY block, term
UNION ALL
SELECT f.block, 'problems', f.term, t.name, COUNT(DISTINCT f.id), NULL, NULL, NULL, NULL, NULL, NULL
  FROM filed f JOIN ledger_clue_problems p ON p.clue_id = f.id JOIN screening_term t ON t.id = p.term_id
  GROUP BY f.block, f.term, t.name
UNION ALL
SELECT f.block, 'measures', f.term, t.name, COUNT(DISTINCT f.disposal_id), NULL, NULL, NULL, NULL, NULL, NULL
  FROM filed f JOIN review_disposal_measures m ON m.disposal_id = f.disposal_id JOIN screening_term t ON t.id = m.term_id
  GROUP BY f.block, f.term, t.name
UNION ALL
SELECT block, 'reasons', term, not_handled_reason, COUNT(DISTINCT id), NULL, NULL, NULL, NULL, NULL, NULL
  FROM filed WHERE track = 'not_handled' OR disposal_id IS NULL GROUP BY block, term, not_handled_reason
UNION ALL
SELECT t.vocabulary, 'screened', r.term_id, NULL, r.screened, NULL, NULL, NULL, NULL, NULL, NULL
  FROM received r JOIN screening_term t ON t.id = r.term_id
UNION ALL
SELECT t.vocabulary, 'figures', r.term_id, NULL, r.problem_count, r.people, r.amount, r.rectified, r.cleaned,
       r.investigated, r.unhandled
  FROM received r JOIN screening_term t ON t.id = r.term_id
"""
FIGURES = ("problem_count", "people", "amount", "rectified", "cleaned", "investigated", "unhandled")


def _within(took: float, seconds: float | None) -> str:
    return "" if seconds is None else f"; {'✓' if took < seconds else '✗'} < {seconds:g} s"


def _attachment1_sql(connection, clues, campaign, unit) -> list[tuple]:
    counted, params = clues.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(ATTACHMENT1_SQL.format(counted=counted), [*params, f"{unit.path}%", campaign.pk, campaign.pk])
        return cursor.fetchall()


def _check(work: str, table, rows) -> None:
    """The project's figures equal the bare query's: for attachment 1 every numeric column of each block's 合计 (the
    sum over the block's terms), to the cent; for attachment 2 the rows, people and amounts."""
    from decimal import Decimal

    if work.startswith("attachment 1"):
        totals = [row.values for row in table.rows if row.is_total]  # the sector block's, then the behaviour block's
        for block, total in zip(("sector", "behaviour"), totals, strict=True):
            expected = {"screened": sum(r[4] for r in rows if r[0] == block and r[1] == "screened")}
            for index, key in enumerate(FIGURES, start=4):
                expected[key] = sum((r[index] or 0) for r in rows if r[0] == block and r[1] == "figures")
            found = {key: total[key] for key in expected}
            assert found == expected, (work, block, found, expected)
        return
    total = next(row for row in table.rows if row.is_total).values
    people, amount = sum(r[5] for r in rows), sum((r[4] for r in rows), Decimal("0"))
    assert len(table.rows) - 1 == len(rows), (len(table.rows), len(rows))
    assert (total["people"], total["amount"]) == (people, amount), (work, total, people, amount)


if __name__ == "__main__":
    standalone.run(__doc__.splitlines()[0], measurements, keys_default=5000)
