"""The benchmarks of issue 12 in one command: a private PostgreSQL database with the demo and a synthetic province
(generate_data), then every measurement of tests/perf/bench_*.py, printed as one table.

    DEBUG=1 .venv/bin/python tests/perf/run.py --clues 100000 --records 500000 [--only lists] [--reuse]

The database is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/fundscreen_volume_bench), dropped and
created afresh unless --reuse finds the province already generated there; DATABASE_URL is never used. A module
tests/perf/bench_NAME.py takes part when it defines ``measurements(province: Province) -> list[Result]``; --only NAME
runs that one. Timings are medians of the project and its bare baseline run in turn (timing.alternate): on a shared
machine read the ratios first.
"""

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fundscreen_volume_bench"
GENERATE_TARGET_SECONDS = 180


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clues", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=500_000)
    parser.add_argument("--counties", type=int, default=10)
    parser.add_argument("--townships-per-county", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", help="run only tests/perf/bench_ONLY.py")
    parser.add_argument("--reuse", action="store_true", help="keep the database when the province is already there")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import reset_queries
    from django.test.utils import setup_test_environment

    from demo import synthetic_org
    from tests.perf.timing import Province, table

    if not (args.reuse and _exists(url) and _generated()):
        _recreate(url)
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("generate_data", clues=args.clues, records=args.records, counties=args.counties,
                     townships_per_county=args.townships_per_county, seed=args.seed, verbosity=0,
                     stdout=open(os.devnull, "w"))
        took = time.perf_counter() - started
        mark = "" if took <= GENERATE_TARGET_SECONDS else " ✗"
        print(f"generate_data (demo included): {args.clues} clues, {args.records} records in {took:.0f} s{mark} "
              f"(target < {GENERATE_TARGET_SECONDS} s)")
    else:
        call_command("migrate", verbosity=0)  # a province kept from an earlier checkout lacks the newer tables
    # generate_data's statements would fill the query log (9,000 entries under DEBUG), and a measurement's count of
    # queries (and its check that none uses OFFSET) reads the log's growth: a full log would show none.
    reset_queries()
    setup_test_environment()  # the test Client's responses carry their context, for checking rows against baselines
    from orgs.models import Unit

    county = Unit.objects.get(code=synthetic_org.county_code(0))
    township = Unit.objects.filter(parent=county, level=Unit.Level.TOWNSHIP).order_by("code").first()
    province = Province(
        campaign_slug="current-special", city_code=county.parent.code, county_code=county.code,
        township_code=township.code, city_office="city_office", county_office=synthetic_org.office_username(county),
        township_staff=synthetic_org.staff_username(township),
    )
    results = []
    for module in _benchmarks(args.only):
        print(f"\n## {module.__name__}")
        results += module.measurements(province)
    print()
    print(table(results))


def _benchmarks(only: str | None) -> list:
    names = sorted(path.stem for path in Path(__file__).parent.glob("bench_*.py"))
    if only:
        names = [name for name in names if name == f"bench_{only}"]
        if not names:
            sys.exit(f"No tests/perf/bench_{only}.py")
    modules = [importlib.import_module(f"tests.perf.{name}") for name in names]
    return [module for module in modules if hasattr(module, "measurements")]


def _server(url: str):
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    server = psycopg2.connect(dbname="postgres", user=config["USER"], password=config["PASSWORD"] or None,
                              host=config["HOST"], port=config["PORT"] or 5432)
    server.autocommit = True
    return server, config["NAME"]


def _exists(url: str) -> bool:
    server, name = _server(url)
    with server, server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _generated() -> bool:
    from django.db.utils import ProgrammingError

    from demo import synthetic_org

    try:
        return synthetic_org.county_exists()
    except ProgrammingError:  # not migrated
        return False


def _recreate(url: str) -> None:
    from django.db import connections

    connections.close_all()
    server, name = _server(url)
    if name in ("fundscreen", "postgres"):
        sys.exit(f"Refusing to drop the database {name!r}: name a private one in BENCH_DATABASE_URL.")
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    server.close()


if __name__ == "__main__":
    main()
