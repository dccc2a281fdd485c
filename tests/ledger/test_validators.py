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


def test_each_wrong_form_of_a_code_gets_its_own_message():
    messages = {}
    for code in ("91350100M000100Y4", "91350100M0001O0Y43", "9135010AM000100Y43"):
        with pytest.raises(ValidationError) as refused:
            validate_credit_code_format(code)
        messages[code] = refused.value.messages
    assert messages == {
        "91350100M000100Y4": ["统一社会信用代码应为 18 位，此处为 17 位。"],
        "91350100M0001O0Y43": ["统一社会信用代码不能包含 O（代码中不使用 I、O、S、V、Z）。"],
        "9135010AM000100Y43": ["统一社会信用代码第 3 至 8 位为登记管理机关行政区划码，必须是数字。"],
    }


def test_every_wrong_character_is_named_once_in_order():
    with pytest.raises(ValidationError) as refused:
        validate_credit_code_format("9135O1OOM0001S0Y4I")
    assert "I、O、S" in refused.value.messages[0]


def test_the_check_character_is_the_eighteenth():
    assert credit_code_check_passes("91350100M000100Y43")
    assert not credit_code_check_passes("91350100M000100Y34")
    assert credit_code_check_character("91350100M000100Y4") == "3"
    assert credit_code_check_character("91110000710935732") == "K"


def test_a_missing_code_normalises_to_nothing():
    assert normalise_credit_code(None) == normalise_credit_code("") == ""


@pytest.mark.parametrize(("raw", "fragment"), [
    (True, "数字"),
    (Decimal("NaN"), "数字"),
    (Decimal("Infinity"), "数字"),
    ("999999999999.995", "过大"),
    ("12.345", "两位小数"),
    ("1E+30", "过大"),
    ("1000000000000", "过大"),
    (Decimal("-0.01"), "负数"),
    ("   ", "必填"),
    (None, "必填"),
])
def test_more_bad_amounts(raw, fragment):
    with pytest.raises(ValidationError) as refused:
        parse_amount(raw, field_label="涉及金额（万元）")
    assert fragment in refused.value.messages[0] and "涉及金额（万元）" in refused.value.messages[0]


@pytest.mark.parametrize(("raw", "expected"), [
    ("999999999999.99", Decimal("999999999999.99")),
    ("1 234.5", Decimal("1234.50")),
    (Decimal("7"), Decimal("7.00")),
    (2.5, Decimal("2.50")),
])
def test_more_amounts_understood(raw, expected):
    value = parse_amount(raw, field_label="涉及金额（万元）")
    assert value == expected and str(value) == str(expected)


@pytest.mark.parametrize(("raw", "fragment"), [
    (True, "整数"),
    (-1, "负数"),
    (2147483648, "过大"),
    ("2147483648", "过大"),
    ("", "必填"),
    (None, "必填"),
    ("NaN", "整数"),
    ("Infinity", "整数"),
    ("1.5", "整数"),
    ("许多", "整数"),
])
def test_bad_counts_are_refused_with_the_reason(raw, fragment):
    with pytest.raises(ValidationError) as refused:
        parse_count(raw, field_label="涉及人数")
    assert fragment in refused.value.messages[0] and "涉及人数" in refused.value.messages[0]


@pytest.mark.parametrize(("raw", "expected"), [(2147483647, 2147483647), ("2,147,483,647", 2147483647), (0, 0),
                                               ("１，２００", 1200), (" 12 ", 12)])
def test_counts_at_their_bounds(raw, expected):
    assert parse_count(raw, field_label="涉及人数") == expected
