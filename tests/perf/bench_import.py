"""Benchmark: importing clue rows from Excel, against plain bulk_create of the same rows.

    DEBUG=1 .venv/bin/python tests/perf/bench_import.py [--rows 10000] [--profile]

It works in a throw-away database that it creates and destroys: a temporary SQLite file, or, when BENCH_DATABASE_URL
is set (e.g. a private PostgreSQL), a test database beside the one named there (Django's test-database creation). It
never uses DATABASE_URL. Printed: the time to read and check the workbook (the preview), the time to save through the
services, rows per second for the whole import, the same rows through plain bulk_create, and the ratio. The CPU time
of this process is printed too: on a shared machine the wall clock varies with the neighbours' load (with SQLite the
CPU time is nearly all the work; with PostgreSQL the server's share is not in it). tests/perf/run.py calls
`measurements` with the province `generate_data` built, and the import is rolled back afterwards.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))
WORKDIR = tempfile.TemporaryDirectory(prefix="bench-import-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORKDIR.name}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

TARGET_ROWS_PER_SECOND = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="print where the import spends its time")
    args = parser.parse_args()
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = f"{WORKDIR.name}/bench-test.sqlite3"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.rows, args.profile, f"{connection.vendor} ({name})")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        WORKDIR.cleanup()


def run(count: int, profile: bool, database: str) -> None:
    campaign, unit, user = _setup()
    print(f"{count} clue rows, database: {database}")
    _measure(count, campaign, unit, user, profile=profile, verbose=True)


def measurements(province, *, count: int = 10_000) -> list:
    """For tests/perf/run.py: the import of ``count`` rows by the province's township staff, rolled back after."""
    from django.contrib.auth import get_user_model

    from orgs.models import Unit
    from screening.models import Campaign
    from tests.perf.timing import Result

    campaign = Campaign.objects.get(slug=province.campaign_slug)
    unit = Unit.objects.get(code=province.township_code)
    user = get_user_model().objects.get(username=province.township_staff)
    with transaction.atomic():
        total, baseline = _measure(count, campaign, unit, user)
        transaction.set_rollback(True)
    return [Result(work=f"import of {count:,} rows", project=total, baseline=baseline, target_ratio=1.5,
                   note=f"{count / total:.0f} rows/s (aim ≥ {TARGET_ROWS_PER_SECOND}), history kept; bulk_create "
                        f"{count / baseline:.0f} rows/s")]


def _measure(count: int, campaign, unit, user, *, profile: bool = False, verbose: bool = False) -> tuple[float, float]:
    """Seconds of the whole import (read, check, save with history) and of plain bulk_create of the same rows."""
    from ledger import importing
    from ledger.models import Entity
    from tests.ledger.workbooks import clue_row, clues_xlsx

    sectors = ["网络借贷平台", "第三方支付", "众筹平台", "私募股权投资", "电子商务", "教育机构", "养老机构"]
    behaviours = ["消费返利", "资金互助", "加盟积分、虚拟资产", ""]
    offset = Entity.objects.count()  # names of their own beside a province's entities
    data = clues_xlsx(
        clue_row(offset + n, **{importing.SECTOR: sectors[n % len(sectors)],
                                importing.BEHAVIOURS: behaviours[n % 4] or None,
                                importing.AMOUNT: Decimal(2000 + n * 137 % 500000) / 100, importing.PEOPLE: n % 300})
        for n in range(count)
    )
    baseline, baseline_cpu = _baseline(data, campaign, unit, user)

    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    started, started_cpu = time.perf_counter(), time.process_time()
    result = importing.preview(io.BytesIO(data), sheet=importing.CLUES, campaign=campaign, unit=unit)
    checked = time.perf_counter()
    saved = importing.save(result, actor=user, campaign=campaign, unit=unit)
    finished, cpu = time.perf_counter(), time.process_time() - started_cpu
    if profiler:
        profiler.disable()
    assert len(saved) == count

    total = finished - started
    if verbose:
        rate, baseline_rate = count / total, count / baseline
        print(f"workbook of {len(data) / 1024 / 1024:.1f} MB")
        print(f"preview (read and check every row): {checked - started:6.2f} s")
        print(f"save through the services:          {finished - checked:6.2f} s")
        print(f"import:   {total:6.2f} s  {rate:8.0f} rows/s  (aim: ≥ {TARGET_ROWS_PER_SECOND}; this process's CPU: "
              f"{cpu:.2f} s)")
        print(f"baseline: {baseline:6.2f} s  {baseline_rate:8.0f} rows/s  (plain bulk_create of the same rows; CPU: "
              f"{baseline_cpu:.2f} s)")
        print(f"ratio:    import takes {total / baseline:.1f} × the time of the baseline")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return total, baseline


def _setup():
    from orgs.models import Membership, Unit
    from screening.locks import today_local
    from screening.models import Campaign, Phase
    from screening.taxonomy_fixtures import load_taxonomy
    from tests.factories import UnitFactory, member

    county = UnitFactory(name="甲县", code="A", level=Unit.Level.COUNTY)
    township = UnitFactory(name="一街道", code="A1", parent=county)
    user = member(township, Membership.Role.STAFF, username="staff")
    today = today_local()
    campaign = Campaign.objects.create(
        title="专项排查", slug="bench", year=today.year, issuing_unit=county, scope_unit=county,
        status=Campaign.Status.PUBLISHED,
    )
    Phase.objects.create(campaign=campaign, kind=Phase.Kind.SCREENING, start=today, end=today, deadline=today)
    load_taxonomy(actor=None, campaign=campaign, form="2018")
    return campaign, township, user


def _baseline(data: bytes, campaign, unit, user) -> tuple[float, float]:
    """The seconds (wall clock, and this process's CPU) plain bulk_create takes for the same entities, screening records, clues and their terms, without
    reading, checking or history. Rolled back afterwards, so that the import starts from the same empty ledger."""
    from ledger import importing
    from ledger.models import Clue, Entity, ScreeningRecord
    from screening.locks import today_local

    result = importing.preview(io.BytesIO(data), sheet=importing.CLUES, campaign=campaign, unit=unit)
    assert result.is_valid, importing.row_error_lines(result)[:5]
    rows = [row.data for row in result.rows]
    with transaction.atomic():
        started, started_cpu = time.perf_counter(), time.process_time()
        entities = Entity.objects.bulk_create(
            Entity(name=row.entity.name, credit_code=row.entity.credit_code) for row in rows
        )
        records = ScreeningRecord.objects.bulk_create(
            ScreeningRecord(campaign=campaign, unit=unit, entity=entity, sector=row.sector, screened_on=today_local(),
                            result=ScreeningRecord.Result.PROBLEM, created_by=user)
            for row, entity in zip(rows, entities)
        )
        clues = Clue.objects.bulk_create(
            Clue(campaign=campaign, unit=unit, record=record, entity=entity, sector=row.sector, channel=row.channel,
                 fundraising_mode=row.fundraising_mode, amount_involved=row.amount_involved,
                 people_involved=row.people_involved, unpaid_funds=row.unpaid_funds, source=row.source,
                 description=row.description, created_by=user)
            for row, entity, record in zip(rows, entities, records)
        )
        ScreeningRecord.behaviours.through.objects.bulk_create(
            ScreeningRecord.behaviours.through(screeningrecord=record, term=term)
            for record, row in zip(records, rows) for term in row.behaviours
        )
        Clue.behaviours.through.objects.bulk_create(
            Clue.behaviours.through(clue=clue, term=term) for clue, row in zip(clues, rows) for term in row.behaviours
        )
        Clue.problems.through.objects.bulk_create(
            Clue.problems.through(clue=clue, term=term) for clue, row in zip(clues, rows) for term in row.problems
        )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        transaction.set_rollback(True)
    return elapsed, cpu


if __name__ == "__main__":
    main()
