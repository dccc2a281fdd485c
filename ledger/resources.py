"""The ledger as an Excel workbook (django-import-export), for export only: imports go through ``ledger.importing``,
which checks every row with the services. Terms are named as the import templates name them, so an exported row reads
like an imported one. Text cells are neutralised against formula injection; amounts and counts stay numbers."""

from import_export import fields, resources, widgets

from . import excel
from .importing import (
    AMOUNT, AREA, BEHAVIOURS, CHANNEL, CODE, CROSS_PROVINCE, DESCRIPTION, METHOD, MODE, NAME, NO, PEOPLE, PROBLEMS,
    RESULT, RESULTS, SCREENED_ON, SECTOR, SOURCE, UNPAID, YES, TermNames,
)
from .models import Clue, ScreeningRecord

UNIT = "填报单位"
STATUS = "状态"
RESULT_LABELS = {value: label for label, value in RESULTS.items()}


class LedgerResource(resources.ModelResource):
    unit = fields.Field(attribute="unit__name", column_name=UNIT)
    entity_name = fields.Field(attribute="entity__name", column_name=NAME)
    credit_code = fields.Field(attribute="entity__credit_code", column_name=CODE)
    sector = fields.Field(column_name=SECTOR)
    behaviours = fields.Field(column_name=BEHAVIOURS)

    def __init__(self, names: TermNames):
        super().__init__()
        self.names = names

    def export(self, queryset=None, **kwargs):
        # Native values: numbers reach the workbook as numbers, not as formatted text.
        return super().export(queryset, force_native_type=True, **kwargs)

    def export_field(self, field, instance, **kwargs):
        return excel.neutralise(super().export_field(field, instance, **kwargs))

    def label(self, term) -> str:
        return self.names.label(term) if term else ""

    def labels(self, terms) -> str:
        return "、".join(self.names.label(term) for term in terms.all())

    def dehydrate_sector(self, row) -> str:
        return self.label(row.sector)

    def dehydrate_behaviours(self, row) -> str:
        return self.labels(row.behaviours)


class ClueResource(LedgerResource):
    fundraising_mode = fields.Field(column_name=MODE)
    channel = fields.Field(column_name=CHANNEL)
    amount_involved = fields.Field(attribute="amount_involved", column_name=AMOUNT, widget=widgets.DecimalWidget())
    people_involved = fields.Field(attribute="people_involved", column_name=PEOPLE, widget=widgets.IntegerWidget())
    unpaid_funds = fields.Field(attribute="unpaid_funds", column_name=UNPAID, widget=widgets.DecimalWidget())
    cross_province = fields.Field(column_name=CROSS_PROVINCE)
    problems = fields.Field(column_name=PROBLEMS)
    source = fields.Field(column_name=SOURCE)
    description = fields.Field(attribute="description", column_name=DESCRIPTION)
    status = fields.Field(column_name=STATUS)

    class Meta:
        model = Clue
        fields = (
            "unit", "entity_name", "credit_code", "sector", "behaviours", "fundraising_mode", "channel",
            "amount_involved", "people_involved", "unpaid_funds", "cross_province", "problems", "source", "description",
            "status",
        )
        chunk_size = 1000

    def dehydrate_fundraising_mode(self, clue: Clue) -> str:
        return self.label(clue.fundraising_mode)

    def dehydrate_channel(self, clue: Clue) -> str:
        return clue.get_channel_display()

    def dehydrate_cross_province(self, clue: Clue) -> str:
        return YES if clue.cross_province else NO

    def dehydrate_problems(self, clue: Clue) -> str:
        return self.labels(clue.problems)

    def dehydrate_source(self, clue: Clue) -> str:
        return self.label(clue.source)

    def dehydrate_status(self, clue: Clue) -> str:
        return str(clue.get_status_display())


class RecordResource(LedgerResource):
    method = fields.Field(column_name=METHOD)
    area = fields.Field(column_name=AREA)
    screened_on = fields.Field(attribute="screened_on", column_name=SCREENED_ON, widget=widgets.DateWidget())
    result = fields.Field(column_name=RESULT)

    class Meta:
        model = ScreeningRecord
        fields = ("unit", "entity_name", "credit_code", "sector", "behaviours", "method", "area", "screened_on", "result")
        chunk_size = 1000

    def dehydrate_method(self, record: ScreeningRecord) -> str:
        return self.label(record.method)

    def dehydrate_area(self, record: ScreeningRecord) -> str:
        return self.label(record.area)

    def dehydrate_result(self, record: ScreeningRecord) -> str:
        return RESULT_LABELS[record.result]
