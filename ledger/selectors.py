"""Reads of the ledger scoped to the user: everything starts from the units the user may see."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.models import DeletedObject
from simple_history.utils import get_m2m_reverse_field_name

from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm
from screening import selectors as screening_selectors
from screening.models import Campaign

from . import credit, validators
from .models import Clue, Entity, EntityPerson, Evidence, Person, ScreeningRecord, WatchEntry, org_part


def clues_visible_to(user, *, campaign: Campaign | None = None, perm: Perm = Perm.VIEW) -> QuerySet[Clue]:
    """The clues of the units on which the user holds ``perm`` (seeing them, or reviewing them for the queue)."""
    clues = Clue.objects.filter(unit__in=permissions.unit_ids(user, perm))
    if campaign is not None:
        clues = clues.filter(campaign=campaign)
    return clues.select_related("entity", "sector", "unit", "campaign", "fundraising_mode", "source")


def clue_for_user_or_404(user, pk: int) -> Clue:
    return get_object_or_404(clues_visible_to(user), pk=pk)


def records_visible_to(user, *, campaign: Campaign | None = None) -> QuerySet[ScreeningRecord]:
    records = ScreeningRecord.objects.filter(unit__in=permissions.unit_ids(user, Perm.VIEW))
    if campaign is not None:
        records = records.filter(campaign=campaign)
    return records.select_related("entity", "sector", "unit", "method", "area")


def record_for_user_or_404(user, pk: int) -> ScreeningRecord:
    return get_object_or_404(records_visible_to(user), pk=pk)


def entities_matching(text: str, *, limit: int = 10) -> QuerySet[Entity]:
    """Entities whose name contains ``text`` or whose credit code starts with it: the look-up as staff type.

    Entity names and codes are public register data, so the look-up is not scoped; which units reported an entity is
    (see ``reports_elsewhere``)."""
    text = validators.normalise_name(text)
    if len(text) < 2:
        return Entity.objects.none()
    return Entity.objects.filter(Q(name__icontains=text) | Q(credit_code__startswith=text.upper()))[:limit]


def reports_elsewhere(entity: Entity, *, campaign: Campaign, besides_unit) -> QuerySet[Clue]:
    """Clues of the same entity in the campaign from other units ("already known")."""
    return reports_of([entity], campaign=campaign, besides_unit=besides_unit)


def reports_of(entities, *, campaign: Campaign, besides_unit=None) -> QuerySet[Clue]:
    """The standing clues on these entities in the campaign, but those of ``besides_unit`` (a unit or its id)."""
    clues = _standing(Clue.objects.filter(campaign=campaign, entity__in=entities)).select_related("unit", "sector")
    return clues.exclude(unit=besides_unit) if besides_unit else clues


def _standing(clues: QuerySet[Clue]) -> QuerySet[Clue]:
    return clues.exclude(status=Clue.Status.WITHDRAWN)


@dataclass
class KnownReports:
    """Other units' clues on an entity as a user may learn of them: the clues of units the user may see, and how many
    other units reported it (a township learns that the entity is known, not who reported it in another county)."""

    seen: list[Clue] = field(default_factory=list)
    unseen_units: set[int] = field(default_factory=set)

    @property
    def seen_units(self) -> list[Unit]:
        return list({clue.unit_id: clue.unit for clue in self.seen}.values())

    @property
    def unseen(self) -> int:
        return len(self.unseen_units)

    def __bool__(self) -> bool:
        return bool(self.seen or self.unseen_units)


def reports_known_to(user, entities, *, campaign: Campaign, besides_unit=None) -> dict[int, KnownReports]:
    """``reports_of`` the entities as ``KnownReports`` by entity id: one query."""
    visible_unit = permissions.units(user, Perm.VIEW).filter(pk=OuterRef("unit"))
    clues = reports_of(entities, campaign=campaign, besides_unit=besides_unit).annotate(unit_seen=Exists(visible_unit))
    found: dict[int, KnownReports] = {}
    for clue in clues.order_by("unit__path", "pk"):
        known = found.setdefault(clue.entity_id, KnownReports())
        if clue.unit_seen:
            known.seen.append(clue)
        else:
            known.unseen_units.add(clue.unit_id)
    return found


def clues_flagged(user, campaign: Campaign, *, perm: Perm = Perm.VIEW) -> QuerySet[Clue]:
    """The campaign's clues of ``clues_visible_to``, each with ``reported_elsewhere``: whether another unit has a
    standing clue on the same entity (one subquery, not one query per row)."""
    elsewhere = _standing(
        Clue.objects.filter(campaign=OuterRef("campaign"), entity=OuterRef("entity")).exclude(unit=OuterRef("unit"))
    )
    return clues_visible_to(user, campaign=campaign, perm=perm).annotate(reported_elsewhere=Exists(elsewhere))


def campaign_to_open(user) -> Campaign | None:
    """The campaign the ledger opens on: the user's published campaign of the latest year, the newest if several."""
    return (
        screening_selectors.campaigns_visible_to(user)
        .filter(status=Campaign.Status.PUBLISHED)
        .order_by("-year", "-created_at", "-pk")
        .first()
    )


def units_visible_in(user, campaign: Campaign) -> QuerySet[Unit]:
    """The units of the campaign whose data the user may see, in tree order."""
    return permissions.units(user, Perm.VIEW).filter(path__startswith=campaign.scope_unit.path).order_by("path")


def units_entering_in(user, campaign: Campaign) -> QuerySet[Unit]:
    """The active units of the campaign for which the user may enter data, in tree order."""
    return (
        permissions.units(user, Perm.ENTER)
        .filter(path__startswith=campaign.scope_unit.path, is_active=True)
        .order_by("path")
    )


def evidence_for_user_or_404(user, pk: int) -> Evidence:
    return get_object_or_404(Evidence.objects.filter(clue__unit__in=permissions.units(user, Perm.VIEW)), pk=pk)


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    by: object
    created: bool
    changes: list[Change]


# Bookkeeping, not content: the version moves with every save, and the status says when the clue was submitted.
HISTORY_HIDDEN = {"version", "submitted_at"}
LISTS = {field.name for field in Clue._meta.many_to_many}
# One save writes several versions: the fields, then one per change of the behaviours or the problems. Versions by the
# same user this close together are shown as one change.
ONE_SAVE = timedelta(seconds=2)


def clue_history(clue: Clue) -> list[HistoryEntry]:
    """Who created and changed the clue, when, and what changed: each save compared with the one before it."""
    versions = list(clue.history.select_related("history_user").order_by("history_date", "history_id"))
    if not versions:
        return []
    saves: list[list] = []
    for version in versions[1:]:
        if saves and _one_save(saves[-1][-1], version):
            saves[-1].append(version)
        else:
            saves.append([version])
    entries = [HistoryEntry(versions[0].history_date, versions[0].history_user, True, [])]
    before = versions[0]
    for save in saves:
        after = save[-1]
        # Clues are created in bulk, which records no behaviours or problems in the first version; the first version
        # of the next save still holds them as they were (a save writes the fields before it changes the lists).
        lists_before = save[0] if before.history_type == "+" else before
        changes = [
            *_changes(after.diff_against(before, excluded_fields=HISTORY_HIDDEN | LISTS, foreign_keys_are_objs=True)),
            *_changes(after.diff_against(lists_before, included_fields=LISTS, foreign_keys_are_objs=True)),
        ]
        if changes:
            entries.append(HistoryEntry(after.history_date, after.history_user, False, changes))
        before = after
    return entries


def _one_save(earlier, later) -> bool:
    return earlier.history_user_id == later.history_user_id and later.history_date - earlier.history_date < ONE_SAVE


def _changes(delta) -> list[Change]:
    changes = []
    for change in delta.changes:
        field = Clue._meta.get_field(change.field)
        changes.append(Change(capfirst(field.verbose_name), _shown(field, change.old), _shown(field, change.new)))
    return changes


def _shown(field, value) -> str:
    # An empty foreign key comes out of diff_against as a DeletedObject without a key.
    if value is None or value == "" or value == [] or (isinstance(value, DeletedObject) and value.pk is None):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field.many_to_many:
        term = get_m2m_reverse_field_name(field)
        return "、".join(str(row[term]) for row in value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


# An entity's history and credit record ---------------------------------------------------------------------------


def entity_for_user_or_404(user, pk: int) -> Entity:
    """An entity the user sees a screening record of (every clue has one), in any campaign."""
    seen = ScreeningRecord.objects.filter(entity=OuterRef("pk"), unit__in=permissions.units(user, Perm.VIEW))
    return get_object_or_404(Entity.objects.filter(Exists(seen)), pk=pk)


def entity_records(user, entity: Entity) -> QuerySet[ScreeningRecord]:
    """The entity's screening records the user may see, across campaigns and years, newest first."""
    return (records_visible_to(user).filter(entity=entity).select_related("campaign")
            .order_by("-campaign__year", "-screened_on", "-pk"))


def entity_clues(user, entity: Entity) -> QuerySet[Clue]:
    return clues_visible_to(user).filter(entity=entity).order_by("-campaign__year", "-created_at", "-pk")


def sees_whole_id_numbers(user, entity: Entity) -> bool:
    """Only the office covering a unit that recorded the entity sees the people's ID numbers whole."""
    return permissions.units(user, Perm.REVIEW).filter(pk__in=credit.units_of(entity).values("pk")).exists()


def people_of(entity: Entity) -> QuerySet[Person]:
    """The people behind ``entity``, each once whatever their roles: those a listing by hand may name."""
    return Person.objects.filter(roles__entity=entity).distinct()


def may_add_people(user, entity: Entity) -> bool:
    return sees_whole_id_numbers(user, entity) or permissions.units(user, Perm.ENTER).filter(
        pk__in=credit.units_of(entity).values("pk")).exists()


@dataclass(frozen=True)
class PersonLine:
    link: EntityPerson
    id_number: str  # masked, or whole for the office
    listed: WatchEntry | None


def entity_people(entity: Entity, *, whole: bool) -> list[PersonLine]:
    links = list(EntityPerson.objects.filter(entity=entity).select_related("person", "added_by"))
    listed = {entry.person_id: entry for entry in WatchEntry.objects.filter(
        person__in=[link.person_id for link in links], left_on__isnull=True)}
    return [
        PersonLine(link, credit.id_number_of(link.person) if whole else link.person.id_number_masked,
                   listed.get(link.person_id))
        for link in links
    ]


def watch_entries_of(entity: Entity) -> QuerySet[WatchEntry]:
    """Every entry of the entity and of its people, open or closed: the credit record's history."""
    people = EntityPerson.objects.filter(entity=entity).values("person")
    return (WatchEntry.objects.filter(Q(entity=entity) | Q(person__in=people))
            .select_related("entity", "person", "listed_by", "left_by", "unit").order_by("-listed_on", "-pk"))


def watch_entry_or_404(user, pk: int) -> tuple[WatchEntry, Entity]:
    """An entry of an entity the user may open, or of a person of one, with that entity (whose page it is shown on)."""
    entry = get_object_or_404(WatchEntry.objects.select_related("unit", "entity", "person"), pk=pk)
    seen = Exists(ScreeningRecord.objects.filter(entity=OuterRef("pk"), unit__in=permissions.units(user, Perm.VIEW)))
    entities = Entity.objects.filter(seen)
    entities = entities.filter(pk=entry.entity_id) if entry.entity_id else entities.filter(people__person=entry.person_id)
    entity = entities.order_by("pk").first()
    if entity is None:
        raise Http404
    return entry, entity


@dataclass(frozen=True)
class RelatedEntity:
    entity: Entity
    why: str
    visible: bool  # whether the user may open its page


RELATED_LIMIT = 50


def related_entities(user, entity: Entity) -> list[RelatedEntity]:
    """Entities that may be this one under another name or place (迁址后改头换面): the same organisation part of the
    credit code, or a person in common. Names and codes are register data; the page of one opens only to those who
    see a record of it."""
    seen = Exists(ScreeningRecord.objects.filter(entity=OuterRef("pk"), unit__in=permissions.units(user, Perm.VIEW)))
    found: dict[int, RelatedEntity] = {}
    if entity.credit_code:
        same_part = (Entity.objects.exclude(pk=entity.pk).alias(part=org_part())
                     .filter(part=entity.credit_code[8:17]).annotate(visible=seen)[:RELATED_LIMIT])
        for other in same_part:
            found[other.pk] = RelatedEntity(other, _("Same organisation part of the credit code (%(part)s)")
                                            % {"part": entity.credit_code[8:17]}, other.visible)
    shared = (EntityPerson.objects.filter(person__in=EntityPerson.objects.filter(entity=entity).values("person"))
              .exclude(entity=entity).select_related("entity", "person")
              .annotate(visible=Exists(ScreeningRecord.objects.filter(
                  entity=OuterRef("entity"), unit__in=permissions.units(user, Perm.VIEW))))[:RELATED_LIMIT])
    for link in shared:
        if link.entity_id not in found:
            found[link.entity_id] = RelatedEntity(link.entity, _("%(person)s is %(role)s there too")
                                                  % {"person": link.person.name, "role": link.get_role_display()},
                                                  link.visible)
    return list(found.values())
