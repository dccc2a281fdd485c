"""Writes of public tips. Filing one takes no user: the public page passes the requester's network address, which is
counted (as a keyed hash) against the day's limit. Every handling write takes the acting user: the county's own
office (its REVIEW granted on the county itself, ``orgs.permissions.granted_on``) registers, verifies, assigns, turns
the tip into a clue, closes it and decides the reward; the staff of the unit it is assigned to record their finding.
Each write is atomic and leaves a TipEvent (who, when, what); the other side is told."""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from ledger import services as ledger_services
from ledger.services import ClueData, EntityData
from orgs import permissions, uploads
from orgs.models import Unit
from orgs.permissions import ACT_ON_TASKS, Perm
from orgs.services import notify
from screening import locks
from screening.models import Campaign, Term

from . import selectors
from .models import IdentityView, PublicCounter, Tip, TipEvent, TipFile

# Letters and digits that cannot be mistaken for one another when read aloud or copied by hand.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
SECRET_LENGTH = 16  # 80 bits: with the look-up limit, not found by trying
SOURCE_TERM = "群众举报"


class RateLimited(Exception):
    """Too many tips or look-ups from one address today; ``message`` says so in the interface language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class TipData:
    county: Unit
    what: str
    place: str
    entity_name: str
    credit_code: str = ""
    amount: Decimal | None = None
    people: int | None = None
    reporter_name: str = ""
    reporter_phone: str = ""


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _address_key(address: str) -> str:
    # Keyed with SECRET_KEY: the stored value names no address, and cannot be reversed by hashing every address.
    return salted_hmac("tips.public-address", address or "-").hexdigest()


def _spend(kind: str, address: str, limit: int, refusal: str) -> None:
    """Count one use by ``address`` today, or refuse once it made ``limit`` of them. The day's row is locked, so two
    requests at once count one after the other."""
    today = locks.today_local()
    key = _address_key(address)
    PublicCounter.objects.filter(kind=kind, day__lt=today - timedelta(days=1)).delete()
    PublicCounter.objects.get_or_create(kind=kind, address_key=key, day=today)
    counter = PublicCounter.objects.select_for_update().get(kind=kind, address_key=key, day=today)
    if counter.count >= limit:
        raise RateLimited(refusal)
    counter.count += 1
    counter.save(update_fields=["count"])


def _check_files(files) -> None:
    for uploaded_file in files:
        try:
            uploads.check_upload(uploaded_file)
        except ValidationError as error:
            raise ValidationError({"files": error.message_dict["file"]}) from error


def _tell(users, title: str, body: str, tip: Tip) -> None:
    notify(users=users, title=title, body=body, link=reverse("tips:detail", args=[tip.pk]))


def _office_of(tip: Tip) -> set:
    return permissions.holders_on(Perm.REVIEW, tip.county)


@transaction.atomic
def tip_file(*, address: str, data: TipData, files=()) -> tuple[Tip, str]:
    """File a tip from the public page: (the tip, its secret). Only a hash of the secret is kept, so the page shows
    it once. Refused (RateLimited) when the address already filed the day's number of tips."""
    if not selectors.counties_taking_tips().filter(pk=data.county.pk).exists():
        raise ValidationError({"county": _("Choose a county or district from the list.")})
    _check_files(files)
    _spend(PublicCounter.Kind.FILE, address, settings.TIPS_PER_ADDRESS_PER_DAY, _(
        "This network address has filed %(n)d tips today, as many as a day allows. Nothing was saved; you can "
        "file again tomorrow, or call the office's hotline.") % {"n": settings.TIPS_PER_ADDRESS_PER_DAY})
    secret = _random(SECRET_LENGTH)
    fields = {name: (value.strip() if isinstance(value, str) else value) for name, value in vars(data).items()}
    while True:
        try:
            with transaction.atomic():
                tip = Tip.objects.create(tracking_code=_random(CODE_LENGTH), secret_hash=make_password(secret),
                                         **fields)
            break
        except IntegrityError:  # the one-in-a-trillion tracking code taken already: draw another
            continue
    name_length = TipFile._meta.get_field("name").max_length
    for uploaded_file in files:
        TipFile.objects.create(tip=tip, file=uploaded_file, name=uploaded_file.name[:name_length])
    with translation.override(settings.LANGUAGE_CODE):
        _tell(_office_of(tip), _("New public tip %(number)d") % {"number": tip.pk},
              _("A tip about %(entity)s has come in for %(county)s: register it (受理登记).")
              % {"entity": tip.entity_name, "county": tip.county.name}, tip)
    return tip, secret


def tip_status(*, address: str, tracking_code: str, secret: str) -> str | None:
    """The status a reporter may read with the code and the secret, or None when they do not match a tip. Each try is
    counted against the address's look-ups of the day (RateLimited beyond)."""
    with transaction.atomic():
        _spend(PublicCounter.Kind.LOOKUP, address, settings.TIP_LOOKUPS_PER_ADDRESS_PER_DAY, _(
            "This network address has looked up %(n)d times today, as many as a day allows. Try again "
            "tomorrow.") % {"n": settings.TIP_LOOKUPS_PER_ADDRESS_PER_DAY})
    tip = Tip.objects.filter(tracking_code=tracking_code.strip().upper()).only("status", "secret_hash").first()
    if tip is None:
        make_password(secret)  # as long as a real check, so that timing tells nothing
        return None
    return str(tip.get_status_display()) if check_password(secret.strip(), tip.secret_hash) else None


# Handling -------------------------------------------------------------------------------------------------------------


def _require_handler(actor, tip: Tip) -> None:
    if not permissions.granted_on(actor, Perm.REVIEW, tip.county):
        raise PermissionDenied(_("Only the office of %(county)s handles this tip.") % {"county": tip.county.name})


def _locked(tip: Tip) -> Tip:
    return Tip.objects.select_for_update(of=("self",)).select_related("county", "assigned_unit").get(pk=tip.pk)


def _event(tip: Tip, kind: str, actor, text: str = "") -> TipEvent:
    return TipEvent.objects.create(tip=tip, kind=kind, actor=actor, text=text)


def _require_open(tip: Tip) -> None:
    if tip.registered_at is None:
        raise ValidationError(_("Register the tip first (受理登记)."))
    if tip.outcome:
        raise ValidationError(_("This tip has been handled already."))


@transaction.atomic
def tip_register(*, actor, tip: Tip) -> Tip:
    """受理登记: the office takes the tip on."""
    _require_handler(actor, tip)
    tip = _locked(tip)
    if tip.registered_at is not None:
        raise ValidationError(_("This tip has been registered already."))
    tip.registered_at, tip.registered_by = timezone.now(), actor
    tip.save(update_fields=["registered_at", "registered_by"])
    _event(tip, TipEvent.Kind.REGISTERED, actor)
    return tip


@transaction.atomic
def tip_verify(*, actor, tip: Tip, text: str) -> Tip:
    """核查: the office notes what its verification found; the tip is under verification."""
    _require_handler(actor, tip)
    tip = _locked(tip)
    _require_open(tip)
    if not text.strip():
        raise ValidationError({"text": _("Write what the verification found.")})
    tip.status = Tip.Status.VERIFYING
    tip.save(update_fields=["status"])
    _event(tip, TipEvent.Kind.VERIFIED, actor, text.strip())
    return tip


@transaction.atomic
def tip_assign(*, actor, tip: Tip, unit: Unit, text: str = "") -> Tip:
    """Hand the tip to a unit of the county to verify; its staff are told and see it without the reporter."""
    _require_handler(actor, tip)
    tip = _locked(tip)
    _require_open(tip)
    if not selectors.assignable_units(tip.county).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("Choose a unit of %(county)s.") % {"county": tip.county.name}})
    tip.assigned_unit, tip.status = unit, Tip.Status.VERIFYING
    tip.save(update_fields=["assigned_unit", "status"])
    _event(tip, TipEvent.Kind.ASSIGNED, actor, f"{unit.name}: {text.strip()}" if text.strip() else unit.name)
    with translation.override(settings.LANGUAGE_CODE):
        _tell(permissions.holders(ACT_ON_TASKS, [unit])[unit], _("Public tip %(number)d to verify") % {"number": tip.pk},
              _("%(county)s's office asks %(unit)s to verify the tip about %(entity)s and record what it found.")
              % {"county": tip.county.name, "unit": unit.name, "entity": tip.entity_name}, tip)
    return tip


@transaction.atomic
def tip_finding(*, actor, tip: Tip, text: str) -> Tip:
    """The unit the tip was assigned to records what its verification found; the office is told."""
    tip = _locked(tip)
    if tip.assigned_unit is None or not permissions.has(actor, ACT_ON_TASKS, tip.assigned_unit):
        raise PermissionDenied(_("Only the unit the tip was assigned to records its finding."))
    if tip.outcome:
        raise ValidationError(_("This tip has been handled already."))
    if not text.strip():
        raise ValidationError({"text": _("Write what the verification found.")})
    tip.finding = text.strip()
    tip.save(update_fields=["finding"])
    _event(tip, TipEvent.Kind.FINDING, actor, tip.finding)
    with translation.override(settings.LANGUAGE_CODE):
        _tell(_office_of(tip), _("Finding on public tip %(number)d") % {"number": tip.pk},
              _("%(unit)s recorded what its verification of the tip about %(entity)s found.")
              % {"unit": tip.assigned_unit.name, "entity": tip.entity_name}, tip)
    return tip


@transaction.atomic
def tip_convert(*, actor, tip: Tip, campaign: Campaign, unit: Unit, sector: Term, amount: Decimal,
                people: int) -> Tip:
    """Turn the tip into a clue of ``unit`` through the ledger (source 群众举报), handed to the office's review queue;
    the tip and the clue point at each other."""
    _require_handler(actor, tip)
    tip = _locked(tip)
    _require_open(tip)
    if not unit.path.startswith(tip.county.path):
        raise ValidationError({"unit": _("Choose a unit of %(county)s.") % {"county": tip.county.name}})
    source = Term.objects.filter(campaign=campaign, vocabulary=Term.Vocabulary.METHOD, name=SOURCE_TERM).first()
    description = "\n\n".join(part for part in (tip.what, tip.place, tip.finding) if part)
    try:
        clue = ledger_services.clue_record_for_office(actor=actor, campaign=campaign, unit=unit, data=ClueData(
            entity=EntityData(name=tip.entity_name, credit_code=tip.credit_code, confirm_code_warning=True),
            sector=sector, amount_involved=amount, people_involved=people, source=source,
            description=_("From public tip %(number)d.") % {"number": tip.pk} + "\n" + description))
    except locks.EntryClosed as closed:
        raise ValidationError({"campaign": closed.reason}) from closed
    tip.clue, tip.outcome, tip.status = clue, Tip.Outcome.CLUE, Tip.Status.HANDLED
    tip.save(update_fields=["clue", "outcome", "status"])
    _event(tip, TipEvent.Kind.CONVERTED, actor, f"{campaign.title} · {unit.name}")
    return tip


@transaction.atomic
def tip_close(*, actor, tip: Tip, reason: str) -> Tip:
    """Close the tip without a clue, saying why."""
    _require_handler(actor, tip)
    tip = _locked(tip)
    _require_open(tip)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the tip is closed.")})
    tip.closed_reason, tip.outcome, tip.status = reason.strip(), Tip.Outcome.CLOSED, Tip.Status.HANDLED
    tip.save(update_fields=["closed_reason", "outcome", "status"])
    _event(tip, TipEvent.Kind.CLOSED, actor, tip.closed_reason)
    return tip


@transaction.atomic
def tip_reward(*, actor, tip: Tip, amount: Decimal, on: date, paid: bool) -> Tip:
    """Record (or correct) the reward decision of a handled tip; once paid, the reporter reads 已奖励."""
    _require_handler(actor, tip)
    tip = _locked(tip)
    if not tip.outcome:
        raise ValidationError(_("A reward is decided once the tip has been handled."))
    if amount < 0:
        raise ValidationError({"amount": _("A reward cannot be negative.")})
    if on > locks.today_local():
        raise ValidationError({"on": _("The decision cannot be dated after today.")})
    tip.reward_amount, tip.reward_on, tip.reward_paid = amount.quantize(Decimal("0.01")), on, paid
    tip.status = Tip.Status.REWARDED if paid else Tip.Status.HANDLED
    tip.save(update_fields=["reward_amount", "reward_on", "reward_paid", "status"])
    paid_text = _("paid") if paid else _("not paid yet")
    _event(tip, TipEvent.Kind.REWARD, actor, f"{tip.reward_amount} · {on.isoformat()} · {paid_text}")
    return tip


@transaction.atomic
def identity_read(*, actor, tip: Tip) -> Tip:
    """The handling office reads the reporter's identity and contact; the reading is logged (who, when)."""
    _require_handler(actor, tip)
    IdentityView.objects.create(tip=tip, viewer=actor)
    return tip
