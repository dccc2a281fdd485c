"""The measure the workbook's row heights are set by (reports/layout.py): what a printed cell needs to show its text."""

from reports.layout import column_points, height, line_count, text_width, units_for


def test_chinese_text_wraps_between_any_two_characters():
    assert text_width("是否通过互联网", 11) == 77
    assert line_count("是否通过互联网", 44, 11) == 2  # four characters a line
    assert line_count("是否通过互联网", 43, 11) == 3


def test_a_count_in_parentheses_is_not_split_and_closing_punctuation_does_not_begin_a_line():
    assert line_count("警示约谈(10)", 62, 10) == 1  # 4 em and 2.2 em of "(10)"
    assert line_count("警示约谈(10)", 55, 10) == 2  # "(10)" goes to the next line whole
    assert line_count("甲乙、丙", 20, 10) == 3  # 、 takes 乙 with it: 甲 / 乙、 / 丙


def test_a_line_break_in_the_text_starts_a_line_and_a_group_wider_than_a_line_is_broken():
    assert line_count("甲\n乙", 100, 10) == 2
    assert line_count("1234567890123456", 22, 10) == 4  # 88 points of digits in 22-point lines


def test_heights_and_widths_in_points_and_column_units():
    assert height("甲", 100, 10) == 10 * 1.45 + 3
    assert height("甲乙", 10, 10) == 2 * 10 * 1.45 + 3
    assert column_points(10) == 10 * 5.25 - 3.75
    assert units_for("1234.56", 10) == (7 * 5.5 + 3.75) / 5.25
