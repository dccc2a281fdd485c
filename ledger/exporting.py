"""The ledger as a workbook: the clues and the screening records a user may see, one sheet each. Used by the export
link of the ledger pages and by the report jobs."""

from orgs.models import Unit
from screening.models import Campaign

from . import excel, importing, selectors
from .resources import ClueResource, RecordResource


def ledger_workbook(*, user, campaign: Campaign, unit: Unit | None = None) -> bytes:
    """Everything ``user`` may see in ``campaign`` (only beneath ``unit`` when given)."""
    clues = selectors.clues_visible_to(user, campaign=campaign)
    records = selectors.records_visible_to(user, campaign=campaign)
    if unit is not None:
        clues = clues.filter(unit__path__startswith=unit.path)
        records = records.filter(unit__path__startswith=unit.path)
    names = importing.TermNames.for_campaign(campaign)
    clue_rows = ClueResource(names).export(
        clues.prefetch_related("behaviours", "problems").order_by("unit__path", "pk")
    )
    record_rows = RecordResource(names).export(records.prefetch_related("behaviours").order_by("unit__path", "pk"))
    return excel.workbook([
        (importing.CLUES.title, clue_rows.headers, clue_rows),
        (importing.RECORDS.title, record_rows.headers, record_rows),
    ])
