"""The workbooks staff download to fill in for an import: the columns with the campaign's drop-down lists, one example
row (marked 示例 and skipped on import), and a 说明 sheet saying what each column holds and how cells are written."""

from decimal import Decimal

from django.utils.translation import gettext as _

from screening.locks import today_local
from screening.models import Campaign

from . import excel
from .importing import (
    AMOUNT, BEHAVIOURS, CHANNEL, CHANNELS, CODE, CROSS_PROVINCE, DESCRIPTION, METHOD, MODE, NAME, NO, PEOPLE, PROBLEMS,
    RESULT, RESULTS, SCREENED_ON, SECTOR, SEVERAL, SOURCE, UNPAID, VOCABULARIES, YES, AREA, Sheet, TermNames,
)

FIXED_OPTIONS = {CHANNEL: list(CHANNELS), CROSS_PROVINCE: [YES, NO], RESULT: list(RESULTS)}
NUMBER_FORMATS = {CODE: "@", AMOUNT: "0.00", UNPAID: "0.00", PEOPLE: "0", SCREENED_ON: "yyyy-mm-dd"}
# Sample data, in the language of the forms like the headers: a made-up company with a valid code.
EXAMPLE_NAME = "天津某某投资管理有限公司"
EXAMPLE_CODE = "91120115MA05W1P3XY"
EXAMPLE_DESCRIPTION = "以高额回报为诱饵向社会公众吸收资金"


def _help() -> dict[str, str]:
    one_of = _("One item of the drop-down list (the campaign's list).")
    several = _("Items of the drop-down list; several are separated by 、 or a comma.")
    amount = _("In 10,000 yuan (万元), a number with at most two decimals, such as 120.5.")
    return {
        NAME: _("The entity's name as written on its business licence."),
        CODE: _("The 18 characters of the unified social credit code, as on the licence; keep the column formatted as "
                "text. Leave it empty when the entity has none."),
        SECTOR: one_of,
        BEHAVIOURS: several,
        MODE: one_of,
        CHANNEL: _("线上, 线下 or 线上线下相结合."),
        AMOUNT: amount,
        PEOPLE: _("A whole number of people."),
        UNPAID: amount + " " + _("Not more than the amount involved; empty means 0."),
        CROSS_PROVINCE: _("是 or 否; empty means 否."),
        PROBLEMS: several,
        SOURCE: one_of,
        DESCRIPTION: _("What was found, in your own words."),
        METHOD: one_of,
        AREA: one_of,
        SCREENED_ON: _("An Excel date, or text such as 2026-11-25, 2026/11/25 or 2026年11月25日; empty means the day "
                       "of the import."),
        RESULT: _("未发现问题 or 发现问题; empty means 未发现问题."),
    }


def _instructions() -> list[str]:
    return [
        _("How to fill it in"),
        _("1. Required columns have red headers. Columns are found by their headers, in any order: do not rename "
          "them; other columns are ignored."),
        _("2. Row 2 is an example: its first cell begins with “示例” and it is never imported. Write your rows below "
          "it, or over it."),
        _("3. Choose terms from the drop-down lists. A term is named by its name, or as 父/子 (the group, a slash, "
          "the item) where the name alone is found in several groups."),
        _("4. Dates may be Excel dates or text such as 2026-11-25, 2026/11/25 or 2026年11月25日."),
        _("5. Save the file as an Excel workbook (.xlsx) without a password: at most %(size)d MB and %(rows)s rows."
          ) % {"size": excel.MAX_FILE_BYTES // (1024 * 1024), "rows": f"{excel.MAX_ROWS:,}"},
        _("6. Every row is checked and shown before anything is saved; when one row is wrong, nothing is saved."),
    ]


def _example(header: str, names: TermNames):
    """The example row's cell: the campaign's first terms, so that it passes the checks as it stands."""
    if header in VOCABULARIES:
        options = names.options(VOCABULARIES[header])
        return "、".join(options[:2] if header in SEVERAL else options[:1]) or None
    return {
        NAME: EXAMPLE_NAME, CODE: EXAMPLE_CODE, CHANNEL: list(CHANNELS)[0], AMOUNT: Decimal("120.50"),
        PEOPLE: 35, UNPAID: Decimal("20.00"), CROSS_PROVINCE: NO, DESCRIPTION: EXAMPLE_DESCRIPTION,
        SCREENED_ON: today_local(), RESULT: list(RESULTS)[0],
    }[header]


def template(sheet: Sheet, campaign: Campaign) -> bytes:
    """The workbook to fill in for ``sheet``, with the campaign's lists as drop-downs."""
    names = TermNames.for_campaign(campaign)
    helps = _help()
    columns = [
        excel.Column(
            header, required=header in sheet.required, several=header in SEVERAL,
            options=names.options(VOCABULARIES[header]) if header in VOCABULARIES else FIXED_OPTIONS.get(header, ()),
            number_format=NUMBER_FORMATS.get(header, ""), help=helps[header], example=_example(header, names),
        )
        for header in sheet.headers
    ]
    return excel.template(columns, title=sheet.title, instructions=_instructions())
