from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ledger.validators import (
    credit_code_check_character, credit_code_check_passes, normalise_credit_code, parse_amount, parse_count,
    validate_credit_code_format,
)

# Real codes published on the national enterprise credit system (their check characters are right).
VALID_CODES = ["91350100M000100Y43", "91110000710935732K", "91440300708461136T", "91110108551385082Q"]


@pytest.mark.parametrize("code", VALID_CODES)
def test_published_codes_pass_the_check(code):
    validate_credit_code_format(code)
    assert credit_code_check_passes(code)


def test_a_check_remainder_of_zero_gives_the_character_0():
    # 31 - (sum mod 31) is 31 when the sum is a multiple of 31; the standard writes 0 then.
    body = "91120115000000015"
    assert credit_code_check_character(body) == "0"
    assert credit_code_check_passes(body + "0")


def test_letters_are_allowed_from_position_9_on():
    # The organisation code (positions 9 to 17) may hold letters, as in the published 91350100M000100Y43.
    validate_credit_code_format("91350100MA00100Y43")


def test_a_wrong_check_character_is_detected_but_the_format_is_fine():
    code = "91350100M000100Y44"
    validate_credit_code_format(code)
    assert not credit_code_check_passes(code)


def test_lower_case_full_width_and_spaces_are_normalised():
    assert normalise_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert normalise_credit_code("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"
    assert normalise_credit_code("9135 0100 M000 100Y 43") == "91350100M000100Y43"


@pytest.mark.parametrize(("code", "message"), [
    ("91350100M000100Y4", "18"),
    ("91350100M000100Y433", "18"),
    ("91350100M0001O0Y43", "O"),
    ("91AB0100M000100Y43", "3"),
    ("91A50100M000100Y43", "3"),  # the first character of the division code
    ("9135010AM000100Y43", "3"),  # its last: positions 3 to 8
])
def test_wrong_length_alphabet_or_division_is_refused_with_a_chinese_message(code, message):
    with pytest.raises(ValidationError) as refused:
        validate_credit_code_format(code)
    assert message in refused.value.messages[0]
    assert "统一社会信用代码" in refused.value.messages[0]


@pytest.mark.parametrize(("raw", "expected"), [
    ("1,234.50", Decimal("1234.50")),
    ("１２３", Decimal("123.00")),
    ("１，２３４．５", Decimal("1234.50")),
    ("0", Decimal("0.00")),
    (Decimal("0.01"), Decimal("0.01")),
    (12, Decimal("12.00")),
    (0.1, Decimal("0.10")),
    ("3.10", Decimal("3.10")),
    ("3.100", Decimal("3.10")),
])
def test_amounts_are_understood(raw, expected):
    assert parse_amount(raw, field_label="涉及金额（万元）") == expected


@pytest.mark.parametrize(("raw", "fragment"), [
    ("1.234", "两位小数"),
    ("-1", "负数"),
    ("abc", "数字"),
    ("", "必填"),
])
def test_bad_amounts_are_refused_not_rounded(raw, fragment):
    with pytest.raises(ValidationError) as refused:
        parse_amount(raw, field_label="涉及金额（万元）")
    assert fragment in refused.value.messages[0] and "涉及金额（万元）" in refused.value.messages[0]


@pytest.mark.parametrize(("raw", "expected"), [("1,200", 1200), ("１２", 12), (7, 7), ("30.0", 30)])
def test_counts_are_understood(raw, expected):
    assert parse_count(raw, field_label="涉及人数") == expected


@pytest.mark.parametrize("raw", ["1.5", "-2", "many"])
def test_bad_counts_are_refused(raw):
    with pytest.raises(ValidationError):
        parse_count(raw, field_label="涉及人数")
