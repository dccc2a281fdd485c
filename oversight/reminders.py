"""The deadline reminders of the implementation plan (mobilisation phase) and the summary report (summary phase), sent
by the reminders that entry already has (screening.reminders) to the units expected to report without one."""

from datetime import date

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from screening import reminders
from screening import selectors as screening_selectors
from screening.models import Phase

from .models import Filing


def _without(kind: str):
    def yet_to_hand_in(campaign):
        filed = Filing.objects.filter(campaign=campaign, unit=OuterRef("pk"), kind=kind)
        return screening_selectors.reporting_units(campaign).exclude(Exists(filed))
    return yet_to_hand_in


PLAN = reminders.Due(Phase.Kind.MOBILISATION, _("its implementation plan"), _without(Filing.Kind.PLAN))
SUMMARY = reminders.Due(Phase.Kind.SUMMARY, _("its summary report"), _without(Filing.Kind.SUMMARY))


def send_filing_reminders(*, on: date) -> int:
    return sum(reminders.send_deadline_reminders(on=on, due=due) for due in (PLAN, SUMMARY))
