"""The home pages' figures. Staff see their unit's work in each open campaign; the office and leaders see a unit's
campaign: reporting completeness, the review queue, the clues by sector, behaviour, unit and level (sector and
behaviour from the figures attachment 1 is made of, tables.block_figures and the tables received, so the page and
the table cannot disagree, without the table's costlier columns), key clues, overdue disposals,
entities reported twice, and the same totals for the previous campaign of the same kind. A fixed number of queries
whatever the number of clues."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _

from ledger.models import Clue, ScreeningRecord
from orgs.models import Unit
from oversight import selectors as oversight_selectors
from oversight.models import Filing
from review.models import Assessment, Disposal
from screening import locks
from screening.models import Campaign, Term, UnitSubmission
from tips import selectors as tip_selectors

from . import tables
from .models import ReceivedReturn
from .table import number
from .completeness import ENTERING, NOT_STARTED, STATES, Completeness, completeness

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Bar:
    label: str
    count: Decimal  # institutions (attachment 1's problem institutions) or clues
    amount: Decimal
    term_id: int | None = None
    unit_id: int | None = None


@dataclass(frozen=True)
class Totals:
    clues: int
    amount: Decimal
    people: int
    key_clues: int


@dataclass(frozen=True)
class OfficeFigures:
    campaign: Campaign
    unit: Unit
    completeness: Completeness
    totals: Totals
    queue_size: int
    queue_oldest: datetime | None
    overdue_disposals: int
    reported_twice: int
    drafts_left_out: int
    by_sector: list[Bar]
    by_behaviour: list[Bar]
    by_unit: list[Bar]
    by_level: list[tuple[str, int]]
    previous: "PreviousFigures | None"


@dataclass(frozen=True)
class PreviousFigures:
    campaign: Campaign
    completeness: Completeness
    totals: Totals


def _totals(campaign: Campaign, unit: Unit) -> Totals:
    found = tables.counted_clues(campaign, unit).aggregate(
        clues=Count("pk"), amount=Coalesce(Sum("amount_involved"), ZERO), people=Coalesce(Sum("people_involved"), 0),
        key=Count("pk", filter=Q(assessment__is_key=True)),
    )
    return Totals(found["clues"], found["amount"], found["people"], found["key"])


def _bars(campaign: Campaign, unit: Unit, terms: list[Term], key: str, received: tables.ReceivedFigures) -> list[Bar]:
    """The rows of one block of attachment 1 (its sectors or behaviours) with problem institutions, in the table's
    order, from the table's own figures (tables.block_figures and the tables received), without the rest of the
    table."""
    figures = tables.block_figures(tables.counted_clues(campaign, unit), key)
    bars = []
    for term in tables.leaf_terms(terms):
        found, sent = figures.get(term.pk, {}), received.numbers.get(term.pk, {})
        count = number(found.get("problem_count")) + number(sent.get("problem_count"))
        if count:
            bars.append(Bar(term.name, count, number(found.get("amount")) + number(sent.get("amount")),
                            term_id=term.pk))
    return bars


def _by_unit(campaign: Campaign, unit: Unit) -> list[Bar]:
    """The clues and amounts of each unit directly beneath ``unit``, everything beneath it included."""
    children = list(Unit.objects.filter(parent=unit, is_active=True).exclude(kind=Unit.Kind.OFFICE).order_by("path"))
    rows = (tables.counted_clues(campaign, unit).values_list("unit__path")
            .annotate(n=Count("pk"), amount=Sum("amount_involved")).order_by())
    sums = {child.pk: [0, ZERO] for child in children}
    for path, n, amount in rows:
        for child in children:
            if path.startswith(child.path):
                sums[child.pk][0] += n
                sums[child.pk][1] += amount
    return [Bar(child.name, Decimal(sums[child.pk][0]), sums[child.pk][1], unit_id=child.pk) for child in children
            if sums[child.pk][0]]


def _by_level(campaign: Campaign, unit: Unit) -> list[tuple[str, int]]:
    level = Coalesce(NullIf("assessment__level_override", Value("")), "assessment__computed_level")
    counts = dict(tables.counted_clues(campaign, unit).annotate(level=level).values_list("level")
                  .annotate(n=Count("pk")).order_by())
    return [(str(label), counts.get(value, 0)) for value, label in Assessment.Level.choices] + (
        [(_("Not rated yet"), counts[None])] if counts.get(None) else []
    )


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The campaign of the same kind and scope held the year before (or the latest before it)."""
    return (Campaign.objects.filter(kind=campaign.kind, scope_unit=campaign.scope_unit, year__lt=campaign.year)
            .exclude(status=Campaign.Status.DRAFT).prefetch_related("phases").order_by("-year", "-pk").first())


def office_figures(campaign: Campaign, unit: Unit, *, on: date) -> OfficeFigures:
    terms = list(Term.objects.filter(campaign=campaign).order_by("order", "pk"))
    queue = Clue.objects.filter(campaign=campaign, unit__path__startswith=unit.path,
                                status=Clue.Status.SUBMITTED).aggregate(n=Count("pk"), oldest=Min("submitted_at"))
    overdue = Disposal.objects.overdue(on, of=Clue.objects.filter(campaign=campaign,
                                                                  unit__path__startswith=unit.path)).count()
    before = previous_campaign(campaign)
    received = tables.ReceivedFigures(campaign, unit, any_received=tables.received_in(
        campaign, unit, ReceivedReturn.Attachment.ATTACHMENT1).exists())
    return OfficeFigures(
        campaign=campaign, unit=unit, completeness=completeness(campaign, unit), totals=_totals(campaign, unit),
        queue_size=queue["n"], queue_oldest=queue["oldest"], overdue_disposals=overdue,
        reported_twice=len(tables.reported_twice(campaign, unit)),
        drafts_left_out=tables.drafts_left_out(campaign, unit),
        by_sector=_bars(campaign, unit, [t for t in terms if t.vocabulary == Term.Vocabulary.SECTOR], "sector",
                        received),
        by_behaviour=_bars(campaign, unit, [t for t in terms if t.vocabulary == Term.Vocabulary.BEHAVIOUR],
                           "behaviours", received),
        by_unit=_by_unit(campaign, unit), by_level=_by_level(campaign, unit),
        previous=before and PreviousFigures(before, completeness(before, unit), _totals(before, unit)),
    )


@dataclass(frozen=True)
class StaffWork:
    campaign: Campaign
    unit: Unit
    entry: locks.EntryState
    days_left: int | None
    drafts: int
    returned: list[Clue]
    tasks_open: int
    tasks_overdue: int
    briefings: int
    quota: int
    summary: Filing | None
    plan: Filing | None
    submission_state: str
    inspection_actions: list  # what inspections require of the unit and the office has not closed


def staff_work(campaign: Campaign, unit: Unit, *, on: date) -> StaffWork:
    entry = locks.entry_state(campaign, unit)
    mine = Clue.objects.filter(campaign=campaign, unit__path__startswith=unit.path)
    drafts = mine.filter(status=Clue.Status.DRAFT).count()
    returned = list(mine.filter(status=Clue.Status.RETURNED).select_related("entity").order_by("-pk")[:10])
    tasks = Disposal.objects.open().filter(clue__campaign=campaign, responsible_unit__path__startswith=unit.path)
    task_counts = tasks.aggregate(n=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=on)))
    filings = oversight_selectors.own_filings(campaign, unit)
    submission = UnitSubmission.objects.filter(campaign=campaign, unit=unit).first()
    if submission is not None and submission.status != UnitSubmission.Status.IN_PROGRESS:
        state = submission.status
    elif submission is not None or mine.exists() or ScreeningRecord.objects.filter(
            campaign=campaign, unit__path__startswith=unit.path).exists():
        state = ENTERING
    else:
        state = NOT_STARTED
    return StaffWork(
        campaign=campaign, unit=unit, entry=entry,
        days_left=(entry.closes_at.astimezone(locks.local_zone()).date() - on).days if entry.closes_at else None,
        drafts=drafts, returned=returned, tasks_open=task_counts["n"], tasks_overdue=task_counts["overdue"],
        briefings=oversight_selectors.briefing_counts(campaign, [unit.pk]).get(unit.pk, 0),
        quota=oversight_selectors.quotas(campaign, [unit])[unit.pk],
        summary=filings.get(Filing.Kind.SUMMARY), plan=filings.get(Filing.Kind.PLAN),
        submission_state=str(STATES[state]),
        inspection_actions=list(oversight_selectors.open_actions_of(unit).filter(inspection__campaign=campaign)),
    )


@dataclass(frozen=True)
class ChartRow:
    bar: Bar
    width: float  # per cent of the longest bar
    query: str  # the ledger's filter for the bar's clues


def chart(bars: list[Bar], parameter: str) -> list[ChartRow]:
    """Bars scaled to the longest, each with the ledger filter (``sector``, ``behaviours`` or ``unit``) of its clues."""
    longest = max((bar.count for bar in bars), default=0) or 1
    return [ChartRow(bar, round(float(bar.count / longest) * 100, 1),
                     f"{parameter}={bar.term_id if bar.term_id is not None else bar.unit_id}") for bar in bars]


def tip_months(user, *, year: int) -> list[tip_selectors.Month] | None:
    """The public tips of each month of ``year`` and their outcomes (turned into a clue, closed, open) for a county
    office that handles tips, every month listed; None for anyone else. Two queries."""
    if not tip_selectors.handled_counties(user).exists():
        return None
    found = {month.month: month for month in tip_selectors.months_of(user, year=year)}
    return [found.get(number, tip_selectors.Month(number, 0, 0, 0, 0)) for number in range(1, 13)]
