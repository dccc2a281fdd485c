"""Writes to the credit records (seed 004: 对非法集资主体（包括法人、实际控制人、代理人、中间人等）建立…信用记录; seed 002:
失信"黑名单"): the people behind an entity, and the watch list, which an entity or a person goes on with a reason and a
date and leaves with a reason; and the office told of a new hit when a unit records an entity the list touches.

Like ledger.services, each function takes the acting user, checks its permission through orgs.permissions, runs in a
transaction and keeps history (django-simple-history on every row; nothing is deleted).
"""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm
from orgs.services import notify
from screening.locks import today_local

from . import hits, idnumbers, validators
from .models import Clue, Entity, EntityPerson, Person, ScreeningRecord, WatchEntry

# The measures of a disposal that penalise (处置措施 of seeds 000 and 001): the entity then goes on the watch list.
PENALTY_MEASURES = ("行政处罚", "刑事打击")


def units_of(entity: Entity):
    """The units that recorded the entity (a screening record, which every clue has)."""
    return Unit.objects.filter(pk__in=ScreeningRecord.objects.filter(entity=entity).values("unit"))


def _holds_on_entity(actor, entity: Entity, *perms: Perm) -> bool:
    return any(permissions.units(actor, perm).filter(pk__in=units_of(entity).values("pk")).exists() for perm in perms)


# People --------------------------------------------------------------------------------------------------------------


@transaction.atomic
def person_add(*, actor, entity: Entity, name: str, role: str, id_number: str = "") -> EntityPerson:
    """Name a person behind the entity in a role: those who enter data for a unit that recorded the entity, or the
    office above it. A person with an ID number is found again under any entity (the keyed hash); the name given
    first is kept."""
    if not _holds_on_entity(actor, entity, Perm.ENTER, Perm.REVIEW):
        raise PermissionDenied(_("You do not record this entity."))
    errors = {}
    name = validators.normalise_name(name)
    if not name:
        errors["name"] = _("Give the person's name.")
    if role not in EntityPerson.Role.values:
        errors["role"] = _("Choose a role.")
    number = validators.normalise_id_number(id_number)
    if number:
        try:
            validators.validate_id_number(number)
        except ValidationError as error:
            errors["id_number"] = error
    if errors:
        raise ValidationError(errors)
    person = _person_for(actor, name, number)
    if EntityPerson.objects.filter(entity=entity, person=person, role=role).exists():
        raise ValidationError(_("%(person)s is already %(role)s of this entity.")
                              % {"person": person.name, "role": EntityPerson.Role(role).label})
    link = EntityPerson(entity=entity, person=person, role=role, added_by=actor)
    link._history_user = actor
    link.save()
    return link


def _person_for(actor, name: str, number: str) -> Person:
    def new() -> Person:
        person = Person(name=name)
        if number:
            person.id_number_encrypted = idnumbers.encrypt(number)
            person.id_number_hash = idnumbers.keyed_hash(number)
            person.id_number_masked = idnumbers.masked(number)
        person._history_user = actor
        person.save()
        return person

    if not number:
        return new()
    keyed = idnumbers.keyed_hash(number)
    known = Person.objects.filter(id_number_hash=keyed).first()
    if known:
        return known
    try:
        with transaction.atomic():  # another request may be adding the same person: the unique hash decides
            return new()
    except IntegrityError:
        return Person.objects.get(id_number_hash=keyed)


def id_number_of(person: Person) -> str:
    """The whole number, for the office covering the entity (checked by the caller's selector)."""
    return idnumbers.decrypt(person.id_number_encrypted)


# The watch list ------------------------------------------------------------------------------------------------------


def _check_listing(reason: str, listed_on: date) -> None:
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Say why it goes on the watch list.")
    if listed_on > today_local():
        errors["listed_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def _list(actor, *, unit: Unit, source: str, reason: str, listed_on: date, entity: Entity | None = None,
          person: Person | None = None, clue: Clue | None = None) -> WatchEntry | None:
    """A new open entry, or None when the entity or person is on the list already (the database's constraint decides
    between two requests listing it at once)."""
    entry = WatchEntry(entity=entity, person=person, unit=unit, source=source, reason=reason.strip()[:300],
                       listed_on=listed_on, clue=clue, listed_by=actor)
    entry._history_user = actor
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        return None
    return entry


@transaction.atomic
def watch_list_add(*, actor, unit: Unit, reason: str, entity: Entity | None = None, person: Person | None = None,
                   listed_on: date | None = None) -> WatchEntry:
    """The office puts an entity or a person on the watch list by hand. ``unit``: a unit the office reviews that
    recorded the entity (or an entity of the person)."""
    permissions.require(actor, Perm.REVIEW, unit)
    listed_on = listed_on or today_local()
    _check_listing(reason, listed_on)
    entry = _list(actor, unit=unit, source=WatchEntry.Source.OFFICE, reason=reason, listed_on=listed_on,
                  entity=entity, person=person)
    if entry is None:
        raise ValidationError(_("%(name)s is on the watch list already.") % {"name": (entity or person).name})
    return entry


def listing_source(track: str, measure_names: Iterable[str]) -> str | None:
    """Whether a disposal puts its entity on the watch list: investigated (立案查处) or penalised."""
    if track == "investigate":
        return WatchEntry.Source.INVESTIGATED
    if set(measure_names) & set(PENALTY_MEASURES):
        return WatchEntry.Source.PENALISED
    return None


@transaction.atomic
def watch_list_for_disposal(*, actor, clue: Clue, source: str, reason: str) -> list[WatchEntry]:
    """A disposal of the clue is investigated or penalised (review.services.disposal_save): its entity goes on the
    watch list, and so do the people answerable for it (法定代表人, 实际控制人), each unless listed already."""
    permissions.require(actor, Perm.REVIEW, clue.unit)
    today = today_local()
    listed = [_list(actor, unit=clue.unit, source=source, reason=reason, listed_on=today, entity=clue.entity,
                    clue=clue)]
    people = Person.objects.filter(roles__entity=clue.entity, roles__role__in=EntityPerson.RESPONSIBLE).distinct()
    listed += [_list(actor, unit=clue.unit, source=source, reason=reason, listed_on=today, person=person, clue=clue)
               for person in people.order_by("pk")]
    return [entry for entry in listed if entry]


@transaction.atomic
def watch_leave(*, actor, entry: WatchEntry, reason: str, left_on: date | None = None) -> WatchEntry:
    """The office above the unit that led to the listing takes the entry off, with a reason; the entry stays."""
    permissions.require(actor, Perm.REVIEW, entry.unit)
    left_on = left_on or today_local()
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Say why it leaves the watch list.")
    if left_on > today_local() or left_on < entry.listed_on:
        errors["left_on"] = _("The date must lie between the listing and today.")
    if errors:
        raise ValidationError(errors)
    entry = WatchEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.left_on is not None:
        raise ValidationError(_("This entry has already left the watch list."))
    entry.left_on, entry.leave_reason, entry.left_by = left_on, reason.strip()[:300], actor
    entry._history_user = actor
    entry.save(update_fields=["left_on", "leave_reason", "left_by"])
    return entry


# Hits ----------------------------------------------------------------------------------------------------------------


def tell_office_of_hits(*, unit: Unit, entities: Iterable[Entity], what: str) -> dict[int, list[hits.Hit]]:
    """After a unit recorded ``entities`` (``what``: a screening record, a clue): the office directly above the unit is
    told of those the watch list touches, in one notification. Returns the hits, for the entry form's warning."""
    found = hits.hits_for(entities)
    if not found:
        return found
    names = {entity.pk: entity for entity in entities}
    offices = permissions.nearest_holders(Perm.REVIEW, [unit])[unit]
    with translation.override(settings.LANGUAGE_CODE):
        hit_entities = [names[pk] for pk in found]
        lines = [f"{entity.name}: {'；'.join(hit.why for hit in found[entity.pk])}" for entity in hit_entities[:20]]
        if len(hit_entities) > 20:
            lines.append(_("and %(count)d more") % {"count": len(hit_entities) - 20})
        notify(
            users=offices,
            title=_("Watch-list hit: %(unit)s recorded %(entity)s") % {"unit": unit.name, "entity": hit_entities[0].name},
            body=_("%(unit)s recorded %(what)s on entities the watch list touches:") % {"unit": unit.name, "what": what}
            + "\n" + "\n".join(lines),
            link=reverse("review:entity", args=[hit_entities[0].pk]),
        )
    return found
