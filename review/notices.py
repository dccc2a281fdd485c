"""Who is told what when the office decides on a unit's clue or submission, or a disposal task moves on: the users of
the unit concerned, under the bell and by e-mail (orgs.services.notify), with a link to the page where they act next.

The staff of a unit are those who may enter its data (a township's staff for its villages too). A government approved
upward (a county) acts through its own office: the users who review it without reviewing the unit above it.

The texts are stored and read by others than the one who acted, so they are written in the site's language, whatever
language the office works in.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ledger.models import Clue
from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm
from orgs.services import notify
from screening.models import Campaign

from .models import Disposal, DisposalFile, ProgressNote


def _staff(unit: Unit) -> set:
    return permissions.holders(Perm.ENTER, [unit])[unit]


def _own_office(unit: Unit) -> set:
    reviewers = permissions.holders(Perm.REVIEW, [unit, unit.parent])
    return reviewers[unit] - reviewers[unit.parent]


def _clue_names(clue: Clue) -> dict[str, str]:
    return {"entity": clue.entity.name, "unit": clue.unit.name, "campaign": clue.campaign.title}


def clue_returned(clue: Clue, reason: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        names = _clue_names(clue) | {"reason": reason}
        notify(
            users=_staff(clue.unit),
            title=_("Clue returned: %(entity)s") % names,
            body=_("The office returned the clue of %(unit)s on %(entity)s (“%(campaign)s”). Reason: %(reason)s\n"
                   "Please correct it and submit it again.") % names,
            link=reverse("ledger:clue_detail", args=[clue.pk]),
        )


def clue_accepted(clue: Clue) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        names = _clue_names(clue)
        notify(
            users=_staff(clue.unit),
            title=_("Clue accepted: %(entity)s") % names,
            body=_("The office accepted the clue of %(unit)s on %(entity)s (“%(campaign)s”).") % names,
            link=reverse("ledger:clue_detail", args=[clue.pk]),
        )


def clue_transferred(clue: Clue, from_unit: Unit, reason: str) -> None:
    """The offices above both units, the staff who now hold the clue, and the staff who no longer see it."""
    with translation.override(settings.LANGUAGE_CODE):
        names = {"from": from_unit.name, "entity": clue.entity.name, "to": clue.unit.name, "reason": reason}
        title = _("Clue transferred: %(entity)s") % names
        body = _("%(from)s handed the clue on %(entity)s to %(to)s. %(reason)s") % names
        offices = permissions.holders(Perm.REVIEW, [from_unit, clue.unit])
        for users, link in (
            (offices[from_unit] | offices[clue.unit], reverse("review:clue", args=[clue.pk])),
            (_staff(clue.unit), reverse("ledger:clue_detail", args=[clue.pk])),
            (_staff(from_unit), reverse("ledger:clue_list", args=[clue.campaign.slug])),
        ):
            notify(users=users, title=title, body=body, link=link)


def _submission_notify(campaign: Campaign, unit: Unit, title: str, body: str) -> None:
    notify(users=_staff(unit), title=title, body=body, link=reverse("review:declare", args=[campaign.slug]))
    notify(users=_own_office(unit), title=title, body=body, link=reverse("review:approvals", args=[campaign.slug]))


def submission_approved(campaign: Campaign, unit: Unit) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        names = {"unit": unit.name, "campaign": campaign.title}
        _submission_notify(
            campaign, unit,
            title=_("Data approved: %(unit)s") % names,
            body=_("The office above approved the data of %(unit)s in “%(campaign)s”. Entry is now closed for the unit "
                   "and the units beneath it.") % names,
        )


def submission_returned(campaign: Campaign, unit: Unit, reason: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        names = {"unit": unit.name, "campaign": campaign.title, "reason": reason}
        _submission_notify(
            campaign, unit,
            title=_("Data sent back: %(unit)s") % names,
            body=_("The office above sent back the data of %(unit)s in “%(campaign)s”. Reason: %(reason)s\n"
                   "Please correct it and declare it complete again.") % names,
        )


# The responsible unit's disposal task ------------------------------------------------------------------------------


def task_terms(disposal: Disposal) -> tuple:
    """What the responsible unit works to: a change of any of it is news to the unit, a change of the refund or the
    handling result (the office's own bookkeeping) is not."""
    return (
        disposal.responsible_unit_id, disposal.track, disposal.stage, disposal.deadline, disposal.instructions,
        frozenset(disposal.measures.values_list("pk", flat=True)),
    )


def disposal_planned(actor, disposal: Disposal, before: tuple | None) -> None:
    """A new task for the responsible unit, a task taken from a unit, or a task whose terms changed (``before``: the
    terms as they were, None for a new plan): each unit concerned hears of it."""
    unit = disposal.responsible_unit
    with translation.override(settings.LANGUAGE_CODE):
        names = {"entity": disposal.clue.entity.name, "unit": unit.name, "terms": _terms_in_words(disposal)}
        if before is None or before[0] != unit.pk:
            _tell_responsible_unit(actor, disposal, unit,
                                   title=_("New disposal task: %(entity)s") % names,
                                   body=_("%(unit)s is responsible for the disposal of %(entity)s. %(terms)s") % names)
            if before is not None:
                _tell_responsible_unit(actor, disposal, Unit.objects.get(pk=before[0]),
                                       title=_("Disposal task handed on: %(entity)s") % names,
                                       body=_("The disposal of %(entity)s is now the task of %(unit)s.") % names,
                                       link=reverse("review:tasks"))
        elif before != task_terms(disposal):
            _tell_responsible_unit(actor, disposal, unit,
                                   title=_("Disposal task changed: %(entity)s") % names,
                                   body=_("The office changed the disposal task on %(entity)s. %(terms)s") % names)


def office_noted(actor, disposal: Disposal, note: ProgressNote) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _tell_responsible_unit(actor, disposal, disposal.responsible_unit,
                               title=_("Note from the office: %(entity)s") % {"entity": disposal.clue.entity.name},
                               body=note.text)


def task_progress_noted(actor, disposal: Disposal, note: ProgressNote) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        names = _task_names(disposal, on=date_format(note.on), text=note.text)
        _tell_office(actor, disposal, title=_("Disposal progress: %(entity)s") % names,
                     body=_("%(unit)s noted on %(on)s: %(text)s") % names)


def task_stage_reported(actor, disposal: Disposal, note: ProgressNote) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        names = _task_names(disposal, stage=disposal.get_stage_display(), text=note.text)
        _tell_office(actor, disposal, title=_("Disposal stage reported: %(entity)s") % names,
                     body=_("%(unit)s reports the disposal of %(entity)s as %(stage)s: %(text)s") % names)


def task_file_added(actor, disposal: Disposal, added: DisposalFile) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        names = _task_names(disposal, name=added.name)
        _tell_office(actor, disposal, title=_("Disposal file added: %(entity)s") % names,
                     body=_("%(unit)s added %(name)s to the disposal of %(entity)s.") % names)


def _task_names(disposal: Disposal, **more) -> dict:
    return {"entity": disposal.clue.entity.name, "unit": disposal.responsible_unit.name, **more}


def _terms_in_words(disposal: Disposal) -> str:
    measures = "、".join(term.name for term in disposal.measures.all()) or "—"
    deadline = date_format(disposal.deadline) if disposal.deadline else _("not set")
    terms = _("Track: %(track)s; measures: %(measures)s; deadline: %(deadline)s; stage: %(stage)s.") % {
        "track": disposal.get_track_display(), "measures": measures, "deadline": deadline,
        "stage": disposal.get_stage_display(),
    }
    return f"{terms}\n{disposal.instructions}" if disposal.instructions else terms


def _tell_responsible_unit(actor, disposal: Disposal, unit: Unit, *, title: str, body: str, link: str = "") -> None:
    staff = permissions.holders(permissions.ACT_ON_TASKS, [unit])[unit]
    notify(users=staff - {actor}, title=title, body=body, link=link or reverse("review:task", args=[disposal.pk]))


def _tell_office(actor, disposal: Disposal, *, title: str, body: str) -> None:
    """The office of the clue's unit (the one directly above it) hears of what the responsible unit did."""
    clue = disposal.clue
    office = permissions.nearest_holders(Perm.REVIEW, [clue.unit])[clue.unit]
    notify(users=office - {actor}, title=title, body=body, link=reverse("review:clue", args=[clue.pk]) + "#progress")


# Across counties ----------------------------------------------------------------------------------------------------


def _county_office(county: Unit) -> set:
    return permissions.holders_on(Perm.REVIEW, county)


def county_notified(notice) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        names = {"from": notice.from_county.name, "entity": notice.entity_name}
        notify(users=_county_office(notice.to_county),
               title=_("Notice from %(from)s: %(entity)s") % names,
               body=_("%(from)s notifies you of a risk clue on %(entity)s, registered or operating in your county. "
                      "Please acknowledge it and decide whether to open a clue of your own.") % names,
               link=reverse("review:notice", args=[notice.pk]))


def _tell_sender(notice, title: str, body: str) -> None:
    notify(users=_county_office(notice.from_county), title=title, body=body,
           link=reverse("review:clue", args=[notice.clue_id]) + "#notices")


def county_notice_acknowledged(notice) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        names = {"to": notice.to_county.name, "entity": notice.entity_name}
        _tell_sender(notice, _("Notice acknowledged: %(entity)s") % names,
                     _("%(to)s acknowledged your notice of the clue on %(entity)s.") % names)


def county_notice_clue_opened(notice) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        names = {"to": notice.to_county.name, "entity": notice.entity_name}
        _tell_sender(notice, _("Clue opened from your notice: %(entity)s") % names,
                     _("%(to)s opened a clue of its own on %(entity)s from your notice.") % names)


def case_counties_named(case, named, left) -> None:
    """Each county named (or named to another part) hears of its part; each county taken off the case hears of it."""
    with translation.override(settings.LANGUAGE_CODE):
        for part in named:
            names = {"case": case.title, "city": case.city.name, "county": part.county.name,
                     "role": part.get_role_display()}
            notify(users=_county_office(part.county), title=_("Joint case: %(case)s") % names,
                   body=_("%(city)s named %(county)s %(role)s of the joint case “%(case)s”.") % names,
                   link=reverse("review:case", args=[case.pk]))
        for county in left:
            names = {"case": case.title, "county": county.name}
            notify(users=_county_office(county), title=_("No longer part of the joint case: %(case)s") % names,
                   body=_("%(county)s is no longer named in the joint case “%(case)s”.") % names,
                   link=reverse("review:cases"))
