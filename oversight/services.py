"""What units file on their work: information reports and their summary report and implementation plan. Each write
checks that the actor speaks for the unit (orgs.permissions.speaks_for) and that the phase asking for it is open
(screening.locks.filing_state), keeps the files under the upload rules, and tells the office above."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from orgs import permissions, uploads
from orgs.models import Unit
from orgs.permissions import Perm
from orgs.services import notify
from screening import locks
from screening.models import Campaign, Phase

from .models import (
    Briefing, BriefingFile, BriefingQuota, Bulletin, BulletinItem, Chase, Filing, FilingFile, InspectingUnit,
    Inspection, InspectionAction, WorkResults,
)
from . import selectors

# A briefing may come at any point of the campaign, from its first phase to its last deadline.
BRIEFING_PHASES = tuple(Phase.Kind.values)


def _require_open(actor, campaign: Campaign, unit: Unit, phase_kinds) -> None:
    permissions.require_speaks_for(actor, unit)
    state = locks.filing_state(campaign, unit, phase_kinds)
    if not state.is_open:
        raise ValidationError(state.reason)


def _check(files: Sequence) -> None:
    for uploaded_file in files:
        uploads.check_upload(uploaded_file)


def _name(uploaded_file, model) -> str:
    return uploaded_file.name[: model._meta.get_field("name").max_length]


def _office_above(unit: Unit) -> set:
    if unit.parent is None:
        return set()
    return permissions.nearest_holders(Perm.REVIEW, [unit.parent])[unit.parent]


def _tell_the_office(unit: Unit, title: str, body: str, link: str) -> None:
    notify(users=_office_above(unit), title=title, body=body, link=link)


@transaction.atomic
def briefing_file(*, actor, campaign: Campaign, unit: Unit, kind: str, title: str, text: str, day: date,
                  files: Sequence = ()) -> Briefing:
    """File an information report (信息报送) for ``unit``."""
    _require_open(actor, campaign, unit, BRIEFING_PHASES)
    if day > locks.today_local():
        raise ValidationError({"day": _("A report cannot be dated after today.")})
    _check(files)
    briefing = Briefing.objects.create(campaign=campaign, unit=unit, kind=kind, title=title.strip(), text=text.strip(),
                                       day=day, filed_by=actor)
    for uploaded_file in files:
        BriefingFile.objects.create(briefing=briefing, file=uploaded_file, name=_name(uploaded_file, BriefingFile),
                                    uploaded_by=actor)
    with translation.override(settings.LANGUAGE_CODE):
        names = {"unit": unit.name, "title": briefing.title, "campaign": campaign.title}
        _tell_the_office(unit, _("Information report from %(unit)s") % names,
                         _("%(unit)s filed the information report “%(title)s” (“%(campaign)s”).") % names,
                         reverse("oversight:briefing", args=[briefing.pk]))
    return briefing


def _locked_row(model, **key):
    """The unit's one row of ``model``, locked, or a new one."""
    return model.objects.select_for_update().filter(**key).first() or model(**key)


def _save_once(model, actor, fill: Callable[[object, bool], None], **key):
    """Save the one row of ``model`` that ``key`` names, after ``fill(row, created)`` sets its fields (and may refuse
    with a ValidationError). When another user of the unit created it a moment ago, this save corrects theirs."""
    row = _locked_row(model, **key)
    created = row.pk is None
    fill(row, created)
    row._history_user = actor
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        row, created = _locked_row(model, **key), False
        fill(row, created)
        row._history_user = actor
        row.save()
    return row, created


@transaction.atomic
def filing_save(*, actor, campaign: Campaign, unit: Unit, kind: str, text: str, files: Sequence = ()) -> Filing:
    """File or correct ``unit``'s summary report or implementation plan: its text, files added to those it has."""
    _require_open(actor, campaign, unit, [Filing.PHASE_OF_KIND[kind]])
    _check(files)

    def fill(filing: Filing, created: bool) -> None:
        if not text.strip() and not files and (created or not filing.files.exists()):
            raise ValidationError({"text": _("Write the report here or attach it as a file.")})
        filing.text, filing.filed_by = text.strip(), actor

    filing, created = _save_once(Filing, actor, fill, campaign=campaign, unit=unit, kind=kind)
    for uploaded_file in files:
        FilingFile.objects.create(filing=filing, file=uploaded_file, name=_name(uploaded_file, FilingFile),
                                  uploaded_by=actor)
    with translation.override(settings.LANGUAGE_CODE):
        names = {"unit": unit.name, "report": filing.get_kind_display(), "campaign": campaign.title}
        body = (_("%(unit)s filed its %(report)s (“%(campaign)s”).") if created
                else _("%(unit)s corrected its %(report)s (“%(campaign)s”).")) % names
        _tell_the_office(unit, _("%(report)s of %(unit)s") % names, body,
                         reverse("oversight:filing", args=[filing.pk]))
    return filing


@transaction.atomic
def results_save(*, actor, campaign: Campaign, unit: Unit, figures: dict[str, int]) -> WorkResults:
    """Record or correct ``unit``'s quantified work results (量化统计) while the campaign is open."""
    _require_open(actor, campaign, unit, BRIEFING_PHASES)
    unknown = set(figures) - {name for name, _group in WorkResults.FIGURES}
    if unknown:
        raise ValueError(f"not figures of the work results: {sorted(unknown)}")
    negative = {name: _("A count cannot be negative.") for name, value in figures.items() if value < 0}
    if negative:
        raise ValidationError(negative)

    def fill(results: WorkResults, created: bool) -> None:
        for name, value in figures.items():
            setattr(results, name, value)
        results.updated_by = actor

    results, _created = _save_once(WorkResults, actor, fill, campaign=campaign, unit=unit)
    return results


@transaction.atomic
def quotas_set(*, actor, campaign: Campaign, minimums: dict[tuple[str, str], int]) -> None:
    """Set how many information reports each kind of unit owes, by (level, kind); 0 removes the quota."""
    permissions.require(actor, Perm.MANAGE, campaign.scope_unit)
    for (level, kind), minimum in minimums.items():
        if minimum:
            BriefingQuota.objects.update_or_create(campaign=campaign, unit_level=level, unit_kind=kind,
                                                   defaults={"minimum": minimum})
        else:
            BriefingQuota.objects.filter(campaign=campaign, unit_level=level, unit_kind=kind).delete()


def _speakers(unit: Unit) -> set:
    """Who files for ``unit`` (orgs.permissions.speaks_for): its staff, or for a government its own office."""
    enterers = permissions.holders(Perm.ENTER, [unit])[unit]
    reviewers = permissions.holders(Perm.REVIEW, [unit, unit.parent]) if unit.parent else {unit: set()}
    return enterers | (reviewers[unit] - reviewers.get(unit.parent, set()))


@transaction.atomic
def chase(*, actor, campaign: Campaign, unit: Unit, missing: Sequence[str]) -> Chase:
    """催报: remind ``unit`` of what it has not handed in, under the bell and by e-mail, and log it. The office above
    the unit does this."""
    if unit.parent is None:
        raise ValidationError(_("The top unit is chased by nobody in this system."))
    permissions.require(actor, Perm.REVIEW, unit.parent)
    if not missing:
        raise ValidationError(_("%(unit)s has handed in everything.") % {"unit": unit.name})
    sent = Chase.objects.create(campaign=campaign, unit=unit, missing="\n".join(missing), sent_by=actor)
    with translation.override(settings.LANGUAGE_CODE):
        names = {"campaign": campaign.title, "unit": unit.name, "missing": "、".join(missing)}
        notify(users=_speakers(unit), title=_("The office asks %(unit)s to report") % names,
               body=_("For “%(campaign)s”, %(unit)s has not yet handed in: %(missing)s. Please do so as soon as "
                      "possible.") % names,
               link=reverse("oversight:work", args=[campaign.slug]))
    return sent


@transaction.atomic
def bulletin_issue(*, actor, campaign: Campaign, issuer: Unit, briefings: Sequence[Briefing], title: str, day: date,
                   send_to: str = "", copy_to: str = "") -> Bulletin:
    """Issue the next numbered bulletin (工作简报) of ``issuer``'s office from ``briefings``, in their order, and tell
    the units whose reports it adopts."""
    permissions.require(actor, Perm.REVIEW, issuer)
    permissions.require_speaks_for(actor, issuer)
    chosen = list(dict.fromkeys(briefings))
    if not chosen:
        raise ValidationError({"briefings": _("Choose the information reports the bulletin carries.")})
    outside = [b.title for b in chosen if b.campaign_id != campaign.pk or not b.unit.path.startswith(issuer.path)]
    if outside:
        raise ValidationError({"briefings": _("Not reports of this campaign beneath %(unit)s: %(titles)s") % {
            "unit": issuer.name, "titles": "、".join(outside)}})
    # Numbers follow one another per government and year: two offices issuing at once wait for each other here.
    Unit.objects.select_for_update().only("pk").get(pk=issuer.pk)
    last = Bulletin.objects.filter(issuer=issuer, year=day.year).order_by("-number").values_list("number", flat=True)
    bulletin = Bulletin.objects.create(
        issuer=issuer, campaign=campaign, year=day.year, number=(last.first() or 0) + 1, title=title.strip(), day=day,
        send_to=send_to.strip(), copy_to=copy_to.strip(), issued_by=actor,
    )
    BulletinItem.objects.bulk_create(
        BulletinItem(bulletin=bulletin, briefing=briefing, order=index) for index, briefing in enumerate(chosen, 1)
    )
    with translation.override(settings.LANGUAGE_CODE):
        for briefing in chosen:
            names = {"title": briefing.title, "bulletin": str(bulletin)}
            notify(users=_speakers(briefing.unit), title=_("Your report is in %(bulletin)s") % names,
                   body=_("“%(title)s” has been adopted in %(bulletin)s.") % names,
                   link=reverse("oversight:briefing", args=[briefing.pk]))
    return bulletin


# Supervision (督导检查) ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionPlan:
    text: str
    deadline: date


@transaction.atomic
def inspecting_units_set(*, actor, campaign: Campaign, units: Sequence[Unit]) -> None:
    """Name the units that inspect in ``campaign`` beside the offices (such as 区综治办); the others lose it."""
    permissions.require(actor, Perm.MANAGE, campaign.scope_unit)
    if outside := [u.name for u in units if not u.path.startswith(campaign.scope_unit.path) or u.parent is None]:
        raise ValidationError(_("These units are not part of the campaign: %(units)s") % {"units": "、".join(outside)})
    before = set(selectors.inspecting_units(campaign))
    InspectingUnit.objects.filter(campaign=campaign).exclude(unit__in=units).delete()
    InspectingUnit.objects.bulk_create([InspectingUnit(campaign=campaign, unit=u) for u in units],
                                       ignore_conflicts=True)
    # Those who file for each unit named or no longer named are told: the named ones have visits to make.
    link = reverse("oversight:inspections", args=[campaign.slug])
    with translation.override(settings.LANGUAGE_CODE):
        for unit in set(units) - before:
            names = {"unit": unit.name, "campaign": campaign.title}
            notify(users=_speakers(unit), title=_("%(unit)s inspects in %(campaign)s") % names,
                   body=_("%(unit)s has been named to inspect (督导检查) the units of its government in %(campaign)s. "
                          "Record each visit and the actions it requires on the inspections page.") % names, link=link)
        for unit in before - set(units):
            names = {"unit": unit.name, "campaign": campaign.title}
            notify(users=_speakers(unit), title=_("%(unit)s no longer inspects in %(campaign)s") % names,
                   body=_("%(unit)s is no longer named to inspect in %(campaign)s.") % names)


def _inspector(actor, campaign: Campaign, unit: Unit) -> Unit | None:
    """Who records a visit to ``unit``: the office above it (None), or else a unit the campaign names that ``actor``
    speaks for."""
    if unit.parent is None:
        raise ValidationError(_("The top unit is inspected by nobody in this system."))
    if permissions.has(actor, Perm.REVIEW, unit.parent):
        return None
    named = selectors.named_inspector(actor, campaign, unit)
    if named is None:
        permissions.require(actor, Perm.REVIEW, unit.parent)
    return named


def _tell_the_inspectors(inspection: Inspection, title: str, body: str, link: str) -> int:
    """The office above the unit, and the named unit that made the visit, if one did."""
    users = _office_above(inspection.unit)
    if inspection.inspecting_unit is not None:
        users |= _speakers(inspection.inspecting_unit)
    return len(notify(users=users, title=title, body=body, link=link))


@transaction.atomic
def inspection_record(*, actor, campaign: Campaign, unit: Unit, day: date, inspectors: str, findings: str,
                      score: Decimal | None = None, actions: Sequence[ActionPlan] = ()) -> Inspection:
    """Record a visit to ``unit`` with what it found and the actions it requires; the unit is told."""
    inspecting_unit = _inspector(actor, campaign, unit)
    if not unit.path.startswith(campaign.scope_unit.path):
        raise ValidationError({"unit": _("This unit is not part of the campaign.")})
    if day > locks.today_local():
        raise ValidationError({"day": _("A visit cannot be dated after today.")})
    if score is not None and not Decimal("0") <= score <= Decimal("100"):
        raise ValidationError({"score": _("A score lies between 0 and 100.")})
    inspection = Inspection.objects.create(campaign=campaign, unit=unit, day=day, inspectors=inspectors.strip(),
                                           findings=findings.strip(), score=score, recorded_by=actor,
                                           inspecting_unit=inspecting_unit)
    InspectionAction.objects.bulk_create(
        InspectionAction(inspection=inspection, text=plan.text.strip(), deadline=plan.deadline) for plan in actions
    )
    with translation.override(settings.LANGUAGE_CODE):
        names = {"unit": unit.name, "day": date_format(day), "n": len(actions),
                 "inspector": (inspecting_unit or unit.parent).name}
        notify(users=_speakers(unit), title=_("Inspection of %(unit)s on %(day)s") % names,
               body=_("%(inspector)s recorded its inspection of %(unit)s on %(day)s; it requires %(n)d actions. "
                      "Answer each on the inspection's page.") % names,
               link=reverse("oversight:inspection", args=[inspection.pk]))
    return inspection


def _locked_action(action: InspectionAction) -> InspectionAction:
    # Locks the action alone: the inspecting unit, which may be empty, sits on the nullable side of a join.
    return (InspectionAction.objects.select_for_update(of=("self",))
            .select_related("inspection__unit", "inspection__inspecting_unit").get(pk=action.pk))


@transaction.atomic
def action_answer(*, actor, action: InspectionAction, answer: str) -> InspectionAction:
    """The inspected unit says what it did; the office above is told."""
    action = _locked_action(action)
    unit = action.inspection.unit
    permissions.require_speaks_for(actor, unit)
    if action.closed_at:
        raise ValidationError(_("The office has closed this action."))
    if not answer.strip():
        raise ValidationError({"answer": _("Say what the unit has done.")})
    action.answer, action.answered_by, action.answered_at = answer.strip(), actor, timezone.now()
    action.save(update_fields=["answer", "answered_by", "answered_at"])
    with translation.override(settings.LANGUAGE_CODE):
        names = {"unit": unit.name, "action": action.text}
        _tell_the_inspectors(action.inspection, _("%(unit)s answered an inspection action") % names,
                             _("%(unit)s answered “%(action)s”.") % names,
                             reverse("oversight:inspection", args=[action.inspection_id]))
    return action


@transaction.atomic
def action_close(*, actor, action: InspectionAction) -> InspectionAction:
    """The office accepts the answer and closes the action; the unit is told."""
    action = _locked_action(action)
    unit = action.inspection.unit
    if not selectors.may_close(actor, action.inspection):
        raise PermissionDenied(_("Actions are closed by the office above %(unit)s or by the unit that made the "
                                 "visit.") % {"unit": unit.name})
    if action.closed_at:
        raise ValidationError(_("This action is already closed."))
    action.closed_by, action.closed_at = actor, timezone.now()
    action.save(update_fields=["closed_by", "closed_at"])
    with translation.override(settings.LANGUAGE_CODE):
        names = {"action": action.text}
        notify(users=_speakers(unit), title=_("Inspection action closed"),
               body=_("The office closed “%(action)s”.") % names,
               link=reverse("oversight:inspection", args=[action.inspection_id]))
    return action


def send_overdue_action_notices(*, on: date) -> int:
    """Tell each unit, and the office above it, of every action past its deadline and not closed, once a day. Each
    action is marked in the transaction that notifies, so that a second run the same day sends nothing."""
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        pending = InspectionAction.objects.overdue(on).exclude(overdue_told_on=on).values_list("pk", flat=True)
        for pk in list(pending):
            with transaction.atomic():
                action = (InspectionAction.objects.select_for_update(skip_locked=True, of=("self",)).overdue(on)
                          .exclude(overdue_told_on=on)
                          .select_related("inspection__unit", "inspection__inspecting_unit").filter(pk=pk).first())
                if action is None:
                    continue
                unit = action.inspection.unit
                names = {"unit": unit.name, "action": action.text, "deadline": date_format(action.deadline)}
                link = reverse("oversight:inspection", args=[action.inspection_id])
                sent += len(notify(users=_speakers(unit), title=_("Inspection action overdue: %(action)s") % names,
                                   body=_("“%(action)s” was due on %(deadline)s.") % names, link=link))
                sent += _tell_the_inspectors(
                    action.inspection, _("Inspection action of %(unit)s overdue") % names,
                    _("%(unit)s has not finished “%(action)s”, due on %(deadline)s.") % names, link)
                action.overdue_told_on = on
                action.save(update_fields=["overdue_told_on"])
    return sent
