"""Writes to the ledger: entities, screening records and clues.

Every function takes the acting user, checks the ENTER permission and the campaign's entry lock, runs in a transaction
and keeps history. The web forms, the Excel import and the management commands all come through here; the import
hands over many rows at once and gets them saved in a few bulk statements.
"""

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from orgs import permissions, uploads
from orgs.batch import each_or_none
from orgs.models import Unit
from orgs.permissions import Perm
from screening import locks
from screening.models import Campaign, Term

from . import credit, validators
from .bulk import bulk_create_with_history, bulk_link
from .models import Clue, ClueEvent, Entity, Evidence, ScreeningRecord


class StaleEdit(Exception):
    """Someone saved the object after the user opened it: the save is refused and nothing is overwritten."""


@dataclass
class EntityData:
    name: str
    credit_code: str = ""
    legal_representative: str = ""
    registered_address: str = ""
    registered_division: str = ""
    operating_address: str = ""
    operating_division: str = ""
    business_scope: str = ""
    # The user saw the warning that the check character is wrong and keeps the code (early codes fail the check).
    confirm_code_warning: bool = False


@dataclass
class RecordData:
    entity: EntityData
    sector: Term
    behaviours: list[Term] = field(default_factory=list)
    method: Term | None = None
    area: Term | None = None
    screened_on: date | None = None
    result: str = ScreeningRecord.Result.NO_PROBLEM


@dataclass
class ClueData:
    entity: EntityData
    sector: Term
    amount_involved: Decimal
    people_involved: int
    behaviours: list[Term] = field(default_factory=list)
    fundraising_mode: Term | None = None
    channel: str = ""
    unpaid_funds: Decimal = Decimal("0.00")
    cross_province: bool = False
    problems: list[Term] = field(default_factory=list)
    source: Term | None = None
    description: str = ""


BATCH = 500
ENTITY_DETAIL_FIELDS = [f.name for f in fields(EntityData) if f.name not in ("name", "credit_code", "confirm_code_warning")]


# Checks --------------------------------------------------------------------------------------------------------------


def _require_entry(actor, campaign: Campaign, unit: Unit) -> None:
    permissions.require(actor, Perm.ENTER, unit)
    locks.require_entry_open(campaign, unit)


def lock_unit_entries(unit: Unit) -> None:
    """Hold, until the transaction ends, the right to add or move the unit's screening records and clues: two imports
    or forms of one unit run one after the other, and the second checks its duplicates against what the first saved.
    NO KEY UPDATE, so that rows merely pointing at the unit (notifications, submissions) are not kept waiting."""
    list(Unit.objects.select_for_update(no_key=True).filter(pk=unit.pk).values_list("pk"))


def _as_if_one_after_the_other(write):
    """Run ``write`` in a savepoint. When the database refuses a duplicate that another transaction inserted and
    committed meanwhile (an entity of another unit, which the unit's lock does not hold back), run it once more: it now
    sees the other's rows, so it links to them, or refuses with the message it gives when done one after the other."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        return write()


class FieldErrors:
    """The refusals of independent checks, kept by field and raised together, so that a form or a row of a workbook
    names every wrong field at once instead of one per attempt."""

    def __init__(self):
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, field: str | None, error) -> None:
        """``error`` (a message or a ValidationError) at ``field``; with None, at the fields the error names."""
        error = error if isinstance(error, ValidationError) else ValidationError(error)
        (ValidationError({field: error}) if field else error).update_error_dict(self.by_field)

    def check(self, field: str | None, function, *args, **kwargs):
        """What ``function`` returns, or None when it refuses (the refusal is kept at ``field``)."""
        try:
            return function(*args, **kwargs)
        except ValidationError as error:
            self.add(field, error)
            return None

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def check_entity(data: EntityData) -> tuple[str, bool]:
    """The normalised credit code and whether its check character fails (allowed only when confirmed)."""
    errors = FieldErrors()
    if not validators.normalise_name(data.name):
        errors.add("name", _("Give the entity's name."))
    code = validators.normalise_credit_code(data.credit_code)
    check_fails = False
    if code:
        try:
            validators.validate_credit_code_format(code)
        except ValidationError as error:
            errors.add("credit_code", error)
        else:
            check_fails = not validators.credit_code_check_passes(code)
    if check_fails and not data.confirm_code_warning:
        errors.add("credit_code", ValidationError(
            _("The check character of %(code)s is wrong (it should be %(expected)s). Check the code; if it "
              "is written so on the licence, confirm it.")
            % {"code": code, "expected": validators.credit_code_check_character(code[:17])},
            code="credit_code_check",
        ))
    errors.raise_any()
    return code, check_fails


class TermChecker:
    """Checks that chosen terms belong to the campaign's vocabularies, with one query for the whole campaign."""

    def __init__(self, campaign: Campaign):
        terms = list(Term.objects.filter(campaign=campaign))
        parents = {term.parent_id for term in terms if term.parent_id}
        self.by_id = {term.pk: term for term in terms}
        self.leaf_ids = {term.pk for term in terms if term.pk not in parents and not term.is_retired}

    def require(self, term: Term | None, vocabulary: str, field_name: str, *, leaf: bool = False) -> None:
        if term is None:
            return
        known = self.by_id.get(term.pk)
        if known is None or known.vocabulary != vocabulary:
            raise ValidationError({field_name: _("“%(name)s” is not part of this campaign.") % {"name": term.name}})
        if known.is_retired:
            raise ValidationError({field_name: _("“%(name)s” has been retired.") % {"name": term.name}})
        if leaf and term.pk not in self.leaf_ids:
            raise ValidationError(
                {field_name: _("“%(name)s” is a group; choose one of its items.") % {"name": term.name}}
            )


def _check_sector_and_behaviours(data: RecordData | ClueData, terms: TermChecker, errors: FieldErrors) -> None:
    errors.check(None, terms.require, data.sector, Term.Vocabulary.SECTOR, "sector", leaf=True)
    for behaviour in data.behaviours:
        errors.check(None, terms.require, behaviour, Term.Vocabulary.BEHAVIOUR, "behaviours", leaf=True)


def check_record(data: RecordData, terms: TermChecker) -> None:
    errors = FieldErrors()
    _check_sector_and_behaviours(data, terms, errors)
    errors.check(None, terms.require, data.method, Term.Vocabulary.METHOD, "method")
    errors.check(None, terms.require, data.area, Term.Vocabulary.AREA, "area")
    errors.raise_any()


@dataclass(frozen=True)
class ClueFigures:
    """A clue's amounts and head count as stored: two-decimal Decimals in 万元 and a whole number."""

    amount_involved: Decimal
    unpaid_funds: Decimal
    people_involved: int


def check_clue(data: ClueData, terms: TermChecker) -> ClueFigures:
    errors = FieldErrors()
    _check_sector_and_behaviours(data, terms, errors)
    for problem in data.problems:
        errors.check(None, terms.require, problem, Term.Vocabulary.PROBLEM, "problems")
    errors.check(None, terms.require, data.fundraising_mode, Term.Vocabulary.MODE, "fundraising_mode")
    errors.check(None, terms.require, data.source, Term.Vocabulary.METHOD, "source")
    amount = errors.check("amount_involved", validators.parse_amount, data.amount_involved,
                          field_label=_("Amount involved (10,000 yuan)"))
    unpaid = errors.check("unpaid_funds", validators.parse_amount, data.unpaid_funds or 0,
                          field_label=_("Unpaid funds (10,000 yuan)"))
    people = errors.check("people_involved", validators.parse_count, data.people_involved,
                          field_label=_("People involved"))
    if amount is not None and unpaid is not None and unpaid > amount:
        errors.add("unpaid_funds", _("Unpaid funds cannot exceed the amount involved."))
    if data.channel and data.channel not in Clue.Channel.values:
        errors.add("channel", _("Choose 线上, 线下 or 线上线下相结合."))
    errors.raise_any()
    return ClueFigures(amount, unpaid, people)


def check_entry(data: RecordData | ClueData, terms: TermChecker) -> tuple[bool, ClueFigures | None]:
    """The checks of the entity and of the record or clue, which do not depend on each other, refused together:
    whether the credit code's check character fails (and was confirmed), and a clue's figures."""
    errors = FieldErrors()
    entity = errors.check(None, check_entity, data.entity)
    figures = errors.check(None, check_clue if isinstance(data, ClueData) else check_record, data, terms)
    errors.raise_any()
    return entity[1], figures


# Entities ------------------------------------------------------------------------------------------------------------


def _resolve_entities(rows: list[EntityData], *, actor) -> list[Entity]:
    """The entity of each row: found by credit code (or, without a code, by normalised name among entities without one),
    created when new. Empty details of a known entity are filled in; what another unit recorded is not overwritten."""
    keys = [entity_key(row) for row in rows]
    codes = {code for code, _name in keys if code}
    names = {name for code, name in keys if not code}
    known = Entity.objects.filter(Q(credit_code__in=codes) | Q(credit_code__isnull=True, name_key__in=names))
    by_key = {_entity_key(entity): entity for entity in known}
    new, changed, result = {}, {}, []
    for row, key in zip(rows, keys):
        entity = by_key.get(key)
        if entity is None:
            entity = by_key[key] = new[key] = Entity(name=validators.normalise_name(row.name), credit_code=key[0] or None)
            entity.fill_name_key()
        for name in ENTITY_DETAIL_FIELDS:
            value = getattr(row, name).strip()
            if value and not getattr(entity, name):
                setattr(entity, name, value)
                if entity.pk:
                    changed[entity.pk] = entity
        result.append(entity)
    # In the order of their keys: two transactions inserting some of the same entities then wait for each other
    # instead of each holding one the other needs (a deadlock).
    bulk_create_with_history([new[key] for key in sorted(new)], Entity, actor=actor)
    for entity in changed.values():
        entity._history_user = actor
        entity.save()
    return result


def entity_key(row: EntityData) -> tuple[str, str]:
    """What identifies the entity of a row: its normalised credit code, or its normalised name when it has none."""
    code = validators.normalise_credit_code(row.credit_code)
    return (code, "" if code else validators.normalise_name(row.name))


def _entity_key(entity: Entity) -> tuple[str, str]:
    return (entity.credit_code or "", "" if entity.credit_code else entity.name_key)


# Screening records ---------------------------------------------------------------------------------------------------


@transaction.atomic
def records_create(*, actor, campaign: Campaign, unit: Unit, rows: list[RecordData]) -> list[ScreeningRecord]:
    """Record screened institutions. An institution already screened by the unit in that sector is refused."""
    _require_entry(actor, campaign, unit)
    lock_unit_entries(unit)
    records = _as_if_one_after_the_other(lambda: _save_records(actor, campaign, unit, rows))
    credit.tell_office_of_hits(unit=unit, entities=[record.entity for record in records], what=_("screening records"))
    return records


def _save_records(actor, campaign: Campaign, unit: Unit, rows: list[RecordData]) -> list[ScreeningRecord]:
    terms = TermChecker(campaign)
    for row in rows:
        check_entry(row, terms)
    entities = _resolve_entities([row.entity for row in rows], actor=actor)
    existing = set(
        ScreeningRecord.objects.filter(campaign=campaign, unit=unit, entity__in=[e.pk for e in entities])
        .values_list("entity_id", "sector_id")
    )
    today = locks.today_local()
    records = []
    for row, entity in zip(rows, entities):
        key = (entity.pk, row.sector.pk)
        if key in existing:
            raise ValidationError(
                _("%(entity)s has already been screened by this unit in %(sector)s.")
                % {"entity": entity.name, "sector": row.sector.name}
            )
        existing.add(key)
        records.append(
            ScreeningRecord(
                campaign=campaign, unit=unit, entity=entity, sector=row.sector, method=row.method, area=row.area,
                screened_on=row.screened_on or today, result=row.result, created_by=actor,
            )
        )
    bulk_create_with_history(records, ScreeningRecord, actor=actor)
    bulk_link(
        ScreeningRecord.behaviours.through,
        ((record.pk, behaviour.pk) for record, row in zip(records, rows) for behaviour in row.behaviours),
    )
    return records


@transaction.atomic
def record_update(*, actor, record: ScreeningRecord, data: RecordData, expected_version: int) -> ScreeningRecord:
    """Change a screening record. Refused when someone saved it after the user opened it (``expected_version``).

    A record with a clue follows its clue: its entity and sector change only through the clue, and it keeps "problem
    found" and the clue's behaviours while the clue stands, so that problem institutions never outnumber screened ones.
    """
    _require_entry(actor, record.campaign, record.unit)
    lock_unit_entries(record.unit)
    saved = _as_if_one_after_the_other(lambda: _update_record(actor, record.pk, data, expected_version))
    if saved.entity_id != record.entity_id:  # recorded on another entity: a hit there is new
        credit.tell_office_of_hits(unit=saved.unit, entities=[saved.entity], what=_("screening records"))
    return saved


def _update_record(actor, pk: int, data: RecordData, expected_version: int) -> ScreeningRecord:
    current = ScreeningRecord.objects.select_for_update().get(pk=pk)
    if current.version != expected_version:
        raise StaleEdit(
            _("Someone else saved this screening record after you opened it. Reload the page to see their changes; "
              "your changes were not saved.")
        )
    check_entry(data, TermChecker(current.campaign))
    entity = _resolve_entities([data.entity], actor=actor)[0]
    clue = Clue.objects.filter(record=current).first()
    moved = (current.entity_id, current.sector_id) != (entity.pk, data.sector.pk)
    if clue is not None and moved:
        raise ValidationError(_("This screening record has a risk clue: change its entity or sector in the clue."))
    clue_stands = clue is not None and clue.status != Clue.Status.WITHDRAWN
    if clue_stands and data.result != ScreeningRecord.Result.PROBLEM:
        raise ValidationError(
            {"result": _("This screening record has a risk clue: withdraw the clue before changing the result.")}
        )
    # Moved, the record no longer matches its own entity and sector: any match is another record.
    if moved and ScreeningRecord.objects.filter(
        campaign=current.campaign, unit=current.unit, entity=entity, sector=data.sector
    ).exists():
        raise ValidationError(
            _("%(entity)s has already been screened by this unit in %(sector)s.")
            % {"entity": entity.name, "sector": data.sector.name}
        )
    current.entity, current.sector, current.method, current.area = entity, data.sector, data.method, data.area
    current.screened_on = data.screened_on or current.screened_on
    current.result = data.result
    current.version += 1
    current._history_user = actor
    current.save()
    current.behaviours.set({*data.behaviours, *(clue.behaviours.all() if clue_stands else ())})
    return current


# Clues ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def clues_create(
    *, actor, campaign: Campaign, unit: Unit, rows: list[ClueData], submit: bool = False
) -> list[Clue]:
    """Record clues. Each creates, or links to, the unit's screening record of the entity in the clue's sector, which
    is then marked "problem found": problem institutions never outnumber screened ones."""
    _require_entry(actor, campaign, unit)
    lock_unit_entries(unit)
    clues = _as_if_one_after_the_other(lambda: _save_clues(actor, campaign, unit, rows, submit=submit))
    credit.tell_office_of_hits(unit=unit, entities=[clue.entity for clue in clues], what=_("risk clues"))
    return clues


def _save_clues(actor, campaign: Campaign, unit: Unit, rows: list[ClueData], *, submit: bool) -> list[Clue]:
    terms = TermChecker(campaign)
    code_warnings, figures = [], []
    for row in rows:
        check_fails, figure = check_entry(row, terms)
        figures.append(figure)
        code_warnings.append(check_fails)
    entities = _resolve_entities([row.entity for row in rows], actor=actor)
    records = _records_for_clues(actor, campaign, unit, rows, entities)
    now = timezone.now()
    clues = [
        Clue(
            campaign=campaign, unit=unit, record=record, entity=entity, sector=row.sector,
            fundraising_mode=row.fundraising_mode, channel=row.channel, **asdict(figure),
            cross_province=row.cross_province, source=row.source, description=row.description.strip(),
            code_check_confirmed=warning, created_by=actor,
            status=Clue.Status.SUBMITTED if submit else Clue.Status.DRAFT, submitted_at=now if submit else None,
        )
        for row, entity, record, warning, figure in zip(rows, entities, records, code_warnings, figures)
    ]
    bulk_create_with_history(clues, Clue, actor=actor)
    bulk_link(Clue.behaviours.through, ((clue.pk, term.pk) for clue, row in zip(clues, rows) for term in row.behaviours))
    bulk_link(Clue.problems.through, ((clue.pk, term.pk) for clue, row in zip(clues, rows) for term in row.problems))
    if submit:
        ClueEvent.objects.bulk_create(ClueEvent(clue=clue, kind=ClueEvent.Kind.SUBMITTED, actor=actor) for clue in clues)
    return clues


def _records_for_clues(actor, campaign, unit, rows: list[ClueData], entities: list[Entity]) -> list[ScreeningRecord]:
    """The screening record of each clue: the unit's record of the entity in the clue's sector, created if missing,
    marked "problem found" and given the clue's behaviours."""
    existing = {
        (record.entity_id, record.sector_id): record
        for record in ScreeningRecord.objects.filter(
            campaign=campaign, unit=unit, entity__in=[e.pk for e in entities]
        ).select_related("clue")
    }
    taken = {key for key, record in existing.items() if hasattr(record, "clue")}
    new, to_mark, records = [], [], []
    for row, entity in zip(rows, entities):
        key = (entity.pk, row.sector.pk)
        if key in taken:
            raise ValidationError(
                _("%(entity)s already has a clue from this unit in %(sector)s; edit that clue instead.")
                % {"entity": entity.name, "sector": row.sector.name}
            )
        taken.add(key)
        record = existing.get(key)
        if record is None:
            record = ScreeningRecord(
                campaign=campaign, unit=unit, entity=entity, sector=row.sector, method=row.source,
                screened_on=locks.today_local(), result=ScreeningRecord.Result.PROBLEM, created_by=actor,
            )
            new.append(record)
        elif record.result != ScreeningRecord.Result.PROBLEM:
            record.result = ScreeningRecord.Result.PROBLEM
            to_mark.append(record)
        records.append(record)
    bulk_create_with_history(new, ScreeningRecord, actor=actor)
    if to_mark:
        bulk_update_with_history(to_mark, ScreeningRecord, ["result"], batch_size=BATCH, default_user=actor)
    through = ScreeningRecord.behaviours.through
    present = set(through.objects.filter(screeningrecord__in=records).values_list("screeningrecord_id", "term_id"))
    wanted = {(record.pk, term.pk) for record, row in zip(records, rows) for term in row.behaviours}
    bulk_link(through, wanted - present)
    return records


@transaction.atomic
def clue_record_for_office(*, actor, campaign: Campaign, unit: Unit, data: ClueData) -> Clue:
    """The office records a clue that reached it directly (a public tip, 群众举报) for ``unit``, a unit it reviews:
    handed in at once, so that it comes to its review queue and into the tables like any other clue. The entry lock
    holds as for staff."""
    permissions.require(actor, Perm.REVIEW, unit)
    locks.require_entry_open(campaign, unit)
    lock_unit_entries(unit)
    return _as_if_one_after_the_other(lambda: _save_clues(actor, campaign, unit, [data], submit=True))[0]


def clue_create(*, actor, campaign: Campaign, unit: Unit, data: ClueData) -> Clue:
    return clues_create(actor=actor, campaign=campaign, unit=unit, rows=[data])[0]


@transaction.atomic
def clue_update(*, actor, clue: Clue, data: ClueData, expected_version: int) -> Clue:
    """Change a draft clue. Refused when someone saved it after the user opened it (``expected_version``)."""
    _require_entry(actor, clue.campaign, clue.unit)
    lock_unit_entries(clue.unit)
    saved = _as_if_one_after_the_other(lambda: _update_clue(actor, clue.pk, data, expected_version))
    if saved.entity_id != clue.entity_id:
        credit.tell_office_of_hits(unit=saved.unit, entities=[saved.entity], what=_("risk clues"))
    return saved


def _update_clue(actor, pk: int, data: ClueData, expected_version: int) -> Clue:
    current = Clue.objects.select_for_update().select_related("record").get(pk=pk)
    if current.version != expected_version:
        raise StaleEdit(
            _("Someone else saved this clue after you opened it. Reload the page to see their changes; "
              "your changes were not saved.")
        )
    if current.status not in Clue.EDITABLE:
        raise ValidationError(_("Only a draft or a returned clue can be changed."))
    code_fails, figures = check_entry(data, TermChecker(current.campaign))
    entity = _resolve_entities([data.entity], actor=actor)[0]
    record = current.record
    if (record.entity_id, record.sector_id) != (entity.pk, data.sector.pk):
        if ScreeningRecord.objects.filter(
            campaign=current.campaign, unit=current.unit, entity=entity, sector=data.sector
        ).exclude(pk=record.pk).exists():
            raise ValidationError(
                _("%(entity)s has already been screened by this unit in %(sector)s.")
                % {"entity": entity.name, "sector": data.sector.name}
            )
        record.entity, record.sector = entity, data.sector
        record.version += 1
        record._history_user = actor
        record.save()
    record.behaviours.add(*data.behaviours)
    current.entity, current.sector = entity, data.sector
    current.fundraising_mode, current.channel = data.fundraising_mode, data.channel
    for name, value in asdict(figures).items():
        setattr(current, name, value)
    current.cross_province, current.source = data.cross_province, data.source
    current.description, current.code_check_confirmed = data.description.strip(), code_fails
    current.version += 1
    current._history_user = actor
    current.save()
    current.behaviours.set(data.behaviours)
    current.problems.set(data.problems)
    return current


@transaction.atomic
def clue_submit(*, actor, clue: Clue) -> Clue:
    """Staff hand a draft, or a clue the office returned and they corrected, to their office."""
    _require_entry(actor, clue.campaign, clue.unit)
    clue = Clue.objects.select_for_update().get(pk=clue.pk)
    if clue.status not in Clue.EDITABLE:
        raise ValidationError(_("Only a draft or a returned clue can be submitted."))
    clue.status, clue.submitted_at = Clue.Status.SUBMITTED, timezone.now()
    clue.version += 1
    clue._history_user = actor
    clue.save(update_fields=["status", "submitted_at", "version", "updated_at"])
    ClueEvent.objects.create(clue=clue, kind=ClueEvent.Kind.SUBMITTED, actor=actor)
    return clue


@transaction.atomic
def clues_submit(*, actor, clues) -> int:
    """Submit several clues at once: all of them, or none when any is refused, each refusal naming its clue."""
    return each_or_none(clues, lambda clue: clue_submit(actor=actor, clue=clue), name=str,
                        refusals=(locks.EntryClosed,))


@transaction.atomic
def clue_withdraw(*, actor, clue: Clue, reason: str) -> Clue:
    """Nothing is deleted: a clue is withdrawn with a reason, and its institution counts as screened without problem."""
    _require_entry(actor, clue.campaign, clue.unit)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the clue is withdrawn.")})
    clue = Clue.objects.select_for_update().select_related("record").get(pk=clue.pk)
    if clue.status == Clue.Status.WITHDRAWN:
        raise ValidationError(_("This clue has already been withdrawn."))
    clue.status, clue.withdrawn_reason = Clue.Status.WITHDRAWN, reason.strip()
    clue.version += 1
    clue._history_user = actor
    clue.save(update_fields=["status", "withdrawn_reason", "version", "updated_at"])
    record = clue.record
    record.result = ScreeningRecord.Result.NO_PROBLEM
    record._history_user = actor
    record.save(update_fields=["result"])
    ClueEvent.objects.create(clue=clue, kind=ClueEvent.Kind.WITHDRAWN, actor=actor, reason=clue.withdrawn_reason)
    return clue


# Evidence ------------------------------------------------------------------------------------------------------------

@transaction.atomic
def evidence_add(*, actor, clue: Clue, uploaded_file) -> Evidence:
    """Attach a file to a clue. Like the clue, a file once added is never deleted."""
    _require_entry(actor, clue.campaign, clue.unit)
    if clue.status == Clue.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn clue takes no more files."))
    uploads.check_upload(uploaded_file)
    name_length = Evidence._meta.get_field("name").max_length
    return Evidence.objects.create(
        clue=clue, file=uploaded_file, name=uploaded_file.name[:name_length], uploaded_by=actor
    )
