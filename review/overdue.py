"""The daily notice of overdue disposals, sent by a Celery beat job (review.tasks): every disposal past its deadline and
not finished is named to its responsible unit and to the office directly above its clue's unit, once a day until it is
finished. Each disposal notified is logged (OverdueNotice) in the same transaction as the notifications, so the job can
run again the same day, or after a crash, without sending anything twice."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orgs import permissions
from orgs.models import Notification
from orgs.permissions import Perm
from orgs.services import notify

from .models import Disposal, OverdueNotice


def send_overdue_notices(*, on: date) -> int:
    """Notify what is overdue on ``on`` and not yet notified that day. Returns how many notifications were created."""
    # The job runs outside any request: the texts it stores are in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        return len(_send(on))


@transaction.atomic
def _send(on: date) -> list[Notification]:
    # A second run at the same moment waits here; its next read is a fresh one that finds this run's log.
    list(Disposal.objects.overdue(on).select_for_update(of=("self",)).values_list("pk", flat=True))
    logged = OverdueNotice.objects.filter(disposal=OuterRef("pk"), day=on)
    disposals = list(
        Disposal.objects.overdue(on).exclude(Exists(logged))
        .select_related("clue__entity", "clue__unit", "clue__campaign", "responsible_unit")
        .order_by("deadline", "pk")
    )
    OverdueNotice.objects.bulk_create(OverdueNotice(disposal=disposal, day=on) for disposal in disposals)
    return _tell_units(disposals, on) + _tell_offices(disposals, on)


def _tell_units(disposals: list[Disposal], on: date) -> list[Notification]:
    by_unit: dict = {}
    for disposal in disposals:
        by_unit.setdefault(disposal.responsible_unit, []).append(disposal)
    staff = permissions.holders(permissions.ACT_ON_TASKS, by_unit)
    sent = []
    for unit, late in by_unit.items():
        heading = _("These disposal tasks of %(unit)s are past their deadline and not finished:") % {"unit": unit.name}
        sent += notify(
            users=staff[unit],
            title=_("Disposal tasks overdue: %(count)d") % {"count": len(late)},
            body="\n".join([heading, *(_line(disposal, on) for disposal in late)]),
            link=reverse("review:tasks"),
        )
    return sent


def _tell_offices(disposals: list[Disposal], on: date) -> list[Notification]:
    """One notice per office user and campaign, linking to the campaign's overdue disposals."""
    offices = permissions.nearest_holders(Perm.REVIEW, {disposal.clue.unit for disposal in disposals})
    by_reader: dict = {}
    for disposal in disposals:
        for user in offices[disposal.clue.unit]:
            by_reader.setdefault((user, disposal.clue.campaign), []).append(disposal)
    sent = []
    for (user, campaign), late in by_reader.items():
        names = {"campaign": campaign.title, "count": len(late)}
        heading = _("Disposals past their deadline and not finished (%(count)d):") % names
        lines = (f"{_line(disposal, on)} · {disposal.responsible_unit.name}" for disposal in late)
        sent += notify(
            users=[user],
            title=_("Overdue disposals: “%(campaign)s”") % names,
            body="\n".join([heading, *lines]),
            link=reverse("review:overdue", args=[campaign.slug]),
        )
    return sent


def _line(disposal: Disposal, on: date) -> str:
    days = (on - disposal.deadline).days
    return ngettext(
        "%(entity)s (deadline %(deadline)s, %(days)d day overdue)",
        "%(entity)s (deadline %(deadline)s, %(days)d days overdue)",
        days,
    ) % {"entity": disposal.clue.entity.name, "deadline": date_format(disposal.deadline), "days": days}
