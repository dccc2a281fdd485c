"""The list pages at volume (issue 12 items 2 and 3): clue list, record list, review queue, overdue disposals and the
approval grid, for a county office and the city office, at page 1 and at the last page. Each through the Django test
Client logged in, against a bare baseline that fetches the same page's rows with ``values()`` and their count; the
two must agree (the same ids on the page, or the same total). Every query of the page that reads the clue, record or
disposal table is run again under EXPLAIN (ANALYZE): the main (slowest) query's top node is printed, and any sequential
scan of those tables. Run by tests/perf/run.py."""

import json
import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledger.models import Clue, ScreeningRecord
from orgs.models import Unit, User
from review.models import Disposal
from screening.locks import today_local
from screening.models import Campaign
from tests.perf.timing import Province, Result, alternate, rendered_as_in_production

PAGE_SIZE = 50
TARGET_RATIO = 2.0
TARGET_SECONDS = {"county": 0.2, "city": 0.4}
WATCHED_TABLES = ("ledger_clue", "ledger_screeningrecord", "review_disposal", "ledger_entity")
CLUE_COLUMNS = ("pk", "entity__name", "entity__credit_code", "sector__name", "unit__name", "amount_involved",
                "people_involved", "status", "created_at")


@dataclass(frozen=True)
class Page:
    name: str
    url_name: str
    rows: object  # (campaign, scope unit, today) → the baseline's queryset of the page's rows, in the page's order
    paginated: bool = True


def _clues(campaign, scope, today):
    return (Clue.objects.filter(campaign=campaign, unit__path__startswith=scope.path)
            .order_by("-created_at", "-pk").values(*CLUE_COLUMNS))


def _records(campaign, scope, today):
    return (ScreeningRecord.objects.filter(campaign=campaign, unit__path__startswith=scope.path)
            .order_by("-screened_on", "-pk")
            .values("pk", "entity__name", "entity__credit_code", "sector__name", "unit__name", "screened_on", "result"))


def _queue(campaign, scope, today):
    return (Clue.objects.filter(campaign=campaign, unit__path__startswith=scope.path, merged_into__isnull=True,
                                status=Clue.Status.SUBMITTED)
            .order_by(F("submitted_at").asc(nulls_last=True), "pk").values(*CLUE_COLUMNS, "submitted_at"))


def _overdue(campaign, scope, today):
    return (Disposal.objects.filter(clue__campaign=campaign, clue__unit__path__startswith=scope.path,
                                    deadline__lt=today)
            .exclude(stage=Disposal.Stage.FINISHED).exclude(clue__status=Clue.Status.WITHDRAWN)
            .order_by("deadline", "pk")
            .values("pk", "clue__entity__name", "clue__unit__name", "responsible_unit__name", "deadline", "stage"))


def _approvals(campaign, scope, today):
    """The units under the scope with their records counted, grouped in SQL: what the grid sums per unit."""
    return (ScreeningRecord.objects.filter(campaign=campaign, unit__path__startswith=scope.path)
            .values("unit_id").annotate(n=Count("pk")).order_by())


PAGES = [
    Page("clue list", "ledger:clue_list", _clues),
    Page("record list", "ledger:record_list", _records),
    Page("review queue", "review:queue", _queue),
    Page("overdue disposals", "review:overdue", _overdue),
    Page("approvals grid", "review:approvals", _approvals, paginated=False),
]


def measurements(province: Province) -> list[Result]:
    campaign = Campaign.objects.get(slug=province.campaign_slug)
    today = today_local()
    results = []
    for who, username, code in (("county", province.county_office, province.county_code),
                                ("city", province.city_office, province.city_code)):
        client = Client(SERVER_NAME="localhost")  # an allowed host outside the test environment too
        client.force_login(User.objects.get(username=username))
        scope = Unit.objects.get(code=code)
        for page in PAGES:
            rows = page.rows(campaign, scope, today)
            last = max(1, math.ceil(rows.count() / PAGE_SIZE)) if page.paginated else 1
            for number in sorted({1, last}):
                results.append(_measure(client, page, who, campaign, rows, number))
    return results


def _measure(client: Client, page: Page, who: str, campaign: Campaign, rows, number: int) -> Result:
    url = reverse(page.url_name, args=[campaign.slug]) + (f"?page={number}" if page.paginated else "")

    def project():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    def baseline():
        if not page.paginated:
            return sum(row["n"] for row in rows.all())  # .all(): a fresh query each time, not the cached rows
        start = (number - 1) * PAGE_SIZE
        return [row["pk"] for row in rows[start:start + PAGE_SIZE]], rows.count()

    project()  # warm: templates, translations, the session
    with rendered_as_in_production():
        project_time, baseline_time, _response, expected = alternate(project, baseline)
    _check_agreement(page, project(), expected, url)
    with CaptureQueriesContext(connection) as captured:
        project()
    plan = _plan_summary([query["sql"] for query in captured.captured_queries])
    work = f"{page.name} · {who} office · " + (f"page {number}" if page.paginated else "whole page")
    target = TARGET_SECONDS[who]
    timing = f"{'✓' if project_time <= target else '✗'} ≤ {target * 1000:.0f} ms"
    print(f"{work}: {project_time * 1000:.0f} ms, {len(captured)} queries; {plan}")
    return Result(work, project_time, baseline_time, TARGET_RATIO, queries=len(captured), note=f"{timing}; {plan}")


def _check_agreement(page: Page, response, expected, url: str) -> None:
    if not page.paginated:
        shown = sum(line.row.records for line in response.context["lines"])
        assert shown == expected, f"{url}: the grid counts {shown} records, the baseline {expected}"
        return
    ids, count = expected
    listed = response.context["page"]
    shown = [getattr(item, "pk", None) or item.disposal.pk for item in listed.object_list]
    assert shown == ids, f"{url}: the page lists other rows than the baseline"
    assert listed.paginator.count == count, f"{url}: {listed.paginator.count} rows counted, the baseline {count}"


def _plan_summary(statements: list[str]) -> str:
    """EXPLAIN (ANALYZE) of every SELECT of the page that reads a watched table: the slowest one's top node, and the
    sequential scans of watched tables anywhere."""
    if connection.vendor != "postgresql":
        return "plan: PostgreSQL only"
    slowest, seq_scans = None, set()
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT") or not any(t in sql for t in WATCHED_TABLES):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            top = plan[0]["Plan"]
            seq_scans |= set(_seq_scans(top))
            if slowest is None or plan[0]["Execution Time"] > slowest[1]:
                slowest = (top, plan[0]["Execution Time"])
    if slowest is None:
        return "plan: no query of the watched tables"
    top, took = slowest
    scans = "seq scan: " + (", ".join(sorted(seq_scans)) or "none")
    return f"main query: {top['Node Type']} {took:.1f} ms; {scans}"


def _seq_scans(node: dict):
    if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in WATCHED_TABLES:
        yield node["Relation Name"]
    for child in node.get("Plans", ()):
        yield from _seq_scans(child)
