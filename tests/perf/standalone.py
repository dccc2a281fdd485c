"""A benchmark run on its own, without `generate_data`: a private throw-away database and a small synthetic province
written with bulk_create (no history, no checks: it only has to be there quickly). Each `bench_*.py` calls `run()`
with its `measurements`; the runner of tests/perf/run.py calls `measurements` directly with its own province.

The database is a test database beside BENCH_DATABASE_URL (a private PostgreSQL, e.g.
postgres://postgres@127.0.0.1:5432/fundscreen_exports_bench), or a temporary SQLite file; never DATABASE_URL."""

import argparse
import os
import random
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
WORKDIR = tempfile.TemporaryDirectory(prefix="bench-")


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORKDIR.name}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def run(description: str, measurements: Callable, *, keys_default: int = 500) -> None:
    """Parse ``--clues --records --keys``, build the province in a private database, print the table."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--clues", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--keys", type=int, default=keys_default, help="key clues (attachment 2)")
    parser.add_argument("--counties", type=int, default=4)
    parser.add_argument("--townships-per-county", type=int, default=10)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from tests.perf.timing import table

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = f"{WORKDIR.name}/bench-test.sqlite3"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        province = build(clues=args.clues, records=max(args.records, args.clues), keys=min(args.keys, args.clues),
                         counties=args.counties, townships=args.townships_per_county)
        print(f"{args.clues} clues, {max(args.records, args.clues)} screening records, {args.keys} key clues; "
              f"database: {connection.vendor} ({name}); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(table(measurements(province)))
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        WORKDIR.cleanup()


def build(*, clues: int, records: int, keys: int, counties: int, townships: int, seed: int = 12):
    """A city with ``counties`` counties of ``townships`` townships; ``records`` screened entities of which
    ``clues`` were reported as clues (submitted), the first ``keys`` of them key clues with a disposal."""
    from django.db import transaction
    from django.utils import timezone

    from ledger.models import Clue, Entity, ScreeningRecord
    from orgs.models import Membership, Unit
    from review.models import Assessment, Disposal, ProvinceNotice
    from screening.locks import today_local
    from screening.models import Campaign, Phase, Term
    from screening.taxonomy_fixtures import load_taxonomy
    from tests.factories import UnitFactory, member
    from tests.perf.timing import Province

    rng = random.Random(seed)
    L, K, R = Unit.Level, Unit.Kind, Membership.Role
    with transaction.atomic():
        city = UnitFactory(name="某市", code="C", level=L.CITY)
        city_office = UnitFactory(name="某市处非办", code="C-O", level=L.CITY, kind=K.OFFICE, parent=city)
        member(city_office, R.OFFICE, username="bench_city_office")
        township_units = []
        for c in range(counties):
            county = UnitFactory(name=f"第{c + 1}区", code=f"C{c:02d}", level=L.COUNTY, parent=city)
            office = UnitFactory(name=f"第{c + 1}区处非办", code=f"C{c:02d}-O", level=L.COUNTY, kind=K.OFFICE,
                                 parent=county)
            member(office, R.OFFICE, username=f"bench_county_office_{c}")
            for t in range(townships):
                township_units.append(UnitFactory(name=f"第{c + 1}区{t + 1}街道", code=f"C{c:02d}T{t:02d}",
                                                  parent=county))
        staff = member(township_units[0], R.STAFF, username="bench_township_staff")
        today = today_local()
        campaign = Campaign.objects.create(title="专项排查", slug="bench", year=today.year, issuing_unit=city,
                                           scope_unit=city, status=Campaign.Status.PUBLISHED)
        Phase.objects.create(campaign=campaign, kind=Phase.Kind.SCREENING, start=today - timedelta(days=30),
                             end=today + timedelta(days=30), deadline=today + timedelta(days=30))
        load_taxonomy(actor=None, campaign=campaign, form="2018")
        leaves = _leaves(Term.objects.filter(campaign=campaign))
        sectors, behaviours = leaves[Term.Vocabulary.SECTOR], leaves[Term.Vocabulary.BEHAVIOUR]
        problems, measures = leaves[Term.Vocabulary.PROBLEM], leaves[Term.Vocabulary.MEASURE]
        modes = leaves.get(Term.Vocabulary.MODE) or [None]

        entities = [Entity(name=f"某某{n}号投资管理有限公司", credit_code=None) for n in range(records)]
        for entity in entities:
            entity.fill_name_key()  # bulk_create skips save(), and an uncoded entity is one per name
        entities = Entity.objects.bulk_create(entities)
        screened = ScreeningRecord.objects.bulk_create(
            ScreeningRecord(campaign=campaign, unit=township_units[n % len(township_units)], entity=entity,
                            sector=sectors[int(rng.paretovariate(1.2)) % len(sectors)], screened_on=today,
                            result=ScreeningRecord.Result.PROBLEM if n < clues else ScreeningRecord.Result.NO_PROBLEM,
                            created_by=staff)
            for n, entity in enumerate(entities)
        )
        now = timezone.now()
        reported = Clue.objects.bulk_create(
            Clue(campaign=campaign, unit=record.unit, record=record, entity=record.entity, sector=record.sector,
                 fundraising_mode=rng.choice(modes), channel=rng.choice(["online", "offline", "both"]),
                 amount_involved=Decimal(int(10 ** rng.uniform(0, 4) * 100)) / 100,
                 people_involved=rng.randrange(1, 500), unpaid_funds=Decimal("0.00"), description=f"情况描述{n}",
                 status=Clue.Status.SUBMITTED, submitted_at=now, created_by=staff)
            for n, record in enumerate(screened[:clues])
        )
        Clue.behaviours.through.objects.bulk_create(
            Clue.behaviours.through(clue=clue, term=term) for clue in reported
            for term in rng.sample(behaviours, rng.randrange(0, 3))
        )
        ScreeningRecord.behaviours.through.objects.bulk_create(
            ScreeningRecord.behaviours.through(screeningrecord=record, term=term) for record in screened
            for term in rng.sample(behaviours, rng.randrange(0, 2))
        )
        Clue.problems.through.objects.bulk_create(
            Clue.problems.through(clue=clue, term=term) for clue in reported
            for term in rng.sample(problems, min(len(problems), rng.randrange(0, 3)))
        )
        key = reported[:keys]
        Assessment.objects.bulk_create(
            Assessment(clue=clue, public_reach=5, risk_exposure=3, opinion_heat=2, stability_risk=2,
                       computed_level="high", is_key=True, rated_by=staff)
            for clue in key
        )
        tracks = [Disposal.Track.RECTIFY, Disposal.Track.CLEAN_UP, Disposal.Track.INVESTIGATE, Disposal.Track.NOT_HANDLED]
        disposals = Disposal.objects.bulk_create(
            Disposal(clue=clue, responsible_unit=clue.unit, track=tracks[n % 4],
                     not_handled_reason="线索核实中" if n % 4 == 3 else "", handling_result="正在整改")
            for n, clue in enumerate(key)
        )
        Disposal.measures.through.objects.bulk_create(
            Disposal.measures.through(disposal=disposal, term=term) for disposal in disposals
            for term in rng.sample(measures, min(len(measures), 2))
        )
        ProvinceNotice.objects.bulk_create(
            ProvinceNotice(disposal=disposal, province="河北省", times=1) for disposal in disposals[::5]
        )
    _analyse()
    return Province(campaign_slug=campaign.slug, city_code=city.code, county_code="C00",
                    township_code=township_units[0].code, city_office="bench_city_office",
                    county_office="bench_county_office_0", township_staff="bench_township_staff")


def _analyse() -> None:
    """Give the planner the statistics a database in use has: right after a bulk load it takes every table for a few
    rows and plans a township's clue list as a nested loop over the county's 15,000 (27 ms instead of 1 ms), until
    autovacuum happens to analyse the tables, in the middle of a measurement."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _leaves(terms) -> dict[str, list]:
    terms = list(terms.order_by("order", "pk"))
    parents = {term.parent_id for term in terms}
    leaves: dict[str, list] = {}
    for term in terms:
        if term.pk not in parents:
            leaves.setdefault(term.vocabulary, []).append(term)
    return leaves

