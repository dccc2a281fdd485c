"""Who is told what when the office decides on a unit's clue or submission: the users of the unit concerned, under the
bell and by e-mail (orgs.services.notify), with a link to the page where they act next.

The staff of a unit are those who may enter its data (a township's staff for its villages too). A government approved
upward (a county) acts through its own office: the users who review it without reviewing the unit above it.

The texts are stored and read by others than the one who acted, so they are written in the site's language, whatever
language the office works in.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ledger.models import Clue
from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm
from orgs.services import notify
from screening.models import Campaign


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
