"""The county's own return of attachment 3."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from orgs.models import Unit

from .common import require_review
from ..models import CountyReturn


@dataclass
class CountyAnswers:
    criminal_cases: int
    has_large_case: bool
    has_petition_event: bool
    remarks: str = ""


@transaction.atomic
def county_return_save(*, actor, county: Unit, year: int, answers: CountyAnswers) -> CountyReturn:
    """The county's own return for attachment 3, filled in by the county office."""
    require_review(actor, county)
    if county.level != Unit.Level.COUNTY or county.kind != Unit.Kind.GOVERNMENT:
        raise ValidationError(_("Only a county (district) fills in this return."))
    if answers.criminal_cases < 0:
        raise ValidationError({"criminal_cases": _("The number of cases cannot be negative.")})
    filed = CountyReturn.objects.filter(county=county, year=year).first() or CountyReturn(county=county, year=year)
    filed.criminal_cases, filed.has_large_case = answers.criminal_cases, answers.has_large_case
    filed.has_petition_event, filed.remarks = answers.has_petition_event, answers.remarks.strip()
    filed.updated_by = actor
    filed._history_user = actor
    filed.save()
    return filed
