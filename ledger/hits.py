"""Watch-list hits: an entity recorded again that is on the watch list (a), that shares a person with the list (b: the
person is listed, or stands behind a listed entity too), or whose credit code shares the organisation part (characters
9–17) with a listed entity's (c), the way a business moved elsewhere and registered anew keeps it (迁址后改头换面).

The watch list is one for the whole system: a hit is a hit wherever the listing was made. ``annotate_hits`` computes
the three kinds in SQL, for a list of any length in the same query; ``hits_for`` says why, for the few entities of a
save or of a page, in a fixed number of queries.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import ORG_PART_LENGTH, ORG_PART_START, Entity, EntityPerson, WatchEntry, org_part


class Kind:
    LISTED = "listed"
    PERSON = "person"
    ORG_PART = "org_part"


@dataclass(frozen=True)
class Hit:
    kind: str
    why: str


def _open_entries() -> QuerySet[WatchEntry]:
    return WatchEntry.objects.filter(left_on__isnull=True)


def _code_part(code: str | None) -> str:
    return (code or "")[ORG_PART_START - 1:ORG_PART_START - 1 + ORG_PART_LENGTH]


def annotate_hits(queryset: QuerySet, entity: str = "entity") -> QuerySet:
    """``queryset`` (of rows with a foreign key ``entity`` to Entity) with ``hit_listed``, ``hit_person`` and
    ``hit_org_part``: three EXISTS subqueries, so a page of rows is still one query."""
    listed_entity = Exists(_open_entries().filter(entity=OuterRef("entity")))
    listed_person = Exists(_open_entries().filter(person=OuterRef("person")))
    # A person of the entity who is listed, or who stands behind another, listed, entity too.
    partner = EntityPerson.objects.filter(person=OuterRef("person")).exclude(entity=OuterRef("entity"))
    shared = EntityPerson.objects.filter(entity=OuterRef(entity)).filter(
        Q(listed_person) | Q(Exists(partner.filter(listed_entity)))
    )
    # Correlated by the entity's key alone: a reference to its credit code would join the entity table into the list's
    # own query, its count included, and at a city's 100,000 clues the planner then scans the clue table.
    listed_with_part = (
        _open_entries().filter(entity__credit_code__isnull=False).exclude(entity=OuterRef("pk"))
        .alias(listed_part=org_part("entity__credit_code")).filter(listed_part=OuterRef("part"))
    )
    same_part = (
        Entity.objects.filter(pk=OuterRef(entity), credit_code__isnull=False)
        .annotate(part=org_part()).filter(Exists(listed_with_part))
    )
    return queryset.annotate(
        hit_listed=Exists(_open_entries().filter(entity=OuterRef(entity))),
        hit_person=Exists(shared),
        hit_org_part=Exists(same_part),
    )


def hits_for(entities: Iterable[Entity]) -> dict[int, list[Hit]]:
    """Why each entity is hit, by entity id (the entities without a hit are left out): four queries at most, however
    many entities."""
    entities = {entity.pk: entity for entity in entities}
    if not entities:
        return {}
    found: dict[int, list[Hit]] = {}

    def add(entity_id: int, kind: str, why: str) -> None:
        found.setdefault(entity_id, []).append(Hit(kind, why))

    for entry in _open_entries().filter(entity__in=entities):
        add(entry.entity_id, Kind.LISTED, _("On the watch list since %(date)s: %(reason)s")
            % {"date": date_format(entry.listed_on), "reason": entry.reason})
    _person_hits(entities, add)
    by_part: dict[str, list[int]] = {}
    for pk, entity in entities.items():
        if entity.credit_code:
            by_part.setdefault(_code_part(entity.credit_code), []).append(pk)
    if by_part:
        same_part = (
            _open_entries().filter(entity__credit_code__isnull=False).alias(part=org_part("entity__credit_code"))
            .filter(part__in=list(by_part)).select_related("entity")
        )
        for entry in same_part:
            part = _code_part(entry.entity.credit_code)
            for pk in by_part.get(part, ()):
                if pk != entry.entity_id:
                    add(pk, Kind.ORG_PART, _(
                        "Its credit code shares the organisation part %(part)s with %(entity)s (%(code)s), on the "
                        "watch list: %(reason)s") % {"part": part, "entity": entry.entity.name,
                                                     "code": entry.entity.credit_code, "reason": entry.reason})
    return found


def _person_hits(entities: dict[int, Entity], add) -> None:
    links = list(EntityPerson.objects.filter(entity__in=entities).select_related("person"))
    if not links:
        return
    person_ids = {link.person_id for link in links}
    listed_people = {entry.person_id: entry for entry in _open_entries().filter(person__in=person_ids)}
    elsewhere: dict[int, list[EntityPerson]] = {}
    for other in (
        EntityPerson.objects.filter(person__in=person_ids)
        .filter(Exists(_open_entries().filter(entity=OuterRef("entity")))).select_related("entity")
    ):
        elsewhere.setdefault(other.person_id, []).append(other)
    for link in links:
        names = {"person": link.person.name, "role": link.get_role_display()}
        if entry := listed_people.get(link.person_id):
            add(link.entity_id, Kind.PERSON, _("%(person)s (%(role)s) is on the watch list: %(reason)s")
                % (names | {"reason": entry.reason}))
        for other in elsewhere.get(link.person_id, ()):
            if other.entity_id != link.entity_id:
                add(link.entity_id, Kind.PERSON, _(
                    "%(person)s (%(role)s) is also %(other_role)s of %(entity)s, on the watch list")
                    % (names | {"other_role": other.get_role_display(), "entity": other.entity.name}))
