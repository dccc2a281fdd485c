"""What the benchmarks of tests/perf/ share: the province they measure in, timing the project and its bare baseline in
turn, and the printed table. Timings are never asserted in the test suite; these commands print them."""

import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Province:
    """Where `generate_data` put the synthetic province: the campaign and a city, a county and a township in it, and
    an account of each role at the city and the county (the users a page is measured for)."""

    campaign_slug: str
    city_code: str
    county_code: str
    township_code: str
    city_office: str
    county_office: str
    township_staff: str


@dataclass(frozen=True)
class Result:
    work: str  # the row's name, as docs/benchmarks.md names it
    project: float  # median seconds
    baseline: float
    target_ratio: float
    queries: int | None = None
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.project / self.baseline if self.baseline else float("inf")

    @property
    def within_target(self) -> bool:
        return self.ratio <= self.target_ratio


def alternate(project: Callable[[], object], baseline: Callable[[], object], *, repeat: int = 5):
    """Run the project and the baseline one after the other, ``repeat`` times each, so that a neighbour's load falls on
    both alike; return the median seconds of each and the last result of each, for the caller to check they agree."""
    project_times, baseline_times = [], []
    project_result = baseline_result = None
    for _ in range(repeat):
        started = time.perf_counter()
        project_result = project()
        project_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        baseline_result = baseline()
        baseline_times.append(time.perf_counter() - started)
    return statistics.median(project_times), statistics.median(baseline_times), project_result, baseline_result


@contextmanager
def rendered_as_in_production():
    """Pages timed as production renders them. The test environment (which tests/perf/run.py sets up so that a
    response carries its context, to check it against the baseline) has every template render copy its context for
    the test Client: on a page of many small templates (a select's options, a row's flags) that copying cost more than
    the page's queries. A client timed inside must name an allowed host: ``Client(SERVER_NAME="localhost")``."""
    from django.test.utils import setup_test_environment, teardown_test_environment

    teardown_test_environment()
    try:
        yield
    finally:
        setup_test_environment()


def table(results: list[Result]) -> str:
    """The results as a Markdown table, as docs/benchmarks.md keeps them."""
    lines = ["| work | project | baseline | ratio | target | queries | note |", "|---|---|---|---|---|---|---|"]
    for r in results:
        mark = "" if r.within_target else " ✗"
        queries = "" if r.queries is None else str(r.queries)
        lines.append(f"| {r.work} | {r.project:.3f} s | {r.baseline:.3f} s | {r.ratio:.2f}×{mark} | "
                     f"≤ {r.target_ratio}× | {queries} | {r.note} |")
    return "\n".join(lines)
