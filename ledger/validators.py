"""Checks of what people type or import: credit codes, amounts in 万元, head counts.

Every error is a ValidationError with a message in the user's language, raised at the field it concerns.
"""

import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18
MAX_AMOUNT = Decimal("999999999999.99")  # DecimalField(14, 2)
CENT = Decimal("0.01")
MAX_COUNT = 2147483647  # PositiveIntegerField on PostgreSQL


# Excel and WPS keep every number as a binary float and show it with 15 significant digits: a computed cell that
# shows 0.8 may hold 0.7999999999999999. What the user saw is what is checked.
SPREADSHEET_DIGITS = 15


def as_displayed(value: float) -> Decimal:
    """A float from a spreadsheet cell, as the spreadsheet shows it."""
    return Decimal(format(value, f".{SPREADSHEET_DIGITS}g"))


def to_half_width(text: str) -> str:
    """Full-width digits, letters and punctuation (１２３，ＡＢ) become their ASCII forms (， becomes ,)."""
    return unicodedata.normalize("NFKC", text)


# Control characters, and the format characters pasted from web pages and chat messages without being seen: zero-width
# spaces and joiners, the byte-order mark, soft hyphens.
INVISIBLE_CATEGORIES = ("Cc", "Cf")


def normalise_name(raw) -> str:
    """An entity's name as it is stored and matched, so that the same company typed twice is one entity: half-width
    (NFKC), invisible characters removed, every run of spaces (full-width, non-breaking, tabs) one space, none at the
    ends."""
    text = to_half_width(str(raw or ""))
    visible = "".join(char for char in text if char.isspace() or unicodedata.category(char) not in INVISIBLE_CATEGORIES)
    return " ".join(visible.split())


def normalise_credit_code(raw) -> str:
    """Upper-case, half-width, without any spaces."""
    return "".join(to_half_width(str(raw or "")).split()).upper()


def credit_code_check_character(code17: str) -> str:
    total = sum(CREDIT_CODE_ALPHABET.index(char) * weight for char, weight in zip(code17, CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code_format(code: str) -> None:
    """GB 32100-2015 form: 18 characters of the code alphabet, positions 3–8 the division code (digits)."""
    if len(code) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d.") % {"count": len(code)},
        )
    wrong = sorted({char for char in code if char not in CREDIT_CODE_ALPHABET})
    if wrong:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s (I, O, S, V and Z are never used).")
            % {"chars": "、".join(wrong)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of a unified social credit code are the division code and must be digits."),
        )


def credit_code_check_passes(code: str) -> bool:
    return credit_code_check_character(code[:17]) == code[17]


def parse_amount(raw, *, field_label: str) -> Decimal:
    """An amount in 万元: a number ≥ 0 with at most two decimals. More decimals are refused, never rounded."""
    shown = raw
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, float):
        value = shown = as_displayed(raw)
    elif isinstance(raw, int) and not isinstance(raw, bool):  # True is an int, and no amount
        value = Decimal(raw)
    else:
        text = to_half_width(str(raw or "")).strip().replace(",", "").replace(" ", "")
        if not text:
            raise ValidationError(_("%(field)s is required.") % {"field": field_label})
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError(
                _("%(field)s must be a number, not “%(value)s”.") % {"field": field_label, "value": raw},
            )
    if not value.is_finite():
        raise ValidationError(_("%(field)s must be a number.") % {"field": field_label})
    if value < 0:
        raise ValidationError(_("%(field)s cannot be negative.") % {"field": field_label})
    if value > MAX_AMOUNT:
        raise ValidationError(_("%(field)s is too large.") % {"field": field_label})
    if value != value.quantize(CENT):
        raise ValidationError(
            _("%(field)s takes at most two decimals (万元); “%(value)s” has more.")
            % {"field": field_label, "value": shown},
        )
    return value.quantize(CENT)


def parse_count(raw, *, field_label: str) -> int:
    """A head count: a whole number ≥ 0 (全角 digits and thousands separators understood)."""
    if isinstance(raw, bool):
        raise ValidationError(_("%(field)s must be a whole number.") % {"field": field_label})
    if isinstance(raw, int):
        value = raw
    else:
        text = str(as_displayed(raw)) if isinstance(raw, float) else to_half_width(str(raw or ""))
        text = text.strip().replace(",", "")
        if not text:
            raise ValidationError(_("%(field)s is required.") % {"field": field_label})
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(
                _("%(field)s must be a whole number, not “%(value)s”.") % {"field": field_label, "value": raw},
            )
        if not number.is_finite() or number != number.to_integral_value():
            raise ValidationError(
                _("%(field)s must be a whole number, not “%(value)s”.") % {"field": field_label, "value": raw},
            )
        value = int(number)
    if value < 0:
        raise ValidationError(_("%(field)s cannot be negative.") % {"field": field_label})
    if value > MAX_COUNT:
        raise ValidationError(_("%(field)s is too large.") % {"field": field_label})
    return value


ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK = "10X98765432"
ID_NUMBER_LENGTH = 18


def id_number_check_character(first17: str) -> str:
    return ID_NUMBER_CHECK[sum(int(digit) * weight for digit, weight in zip(first17, ID_NUMBER_WEIGHTS)) % 11]


def normalise_id_number(raw) -> str:
    """Upper-case (x → X), half-width, without any spaces."""
    return "".join(to_half_width(str(raw or "")).split()).upper()


def validate_id_number(number: str) -> None:
    """A resident ID number of GB 11643-1999: 18 characters, 17 digits (the birth date a real date) and the check
    character of ISO 7064 MOD 11-2 (a digit or X)."""
    if len(number) != ID_NUMBER_LENGTH or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("A resident ID number has 18 characters: 17 digits and a last digit or X."), code="id_number_format"
        )
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("Characters 7–14 of the ID number are not a date of birth (%(digits)s).") % {"digits": number[6:14]},
            code="id_number_birth_date",
        ) from None
    expected = id_number_check_character(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("The check character of the ID number is wrong (it should be %(expected)s): check the number.")
            % {"expected": expected},
            code="id_number_check",
        )
