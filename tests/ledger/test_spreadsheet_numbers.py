"""Numbers as the spreadsheet shows them (issue 11, item 6).

Excel and WPS compute in binary floats: a cell showing 0.80 may hold 0.7999999999999999. An amount is checked as the
cell shows it (15 significant digits), so what the user saw is accepted and a value typed with three decimals is still
refused.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from ledger.validators import parse_amount, parse_count

LABEL = "涉及金额（万元）"
# Two-decimal amounts in 万元 as cents, up to 10 亿万元 a cell: sums of ten of them keep 12 significant digits, far
# below the 15 a spreadsheet shows.
CENTS = st.integers(min_value=0, max_value=100_000_000_000)


def typed(cents: int) -> float:
    """What a spreadsheet holds for an amount typed with two decimals."""
    return cents / 100


@given(st.lists(CENTS, min_size=2, max_size=10))
@example([10, 70])  # =0.1+0.7 holds 0.7999999999999999
@example([10, 20])  # =0.1+0.2 holds 0.30000000000000004
def test_a_sum_computed_by_the_spreadsheet_is_read_as_shown(cents):
    computed = 0.0
    for amount in cents:
        computed += typed(amount)
    assert parse_amount(computed, field_label=LABEL) == Decimal(sum(cents)) / 100


@given(st.integers(min_value=0, max_value=10_000_000), st.integers(min_value=0, max_value=10_000))
@example(10, 3)  # =0.1*3 holds 0.30000000000000004
@example(115, 7)  # =1.15*7 holds 8.049999999999999
def test_a_price_times_a_count_computed_by_the_spreadsheet_is_read_as_shown(cents, count):
    assert parse_amount(typed(cents) * count, field_label=LABEL) == Decimal(cents * count) / 100


@given(st.integers(min_value=0, max_value=999_999_999), st.integers(min_value=0, max_value=99),
       st.integers(min_value=1, max_value=9))
def test_an_amount_typed_with_three_decimals_is_refused_as_text_and_as_a_cell(whole, cents, thousandth):
    text = f"{whole}.{cents:02d}{thousandth}"
    for raw in (text, float(text)):
        with pytest.raises(ValidationError) as refused:
            parse_amount(raw, field_label=LABEL)
        assert "两位小数" in refused.value.messages[0] and text in refused.value.messages[0]


@given(st.integers(min_value=0, max_value=1_000_000), st.integers(min_value=1, max_value=100))
@example(3, 10)  # =0.3*10 holds 3.0000000000000004 people
def test_a_head_count_computed_by_the_spreadsheet_is_read_as_shown(people, parts):
    share = people / parts
    assert parse_count(share * parts, field_label="涉及人数") == people
