"""Benchmark: the ledger export of the city, against a bare openpyxl write-only loop over the same rows and columns.

    BENCH_DATABASE_URL=postgres://... .venv/bin/python tests/perf/bench_export.py [--clues 10000 --records 50000]

Standalone it builds its own province (tests/perf/standalone.py); tests/perf/run.py calls `measurements` with the one
`generate_data` built. Besides the times, the peak of the memory Python allocates while exporting (tracemalloc, in a
run of its own since tracing slows the code) and the process's maximum resident size are printed in the note.
"""

import resource
import sys
import tempfile
import tracemalloc
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.perf import standalone

    standalone.setup_django()

from tests.perf.timing import Province, Result, alternate

TARGET_RATIO = 1.5
REPEAT = 3


def measurements(province: Province) -> list[Result]:
    import openpyxl
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ledger import exporting
    from ledger.models import Clue, ScreeningRecord
    from orgs.models import Unit
    from screening.models import Campaign

    campaign = Campaign.objects.get(slug=province.campaign_slug)
    city = Unit.objects.get(code=province.city_code)
    user = get_user_model().objects.get(username=province.city_office)
    folder = tempfile.TemporaryDirectory(prefix="bench-export-")

    def project() -> int:
        return exporting.write_ledger(Path(folder.name) / "project.xlsx", user=user, campaign=campaign, unit=city)

    def baseline() -> int:
        """The same rows and columns, as the database gives them, appended to a write-only workbook."""
        inside = {"campaign": campaign, "unit__path__startswith": city.path}
        clues = Clue.objects.filter(**inside).annotate(
            b=exporting.term_ids(Clue.behaviours), p=exporting.term_ids(Clue.problems)
        ).values_list("unit__name", "entity__name", "entity__credit_code", "sector__name", "b",
                      "fundraising_mode__name", "channel", "amount_involved", "people_involved", "unpaid_funds",
                      "cross_province", "p", "source__name", "description", "status").order_by("unit__path", "pk")
        records = ScreeningRecord.objects.filter(**inside).annotate(b=exporting.term_ids(ScreeningRecord.behaviours)).values_list(
            "unit__name", "entity__name", "entity__credit_code", "sector__name", "b", "method__name", "area__name",
            "screened_on", "result").order_by("unit__path", "pk")
        book = openpyxl.Workbook(write_only=True)
        rows = 0
        for query in (clues, records):
            sheet = book.create_sheet()
            for row in query.iterator(chunk_size=exporting.CHUNK_ROWS):
                sheet.append(row)
                rows += 1
        book.save(Path(folder.name) / "baseline.xlsx")
        return rows

    with CaptureQueriesContext(connection) as queries:
        project()
    project_time, baseline_time, written, bare = alternate(project, baseline, repeat=REPEAT)
    assert written == bare, (written, bare)
    offsets = [query["sql"] for query in queries.captured_queries if " OFFSET " in query["sql"].upper()]
    assert not offsets, offsets[0]

    tracemalloc.start()
    project()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    folder.cleanup()
    return [Result(
        work=f"ledger export, city ({written:,} rows)", project=project_time, baseline=baseline_time,
        target_ratio=TARGET_RATIO, queries=len(queries.captured_queries),
        note=f"Python peak {peak / 2**20:.0f} MiB (tracemalloc), max RSS {maxrss:.0f} MiB, no OFFSET",
    )]


if __name__ == "__main__":
    standalone.run(__doc__.splitlines()[0], measurements)
