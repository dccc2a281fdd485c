"""Load test: 50 logged-in sessions for 60 seconds against gunicorn on PostgreSQL, on the loopback only.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/fundscreen_exports_bench \\
        .venv/bin/python tests/perf/load.py [--clues 15000 --sessions 50 --seconds 60]

It builds a county of ``--clues`` clues in a private test database (tests/perf/standalone.py), starts gunicorn with
the worker count the README documents (3) on 127.0.0.1, and runs a plain thread pool of sessions: township staff
create clues through the form, offices open the clue list, the review queue and the attachment previews. Printed:
requests, errors, requests per second, p50 and p95 latency per kind of request, and whether every clue created
appears exactly once. The sessions log in first; the clock starts when all of them are in. Bounded: it stops after
``--seconds`` and never reaches beyond 127.0.0.1.
"""

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.perf import standalone  # noqa: E402

WORKERS = 3  # README, "Production": gunicorn --workers 3
HOST = "127.0.0.1"
# A user reads a page before opening the next, and fills a form in before sending it: every page a session is shown
# is followed by this pause (a form's page too; the clue's page a sent form redirects to comes with the sending). 50
# sessions back to back are 50 requests always waiting for 3 workers on 2 cores, which measures the queue (Little's
# law: 50 / throughput), not a page. Two seconds is still far quicker than anyone fills in a clue.
THINK_SECONDS = 2.0
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Session:
    """One browser: its own cookies, each request timed under a name."""

    def __init__(self, base: str, timings: dict, errors: list):
        self.base, self.timings, self.errors = base, timings, errors
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, name: str, path: str, data: dict | None = None) -> tuple[str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                page, url = response.read().decode(), response.url
        except (urllib.error.URLError, OSError) as failed:
            self.errors.append(f"{name} {path}: {failed}")
            return "", ""
        finally:
            self.timings[name].append(time.perf_counter() - started)
        return page, url

    def login(self, username: str, password: str) -> None:
        page, _url = self.request("login", "/accounts/login/")
        page, url = self.request("login", "/accounts/login/", {
            "csrfmiddlewaretoken": CSRF.search(page).group(1), "username": username, "password": password,
        })
        if url.endswith("/accounts/login/"):
            raise SystemExit(f"{username} could not log in")

    def open_form(self, name: str, path: str) -> str | None:
        """The form's page; its CSRF token, or None (an error) when the page holds no form."""
        page, _url = self.request(name + " (form)", path)
        token = CSRF.search(page)
        if token is None:
            self.errors.append(f"{name}: no form at {path}")
            return None
        return token.group(1)

    def submit(self, name: str, path: str, token: str, fields: dict) -> str:
        """Posts the form; the address it ends at after the redirect."""
        _page, url = self.request(name, path, fields | {"csrfmiddlewaretoken": token})
        return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clues", type=int, default=15_000)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", type=float, default=THINK_SECONDS,
                        help="seconds a session pauses after each page, as a user reads it (0: back to back)")
    args = parser.parse_args()
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set BENCH_DATABASE_URL to a private PostgreSQL: the load test measures it, not SQLite.")
    standalone.setup_django()
    from django.db import connection

    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        province = standalone.build(clues=args.clues, records=args.clues, keys=200, counties=1, townships=20)
        staff = _staff(province, count=args.sessions * 3 // 5)
        url = urllib.parse.urlparse(os.environ["BENCH_DATABASE_URL"])._replace(path=f"/{name}").geturl()
        with _gunicorn(url) as base:
            _run(base, province, staff, sessions=args.sessions, seconds=args.seconds, think=args.think)
    finally:
        connection.close()
        connection.creation.destroy_test_db(name, verbosity=0)


def _staff(province, *, count: int) -> list[tuple[str, int]]:
    """Township staff to create clues, one per township round the county: (username, unit id)."""
    from orgs.models import Membership, Unit
    from tests.factories import member

    county = Unit.objects.get(code=province.county_code)
    townships = list(Unit.objects.filter(parent=county, kind=Unit.Kind.GOVERNMENT).order_by("code"))
    users = []
    for n in range(count):
        unit = townships[n % len(townships)]
        users.append((member(unit, Membership.Role.STAFF, username=f"load_staff_{n}").username, unit.pk))
    return users


class _gunicorn:
    def __init__(self, database_url: str):
        self.database_url = database_url

    def __enter__(self) -> str:
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            port = probe.getsockname()[1]
        # As in production (DEBUG off, which stops Django keeping every query of a request), but over plain HTTP.
        env = os.environ | {
            "DATABASE_URL": self.database_url, "DEBUG": "0", "ALLOWED_HOSTS": HOST, "SECRET_KEY": "load-test-" * 5,
            "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
        }
        # DEBUG off serves static files from the manifest collectstatic writes (whitenoise).
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
                       cwd=standalone.BASE_DIR, env=env, check=True)
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi:application", "--bind", f"{HOST}:{port}",
             "--workers", str(WORKERS), "--timeout", "120", "--log-level", "warning"],
            cwd=standalone.BASE_DIR, env=env,
        )
        base = f"http://{HOST}:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=5).read()
                return base
            except OSError:
                time.sleep(0.5)
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _run(base: str, province, staff: list[tuple[str, int]], *, sessions: int, seconds: int, think: float) -> None:
    from ledger.models import Clue
    from orgs.models import Unit
    from screening.models import Term
    from tests.factories import TEST_PASSWORD

    slug = province.campaign_slug
    sector = Term.objects.filter(campaign__slug=slug, vocabulary=Term.Vocabulary.SECTOR, parent__isnull=False).first()
    county = Unit.objects.get(code=province.county_code)
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    created: list[str] = []
    # The sessions are logged in before the clock starts (the issue measures 50 logged-in sessions): 50 logins at once
    # are 50 password hashes and home pages, which had taken a large share of the minute and queued every page behind.
    clock = {}

    def start_the_clock() -> None:
        clock["started"] = time.monotonic()
        clock["deadline"] = clock["started"] + seconds

    everyone_logged_in = threading.Barrier(sessions, action=start_the_clock)

    def start(session: Session, username: str, index: int) -> None:
        session.login(username, TEST_PASSWORD)
        everyone_logged_in.wait(timeout=600)
        # Users do not click in step: each session's first page comes within one think time of the start.
        time.sleep(think * index / sessions)

    def staff_session(index: int) -> None:
        username, unit = staff[index]
        session = Session(base, timings, errors)
        start(session, username, index)
        path, n = f"/ledger/{slug}/clues/new/", 0
        while time.monotonic() < clock["deadline"]:
            token = session.open_form("create a clue", path)
            time.sleep(think)  # filling the form in
            if token is None:
                continue
            entity = f"负载测试{index}号{n}公司"
            url = session.submit("create a clue", path, token, {
                "unit": unit, "name": entity, "sector": sector.pk, "channel": "both", "amount_involved": "12.50",
                "people_involved": "3", "unpaid_funds": "0", "description": "负载测试",
            })
            if re.search(r"/ledger/clues/\d+/$", url):
                created.append(entity)
            elif url:
                errors.append(f"create a clue: ended at {url}")
            time.sleep(think)  # reading the clue's page it lands on
            session.request("clue list (staff)", f"/ledger/{slug}/clues/")
            time.sleep(think)
            n += 1

    def office_session(index: int) -> None:
        session = Session(base, timings, errors)
        start(session, province.county_office, len(staff) + index)
        pages = [("clue list (office)", f"/ledger/{slug}/clues/"), ("review queue", f"/workbench/{slug}/queue/"),
                 ("attachment 1 preview", f"/reports/{slug}/attachment1/?unit={county.pk}"),
                 ("attachment 2 preview", f"/reports/{slug}/attachment2/?unit={county.pk}")]
        n = index
        while time.monotonic() < clock["deadline"]:
            session.request(*pages[n % len(pages)])
            time.sleep(think)
            n += 1

    with ThreadPoolExecutor(max_workers=sessions) as pool:
        futures = [pool.submit(staff_session, i) for i in range(len(staff))]
        futures += [pool.submit(office_session, i) for i in range(sessions - len(staff))]
        for future in futures:
            future.result()
    elapsed = time.monotonic() - clock["started"]
    everything = [t for name, values in timings.items() if name != "login" for t in values]
    print(f"{sessions} sessions for {seconds} s, {think:g} s between a session's pages, on gunicorn --workers {WORKERS}"
          f" (DEBUG off); load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    print(f"{len(everything)} requests, {len(errors)} errors, {len(everything) / elapsed:.1f} requests/s, "
          f"p50 {_quantile(everything, 50):.2f} s, p95 {_quantile(everything, 95):.2f} s")
    for name, values in sorted(timings.items()):
        print(f"  {name:28} {len(values):6}  p50 {_quantile(values, 50):6.2f} s  p95 {_quantile(values, 95):6.2f} s")
    counts = defaultdict(int)
    for entity in Clue.objects.filter(entity__name__startswith="负载测试").values_list("entity__name", flat=True):
        counts[entity] += 1
    missing = [entity for entity in created if counts.get(entity) != 1]
    print(f"clues created: {len(created)}; each present exactly once: {'yes' if not missing else f'no ({missing[:5]})'}")
    for error in errors[:10]:
        print("  error:", error)


def _quantile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100)[percent - 1]


if __name__ == "__main__":
    main()
