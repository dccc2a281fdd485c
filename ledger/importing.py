"""Excel import of clues and screening records, for the upload page and the management commands alike.

The rows of a workbook become the services' ClueData and RecordData; every error of every row is kept with its column,
so that people fix the whole file at once. Confirming hands all rows to the bulk service in one call, which checks them
again and saves all or nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from orgs.models import Unit
from orgs.resources import split_list
from screening.models import Campaign, Term

from . import excel, services, validators
from .models import Clue, Entity, ScreeningRecord
from .services import ClueData, EntityData, RecordData, TermChecker

# The headers of the templates: the wording of the official forms, never translated.
NAME = "企业名称"
CODE = "统一社会信用代码"
SECTOR = "所属行业"
BEHAVIOURS = "重点行为"
MODE = "集资模式"
CHANNEL = "是否通过互联网"
AMOUNT = "涉及金额（万元）"
PEOPLE = "涉及人数"
UNPAID = "未兑付资金（万元）"
CROSS_PROVINCE = "是否跨省"
PROBLEMS = "主要问题"
SOURCE = "线索来源"
DESCRIPTION = "情况描述"
METHOD = "排查方式"
AREA = "重点区域"
SCREENED_ON = "排查日期"
RESULT = "排查结果"

V = Term.Vocabulary
VOCABULARIES = {
    SECTOR: V.SECTOR, BEHAVIOURS: V.BEHAVIOUR, MODE: V.MODE, PROBLEMS: V.PROBLEM, SOURCE: V.METHOD, METHOD: V.METHOD,
    AREA: V.AREA,
}
SEVERAL = {BEHAVIOURS, PROBLEMS}
YES, NO = "是", "否"
CHANNELS = {str(label): value for value, label in Clue.Channel.choices}
RESULTS = {"未发现问题": ScreeningRecord.Result.NO_PROBLEM, "发现问题": ScreeningRecord.Result.PROBLEM}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
PATH_SEPARATOR = "/"
# Where the services report a refusal, as the column it concerns.
FIELD_HEADERS = {
    "name": NAME, "credit_code": CODE, "sector": SECTOR, "behaviours": BEHAVIOURS, "fundraising_mode": MODE,
    "channel": CHANNEL, "amount_involved": AMOUNT, "people_involved": PEOPLE, "unpaid_funds": UNPAID,
    "problems": PROBLEMS, "source": SOURCE, "method": METHOD, "area": AREA, "screened_on": SCREENED_ON,
    "result": RESULT,
}


class TermNames:
    """How a workbook names a campaign's terms: a term by its name, or as 父/子 where the name alone is not unique in
    its vocabulary."""

    def __init__(self, terms: Iterable[Term]):
        terms = sorted(terms, key=lambda term: (term.order, term.pk))
        self._by_id = {term.pk: term for term in terms}
        self._rank = {term.pk: rank for rank, term in enumerate(terms)}
        self._named: dict[tuple[str, str], list[Term]] = {}
        children: dict[int, list[Term]] = {}
        for term in terms:
            self._named.setdefault((term.vocabulary, _name_key(term.name)), []).append(term)
            if term.parent_id:
                self._named.setdefault((term.vocabulary, _name_key(self._path(term))), []).append(term)
                children.setdefault(term.parent_id, []).append(term)
        self._leaves: dict[str, list[Term]] = {}
        for top in (term for term in terms if not term.parent_id):
            self._leaves.setdefault(top.vocabulary, []).extend(children.get(top.pk, [top]))
        # An export names the same few hundred terms hundreds of thousands of times.
        self._labels = {term.pk: self.label(term) for term in terms}

    @classmethod
    def for_campaign(cls, campaign: Campaign) -> "TermNames":
        return cls(Term.objects.filter(campaign=campaign))

    def _path(self, term: Term) -> str:
        if not term.parent_id:
            return term.name
        return f"{self._by_id[term.parent_id].name}{PATH_SEPARATOR}{term.name}"

    def label(self, term: Term) -> str:
        if len(self._named[(term.vocabulary, _name_key(term.name))]) > 1:
            return self._path(term)
        return term.name

    def label_of(self, pk: int | None) -> str:
        """The label of the term with this id; none for no term."""
        return self._labels[pk] if pk is not None else ""

    def labels_of(self, pks: Iterable[int]) -> str:
        """The labels of several terms of one vocabulary, in the order the vocabulary shows them, joined by 、."""
        return "、".join(self._labels[pk] for pk in sorted(pks, key=self._rank.__getitem__))

    def options(self, vocabulary: str) -> list[str]:
        """What may be chosen: the labels of the terms that take data and are not retired, in display order."""
        return [self.label(term) for term in self._leaves.get(vocabulary, []) if not term.is_retired]

    def resolve(self, vocabulary: str, text: str) -> Term:
        found = self._named.get((vocabulary, _name_key(text)), [])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError(
                _("“%(value)s” is not in this campaign's list; choose it from the drop-down of the template.")
                % {"value": text}
            )
        raise ValidationError(
            _("“%(value)s” is found in several groups; write it as one of: %(paths)s.")
            % {"value": text, "paths": "、".join(self._path(term) for term in found)}
        )


def _name_key(text: str) -> str:
    return "".join(validators.to_half_width(text).split())


# Reading cells -------------------------------------------------------------------------------------------------------


@dataclass
class RowError:
    column: str  # the header of the column at fault; empty when the row as a whole is refused
    message: str


class RowReader:
    """The cells of one row, parsed one by one. A cell that fails reads as empty and its error is kept."""

    def __init__(self, cells: dict[str, object], required: Iterable[str], names: TermNames):
        self.cells, self.required, self.names = cells, required, names
        self.errors: list[RowError] = []

    def read(self, header: str, parse: Callable, empty=None):
        value = self.cells.get(header)
        if value is None:
            if header in self.required:
                self.errors.append(RowError(header, _("%(field)s is required.") % {"field": header}))
            return empty
        try:
            return parse(value)
        except ValidationError as error:
            self.errors.extend(RowError(header, message) for message in error.messages)
            return empty

    def text(self, header: str) -> str:
        return self.read(header, _text, "")

    def term(self, header: str) -> Term | None:
        return self.read(header, lambda value: self.names.resolve(VOCABULARIES[header], _text(value)))

    def terms(self, header: str) -> list[Term]:
        return self.read(header, lambda value: self._several(VOCABULARIES[header], value), [])

    def _several(self, vocabulary: str, value) -> list[Term]:
        found, refused = [], []
        for item in split_list(_text(value)):
            try:
                found.append(self.names.resolve(vocabulary, item))
            except ValidationError as error:
                refused.extend(error.messages)
        if refused:
            raise ValidationError(refused)
        return list(dict.fromkeys(found))  # a name given twice is chosen once

    def amount(self, header: str) -> Decimal | None:
        return self.read(header, lambda value: validators.parse_amount(value, field_label=header))

    def count(self, header: str) -> int | None:
        return self.read(header, lambda value: validators.parse_count(value, field_label=header))

    def choice(self, header: str, choices: dict[str, object], empty=None):
        def parse(value):
            text = _text(value)
            if text in choices:
                return choices[text]
            raise ValidationError(_("Choose one of: %(choices)s.") % {"choices": "、".join(choices)})
        return self.read(header, parse, empty)

    def date(self, header: str) -> date | None:
        return self.read(header, _date)


def _text(value) -> str:
    # Excel keeps every number as a float: a name or a code typed as digits comes back as 123.0, and a computed one
    # as 0.7999999999999999 where the cell shows 0.8.
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(validators.as_displayed(value))
    return str(value)


def _entity_name(value) -> str:
    name = validators.normalise_name(_text(value))
    if not name:  # nothing but invisible characters
        raise ValidationError(_("%(field)s is required.") % {"field": NAME})
    limit = Entity._meta.get_field("name").max_length
    if len(name) > limit:
        raise ValidationError(_("The name has more than %(limit)d characters.") % {"limit": limit})
    return name


def _credit_code(value) -> str:
    if isinstance(value, float) and value >= 1e15:
        raise ValidationError(
            _("The code was stored as a number and Excel kept only its first 15 digits. Format the column as text "
              "and type the code again.")
        )
    return _text(value)


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = "".join(validators.to_half_width(_text(value)).split())
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise ValidationError(_("“%(value)s” is not a date; write it like 2026-11-25.") % {"value": value})


def _entity(row: RowReader, accept_code_warnings: bool) -> EntityData:
    return EntityData(
        name=row.read(NAME, _entity_name, ""), credit_code=row.read(CODE, _credit_code, ""),
        confirm_code_warning=accept_code_warnings,
    )


def _clue(row: RowReader, accept_code_warnings: bool) -> ClueData:
    return ClueData(
        entity=_entity(row, accept_code_warnings),
        sector=row.term(SECTOR),
        behaviours=row.terms(BEHAVIOURS),
        fundraising_mode=row.term(MODE),
        channel=row.choice(CHANNEL, CHANNELS, ""),
        amount_involved=row.amount(AMOUNT),
        people_involved=row.count(PEOPLE),
        unpaid_funds=row.amount(UNPAID) or Decimal("0.00"),
        cross_province=row.choice(CROSS_PROVINCE, {YES: True, NO: False}, False),
        problems=row.terms(PROBLEMS),
        source=row.term(SOURCE),
        description=row.text(DESCRIPTION),
    )


def _record(row: RowReader, accept_code_warnings: bool) -> RecordData:
    return RecordData(
        entity=_entity(row, accept_code_warnings),
        sector=row.term(SECTOR),
        behaviours=row.terms(BEHAVIOURS),
        method=row.term(METHOD),
        area=row.term(AREA),
        screened_on=row.date(SCREENED_ON),
        result=row.choice(RESULT, RESULTS, ScreeningRecord.Result.NO_PROBLEM),
    )


# The two kinds of workbook -------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Sheet:
    kind: str  # as in the URLs: /import/<kind>/
    title: str
    headers: tuple[str, ...]
    required: tuple[str, ...]
    read: Callable[[RowReader, bool], ClueData | RecordData]
    check: Callable[[ClueData | RecordData, TermChecker], None]
    model: type  # where the unit's earlier rows are looked for: one per entity and sector
    already_there: str  # why such a row is refused
    counted: str  # "%(count)d clues", with its plural forms


CLUES = Sheet(
    kind="clues", title="风险线索",
    headers=(NAME, CODE, SECTOR, BEHAVIOURS, MODE, CHANNEL, AMOUNT, PEOPLE, UNPAID, CROSS_PROVINCE, PROBLEMS, SOURCE,
             DESCRIPTION),
    required=(NAME, SECTOR, AMOUNT, PEOPLE),
    read=_clue, check=services.check_clue, model=Clue,
    already_there=gettext_lazy(
        "%(entity)s already has a clue from this unit in %(sector)s; edit that clue instead."
    ),
    counted=ngettext_lazy("%(count)d clue", "%(count)d clues", "count"),
)
RECORDS = Sheet(
    kind="records", title="排查记录",
    headers=(NAME, CODE, SECTOR, BEHAVIOURS, METHOD, AREA, SCREENED_ON, RESULT),
    required=(NAME, SECTOR),
    read=_record, check=services.check_record, model=ScreeningRecord,
    already_there=gettext_lazy("%(entity)s has already been screened by this unit in %(sector)s."),
    counted=ngettext_lazy("%(count)d screening record", "%(count)d screening records", "count"),
)
SHEETS = {sheet.kind: sheet for sheet in (CLUES, RECORDS)}


# Preview and confirmation --------------------------------------------------------------------------------------------


@dataclass
class PreviewRow:
    number: int  # the row's number in Excel
    cells: dict[str, object]
    data: ClueData | RecordData
    errors: list[RowError] = field(default_factory=list)
    code_warning: bool = False  # the check character is wrong and the user accepted it

    @property
    def status(self) -> str:
        return "error" if self.errors else "new"


@dataclass
class Preview:
    sheet: Sheet
    rows: list[PreviewRow]

    @property
    def error_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.errors]

    @property
    def is_valid(self) -> bool:
        return not self.error_rows


def preview(file, *, sheet: Sheet, campaign: Campaign, unit: Unit, accept_code_warnings: bool = False) -> Preview:
    """Every row of the workbook in ``file``, with all its errors. Raises excel.ExcelError when the file as a whole
    is refused. Saves nothing."""
    table = excel.read_table(file, headers=sheet.headers, required=sheet.required)
    terms = TermChecker(campaign)
    names = TermNames(terms.by_id.values())
    rows = []
    for number, cells in table:
        reader = RowReader(cells, sheet.required, names)
        row = PreviewRow(number, cells, sheet.read(reader, accept_code_warnings), reader.errors)
        row.code_warning = _service_check(row, sheet, terms)
        rows.append(row)
    _refuse_repeats(rows, sheet, campaign, unit)
    return Preview(sheet, rows)


def _service_check(row: PreviewRow, sheet: Sheet, terms: TermChecker) -> bool:
    """The checks the service makes when it saves, run now so that the preview shows their refusals at their column.
    True when the credit code's check character is wrong and was accepted. The row's own checks need every cell read,
    so they wait until the cells are right; the entity's need only its name."""
    cells_read = not row.errors
    code_warning = False
    if row.data.entity.name:
        try:
            code_warning = services.check_entity(row.data.entity)[1]
        except ValidationError as error:
            row.errors.extend(_errors_of(error))
    if cells_read:
        try:
            sheet.check(row.data, terms)
        except ValidationError as error:
            row.errors.extend(_errors_of(error))
    return code_warning


def _errors_of(error: ValidationError) -> list[RowError]:
    if not hasattr(error, "error_dict"):
        return [RowError("", message) for message in error.messages]
    return [
        RowError(FIELD_HEADERS.get(name, ""), _with_hint(item))
        for name, items in error.error_dict.items()
        for item in items
    ]


def _with_hint(error: ValidationError) -> str:
    message = error.messages[0]
    if error.code == "credit_code_check":
        return message + " " + _("To keep such codes, tick “Accept credit codes whose check character is wrong” when "
                                 "uploading, or give --accept-code-warnings to the import command.")
    return message


def _refuse_repeats(rows: list[PreviewRow], sheet: Sheet, campaign: Campaign, unit: Unit) -> None:
    """One row per entity and sector: a second in the file, or one the unit already has, is refused."""
    first_row: dict[tuple, int] = {}
    for row in rows:
        if row.data.sector is None or not row.data.entity.name:
            continue
        key = (services.entity_key(row.data.entity), row.data.sector.pk)
        if key in first_row:
            row.errors.append(RowError(_entity_column(row), _("Row %(row)d has the same entity in the same sector.")
                                       % {"row": first_row[key]}))
        else:
            first_row[key] = row.number
    existing = _existing(sheet, campaign, unit, {entity for entity, _sector in first_row})
    for row in rows:
        if row.data.sector is not None and (services.entity_key(row.data.entity), row.data.sector.pk) in existing:
            row.errors.append(RowError(
                _entity_column(row),
                sheet.already_there % {"entity": row.data.entity.name, "sector": row.data.sector.name},
            ))


def _entity_column(row: PreviewRow) -> str:
    return CODE if row.data.entity.credit_code else NAME


def _existing(sheet: Sheet, campaign: Campaign, unit: Unit, entities: set[tuple[str, str]]) -> set[tuple]:
    """The (entity key, sector) pairs the unit already has rows for, among ``entities``: one query."""
    codes = [code for code, _name in entities if code]
    names = [name for code, name in entities if not code]
    found = sheet.model.objects.filter(campaign=campaign, unit=unit).filter(
        Q(entity__credit_code__in=codes) | Q(entity__credit_code__isnull=True, entity__name_key__in=names)
    )
    return {
        ((code or "", "" if code else name), sector)
        for code, name, sector in found.values_list("entity__credit_code", "entity__name_key", "sector_id")
    }


def save(result: Preview, *, actor, campaign: Campaign, unit: Unit, submit: bool = False) -> list:
    """Save every row of a preview without errors, in one transaction, through the bulk service; ``submit`` hands
    imported clues to the office at once. The service checks the permission, the entry lock and every row again."""
    if not result.is_valid:
        raise ValueError("A preview with errors cannot be saved.")
    rows = [row.data for row in result.rows]
    if result.sheet is CLUES:
        return services.clues_create(actor=actor, campaign=campaign, unit=unit, rows=rows, submit=submit)
    return services.records_create(actor=actor, campaign=campaign, unit=unit, rows=rows)


def row_error_lines(result: Preview) -> list[str]:
    """Every error as one line: 第 N 行 [列名]: reason."""
    return [
        (_("Row %(row)d [%(column)s]: %(message)s") if error.column else _("Row %(row)d: %(message)s"))
        % {"row": row.number, "column": error.column, "message": error.message}
        for row in result.error_rows
        for error in row.errors
    ]
