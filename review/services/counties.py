"""Across counties: a county's office notifies another county's office of a clue (通报), which acknowledges it and may
open a clue of its own from it; the city office names the lead and assisting counties of a joint case (多县案件).

Each write is the act of one government's own office (``permissions.require_acts_for``): the county's for its notices,
the city's for its cases. The other side is told under the bell (``review.notices``).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger import services as ledger_services
from ledger.models import Clue
from ledger.services import ClueData, EntityData
from orgs import permissions
from orgs.models import Unit
from screening import locks
from screening.models import Campaign, Term

from .. import notices
from ..models import CaseCounty, CountyNotice, JointCase
from ..selectors import counties as selectors


# Notices (通报) -------------------------------------------------------------------------------------------------------


@transaction.atomic
def notice_send(*, actor, clue: Clue, to_county: Unit, note: str = "") -> CountyNotice:
    """The office of the clue's county tells ``to_county``'s office of the clue, with a note; that office is told."""
    from_county = selectors.county_of(clue.unit)
    if from_county is None:
        raise ValidationError(_("Only a clue of a county (district) can be notified to another county."))
    permissions.require_acts_for(actor, from_county)
    if clue.status in (Clue.Status.DRAFT, Clue.Status.WITHDRAWN) or clue.merged_into_id:
        raise ValidationError(_("A draft, withdrawn or merged clue cannot be notified."))
    if to_county.pk == from_county.pk:
        raise ValidationError({"to_county": _("The clue is already %(county)s's own: notify another county.")
                               % {"county": from_county.name}})
    if not selectors.counties_notified(from_county).filter(pk=to_county.pk).exists():
        raise ValidationError({"to_county": _("Choose a county (district) with a leading-group office.")})
    notice = CountyNotice(
        clue=clue, from_county=from_county, to_county=to_county, note=note.strip(), entity=clue.entity,
        entity_name=clue.entity.name, credit_code=clue.entity.credit_code or "", sector_name=clue.sector.name,
        behaviour_names="、".join(clue.behaviours.values_list("name", flat=True)),
        amount_involved=clue.amount_involved, unpaid_funds=clue.unpaid_funds, people_involved=clue.people_involved,
        sent_by=actor,
    )
    try:
        with transaction.atomic():  # a savepoint: the refusal leaves the outer transaction usable
            notice.save()
    except IntegrityError:
        raise ValidationError({"to_county": _("%(county)s has been notified of this clue and has not acknowledged it "
                                              "yet.") % {"county": to_county.name}}) from None
    notices.county_notified(notice)
    return notice


def _locked_notice(actor, notice: CountyNotice) -> CountyNotice:
    permissions.require_acts_for(actor, notice.to_county)
    return CountyNotice.objects.select_for_update(of=("self",)).select_related(
        "clue", "from_county", "to_county").get(pk=notice.pk)


def _acknowledge(actor, notice: CountyNotice) -> None:
    notice.acknowledged_by, notice.acknowledged_at = actor, timezone.now()
    notice.save(update_fields=["acknowledged_by", "acknowledged_at"])


@transaction.atomic
def notice_acknowledge(*, actor, notice: CountyNotice) -> CountyNotice:
    """The receiving office confirms it has the notice (who, when); the sending office is told."""
    notice = _locked_notice(actor, notice)
    if notice.acknowledged_at is not None:
        raise ValidationError(_("This notice has been acknowledged already."))
    _acknowledge(actor, notice)
    notices.county_notice_acknowledged(notice)
    return notice


@dataclass
class OwnClue:
    """What the receiving office gives for the clue it opens; the rest comes from the notice."""

    campaign: Campaign
    unit: Unit
    sector: Term
    amount_involved: Decimal
    people_involved: int
    unpaid_funds: Decimal = Decimal("0.00")


@transaction.atomic
def notice_open_clue(*, actor, notice: CountyNotice, data: OwnClue) -> Clue:
    """The receiving office opens a clue of its own county from the notice, through the ledger (so that its checks and
    its one clue per unit, entity and sector hold), handed to its own review queue. The notice and the clue point at
    each other; opening it acknowledges the notice, and the sending office is told."""
    notice = _locked_notice(actor, notice)
    if notice.opened_clue_id:
        raise ValidationError(_("A clue has been opened from this notice already."))
    county = notice.to_county
    if not selectors.campaigns_of(county).filter(pk=data.campaign.pk).exists():
        raise ValidationError({"campaign": _("Choose a campaign of %(county)s.") % {"county": county.name}})
    if not selectors.units_of(county).filter(pk=data.unit.pk).exists():
        raise ValidationError({"unit": _("Choose a unit of %(county)s.") % {"county": county.name}})
    entity = notice.entity
    # The notice names the behaviours in the sending campaign's words; those the chosen campaign has too come along.
    behaviours = Term.objects.filter(campaign=data.campaign, vocabulary=Term.Vocabulary.BEHAVIOUR, is_retired=False,
                                     children__isnull=True, name__in=notice.behaviour_names.split("、"))
    description = _("From the notice of %(county)s (通报 %(number)d).") % {
        "county": notice.from_county.name, "number": notice.pk}
    try:
        clue = ledger_services.clue_record_for_office(actor=actor, campaign=data.campaign, unit=data.unit, data=ClueData(
            entity=EntityData(
                name=entity.name, credit_code=entity.credit_code or "", confirm_code_warning=True,
                legal_representative=entity.legal_representative, registered_address=entity.registered_address,
                registered_division=entity.registered_division, operating_address=entity.operating_address,
                operating_division=entity.operating_division, business_scope=entity.business_scope),
            sector=data.sector, behaviours=list(behaviours), amount_involved=data.amount_involved,
            people_involved=data.people_involved, unpaid_funds=data.unpaid_funds,
            description="\n".join(part for part in (description, notice.note) if part)))
    except locks.EntryClosed as closed:
        raise ValidationError({"campaign": closed.reason}) from closed
    notice.opened_clue = clue
    notice.save(update_fields=["opened_clue"])
    if notice.acknowledged_at is None:
        _acknowledge(actor, notice)
    notices.county_notice_clue_opened(notice)
    return clue


# Joint cases (多县案件) -----------------------------------------------------------------------------------------------


def _check_counties(case_city: Unit, lead: Unit | None, assisting: list[Unit]) -> None:
    errors = {}
    counties = selectors.counties_of(case_city)
    if lead is None or not counties.filter(pk=lead.pk).exists():
        errors["lead"] = _("Choose the lead county among the counties of %(city)s.") % {"city": case_city.name}
    if not assisting:
        errors["assisting"] = _("Name at least one assisting county: a joint case involves several counties.")
    elif counties.filter(pk__in=[county.pk for county in assisting]).count() != len(set(assisting)):
        errors["assisting"] = _("Choose the assisting counties among the counties of %(city)s.") % {
            "city": case_city.name}
    elif lead is not None and lead in assisting:
        errors["assisting"] = _("%(county)s leads the case: it cannot also assist.") % {"county": lead.name}
    if errors:
        raise ValidationError(errors)


def _check_city(city: Unit) -> None:
    if city.level != Unit.Level.CITY or city.kind != Unit.Kind.GOVERNMENT:
        raise ValidationError(_("Only a city names the counties of a joint case."))


@transaction.atomic
def case_open(*, actor, city: Unit, title: str, description: str, lead: Unit, assisting: list[Unit],
              clues: list[Clue]) -> JointCase:
    """The city office opens a joint case on clues of its counties and names its lead and assisting counties; each of
    them is told."""
    _check_city(city)
    permissions.require_acts_for(actor, city)
    assisting = list(assisting)
    if not title.strip():
        raise ValidationError({"title": _("Give the case a name.")})
    if not clues:
        raise ValidationError({"clues": _("Name at least one clue of the case.")})
    if selectors.case_clues_for(actor, city).filter(pk__in=[clue.pk for clue in clues]).count() != len(set(clues)):
        raise ValidationError({"clues": _("Choose clues of the counties of %(city)s.") % {"city": city.name}})
    _check_counties(city, lead, assisting)
    case = JointCase.objects.create(city=city, title=title.strip(), description=description.strip(),
                                    created_by=actor)
    case.clues.set(clues)
    _name(actor, case, lead, assisting)
    return case


@transaction.atomic
def case_assign(*, actor, case: JointCase, lead: Unit, assisting: list[Unit]) -> JointCase:
    """The city office changes who leads and who assists. A county whose part changes keeps its old row, ended (who,
    when); the counties named anew, and those no longer named, are told."""
    permissions.require_acts_for(actor, case.city)
    case = JointCase.objects.select_for_update(of=("self",)).select_related("city").get(pk=case.pk)
    assisting = list(assisting)
    _check_counties(case.city, lead, assisting)
    _name(actor, case, lead, assisting)
    return case


def _name(actor, case: JointCase, lead: Unit, assisting: list[Unit]) -> None:
    wanted = {lead.pk: CaseCounty.Role.LEAD} | {county.pk: CaseCounty.Role.ASSISTING for county in assisting}
    current = {part.county_id: part for part in case.counties.filter(ended_at__isnull=True).select_related("county")}
    ended = [part for pk, part in current.items() if wanted.get(pk) != part.role]
    now = timezone.now()
    for part in ended:
        part.ended_by, part.ended_at = actor, now
        part.save(update_fields=["ended_by", "ended_at"])
    units = {unit.pk: unit for unit in [lead, *assisting]}
    named = [CaseCounty.objects.create(case=case, county=units[pk], role=role, named_by=actor)
             for pk, role in wanted.items() if pk not in current or current[pk].role != role]
    left = [part.county for part in ended if part.county_id not in wanted]
    notices.case_counties_named(case, named, left)
