"""Whether staff may write a unit's screening records and clues in a campaign now, and if not, why.

Every write of the ledger calls ``require_entry_open``: the page may hide a button, but the service layer decides.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from orgs.models import Unit

from .models import Campaign, LockException, Phase, UnitSubmission


class EntryClosed(Exception):
    """Entry is closed; ``reason`` says why, in the user's language."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class EntryState:
    is_open: bool
    reason: str = ""
    closes_at: datetime | None = None
    by_exception: bool = False


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def today_local() -> date:
    return timezone.now().astimezone(local_zone()).date()


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in the project's time zone (Asia/Shanghai): a deadline date means this moment."""
    return datetime.combine(day, time.max, tzinfo=local_zone())


def data_due(campaign: Campaign) -> datetime | None:
    """When a unit's data is due: the end of the campaign's last screening deadline (phases prefetched, no query)."""
    deadlines = [p.deadline for p in campaign.phases.all() if p.kind == Phase.Kind.SCREENING]
    return end_of_day(max(deadlines)) if deadlines else None


def entry_state(campaign: Campaign, unit: Unit, *, now: datetime | None = None) -> EntryState:
    now = now or timezone.now()
    if not unit.path.startswith(campaign.scope_unit.path):
        return EntryState(False, _("This unit is not part of the campaign."))
    if UnitSubmission.objects.filter(
        campaign=campaign, unit_id__in=unit.lineage_ids, status=UnitSubmission.Status.APPROVED
    ).exists():
        return EntryState(False, _("The data of this unit has been approved and locked."))
    screening = [p for p in campaign.phases.all() if p.kind == Phase.Kind.SCREENING]
    return _phases_state(campaign, unit, screening, now, _("The campaign has not started yet."))


def filing_state(campaign: Campaign, unit: Unit, phase_kinds: Collection[str], *,
                 now: datetime | None = None) -> EntryState:
    """Whether ``unit`` may file now what phases of ``phase_kinds`` ask for (the implementation plan at mobilisation,
    the summary report at the summary phase, briefings in any phase): from the first such phase's start to the end of
    the last deadline, or beyond it until the day to which the office reopened the unit's entry. Approval does not
    close it: a unit's report on its work follows the approval of its data."""
    now = now or timezone.now()
    if not unit.path.startswith(campaign.scope_unit.path):
        return EntryState(False, _("This unit is not part of the campaign."))
    phases = [p for p in campaign.phases.all() if p.kind in phase_kinds]
    if not phases:
        return EntryState(False, _("The campaign sets no phase for this."))
    opens = min(p.start for p in phases)
    return _phases_state(campaign, unit, phases, now,
                         _("This opens on %(day)s.") % {"day": date_format(opens)})


def _phases_state(campaign: Campaign, unit: Unit, phases: list[Phase], now: datetime, not_started: str) -> EntryState:
    today = now.astimezone(local_zone()).date()
    started = [p for p in phases if p.start <= today]
    if campaign.status == Campaign.Status.DRAFT or not started:
        return EntryState(False, not_started)
    open_until = [end_of_day(p.deadline) for p in started if now <= end_of_day(p.deadline)]
    if open_until:
        return EntryState(True, closes_at=max(open_until))
    exception = (
        LockException.objects.filter(campaign=campaign, unit_id__in=unit.lineage_ids).order_by("-until").first()
    )
    if exception and now <= end_of_day(exception.until):
        return EntryState(True, closes_at=end_of_day(exception.until), by_exception=True)
    last_deadline = max(p.deadline for p in started)
    return EntryState(False, _("Entry closed on %(deadline)s.") % {"deadline": date_format(last_deadline)})


def require_entry_open(campaign: Campaign, unit: Unit, *, now: datetime | None = None) -> None:
    state = entry_state(campaign, unit, now=now)
    if not state.is_open:
        raise EntryClosed(state.reason)
