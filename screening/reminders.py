"""Deadline reminders and overdue notices for the units expected to report that have not handed in what a phase asks
for, sent by a daily job (screening.tasks for the data, oversight.tasks for the plan and the summary report). A unit
without an account is told nothing, having nobody to tell, but it counts in the office's summary of overdue units,
marked so.

A screening phase's deadline is the day a unit's data is due and entry closes (screening.locks); a mobilisation or
summary phase's, the day the implementation plan or the summary report is (oversight). Each reminder is logged
(ReminderLog) in the same transaction as its notifications, so the job can run again the same day, or after a crash,
without sending anything twice.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgs import permissions
from orgs.models import Membership, Notification, Unit
from orgs.permissions import Perm
from orgs.services import notify

from . import selectors
from .models import Campaign, Phase, ReminderLog

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Due:
    """What the phases of a kind ask of the units expected to report, named for the texts, and who has not handed it
    in yet. Screening phases ask for the data; oversight adds the implementation plan and the summary report."""

    phase_kind: str
    what: Promise
    yet_to_hand_in: Callable[[Campaign], QuerySet[Unit]]


DATA = Due(Phase.Kind.SCREENING, gettext_lazy("its data"), selectors.units_yet_to_submit)


def send_deadline_reminders(*, on: date, due: Due = DATA) -> int:
    """Send what is due on ``on``: a reminder ``reminder_days`` before a deadline of the phases ``due`` names, an
    overdue notice (and a summary to the office) the day after it. Returns how many notifications were created."""
    phases = Phase.objects.filter(
        kind=due.phase_kind, campaign__status=Campaign.Status.PUBLISHED, deadline__gte=on - ONE_DAY
    ).select_related("campaign__scope_unit")
    sent = 0
    # The job runs outside any request: the texts it stores are in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        for phase in phases:
            kind = _due_kind(phase, on)
            if kind:
                sent += len(_send(phase, kind, on, due))
    return sent


def _due_kind(phase: Phase, on: date) -> str | None:
    if on == phase.deadline + ONE_DAY:
        return ReminderLog.Kind.OVERDUE
    days = phase.campaign.reminder_days
    if days and on == phase.deadline - timedelta(days=days):
        return ReminderLog.Kind.REMINDER
    return None


@transaction.atomic
def _send(phase: Phase, kind: str, on: date, due: Due) -> list[Notification]:
    # A second run at the same moment waits here, then finds this run's log and sends nothing.
    Phase.objects.select_for_update().only("pk").get(pk=phase.pk)
    already = ReminderLog.objects.filter(phase=phase, kind=kind, day=on, unit=OuterRef("pk"))
    units = list(due.yet_to_hand_in(phase.campaign).exclude(Exists(already)).order_by("path"))
    ReminderLog.objects.bulk_create(ReminderLog(phase=phase, unit=unit, kind=kind, day=on) for unit in units)
    link = phase.campaign.get_absolute_url()
    staff = _staff_by_unit(units)
    sent = []
    for unit in units:
        title, body = _unit_text(phase, kind, unit, on, due)
        sent += notify(users=staff.get(unit.pk, ()), title=title, body=body, link=link)
    if kind == ReminderLog.Kind.OVERDUE:
        untold = {unit.pk for unit in units if not staff.get(unit.pk)}
        for user, late in _units_by_office_user(units).items():
            title, body = _office_text(phase, late, untold, due)
            sent += notify(users=[user], title=title, body=body, link=link)
    return sent


def _staff_by_unit(units: list[Unit]) -> dict[int, list]:
    staff: dict[int, list] = {}
    memberships = Membership.objects.filter(unit__in=units, role=Membership.Role.STAFF, user__is_active=True)
    for membership in memberships.select_related("user"):
        staff.setdefault(membership.unit_id, []).append(membership.user)
    return staff


def _units_by_office_user(units: list[Unit]) -> dict[object, list[Unit]]:
    """{office user: the units among ``units`` in their jurisdiction}. Only the office role reviews
    (orgs.permissions.ROLE_PERMISSIONS), so the holders of REVIEW on a unit are the offices above it."""
    covered: dict[object, list[Unit]] = {}
    for unit, users in permissions.holders(Perm.REVIEW, units).items():
        for user in users:
            covered.setdefault(user, []).append(unit)
    return covered


def _names(phase: Phase, due: Due) -> dict[str, str]:
    return {
        "campaign": phase.campaign.title,
        "phase": str(phase),
        "deadline": date_format(phase.deadline),
        "what": str(due.what),
    }


def _unit_text(phase: Phase, kind: str, unit: Unit, on: date, due: Due) -> tuple[str, str]:
    names = {**_names(phase, due), "unit": unit.name, "days": (phase.deadline - on).days}
    if kind == ReminderLog.Kind.OVERDUE:
        return (
            _("Overdue: “%(campaign)s” %(phase)s") % names,
            _(
                "“%(campaign)s” %(phase)s closed at the end of %(deadline)s and %(unit)s has not handed in %(what)s. "
                "Please hand it in as soon as possible."
            )
            % names,
        )
    return (
        _("Deadline approaching: “%(campaign)s” %(phase)s") % names,
        _(
            "“%(campaign)s” %(phase)s closes at the end of %(deadline)s (days left: %(days)d). "
            "%(unit)s has not handed in %(what)s yet."
        )
        % names,
    )


def _office_text(phase: Phase, units: list[Unit], untold: set[int], due: Due) -> tuple[str, str]:
    """``untold``: the units where nobody could be told, having no account; the office has to reach them itself."""
    names = {**_names(phase, due), "count": len(units)}
    heading = _(
        "“%(campaign)s” %(phase)s closed at the end of %(deadline)s. Units that have not handed in %(what)s "
        "(%(count)d):"
    )
    lines = [
        _("%(unit)s (no account: nobody there was told)") % {"unit": unit.name} if unit.pk in untold else unit.name
        for unit in units
    ]
    return _("Units overdue: “%(campaign)s” %(phase)s") % names, "\n".join([heading % names, *lines])
