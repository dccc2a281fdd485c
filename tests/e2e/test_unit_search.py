"""Typing in a unit picker's search box narrows its options to the matching units and the units above them; Enter
chooses the first match. A short list gets no box."""

import pytest
from django.urls import reverse

from orgs.models import Unit
from tests.e2e.test_login import log_in
from tests.factories import UnitFactory

SEARCH = "输入单位名称的一部分"
BUREAUS = ["甲县教育局", "甲县农委", "甲县商务委", "甲县金融服务中心", "甲县公安分局", "甲县民政局"]


@pytest.fixture
def bureaus(tree):
    """Six more departments of 甲县, so that its lists are long enough to be searched."""
    for number, name in enumerate(BUREAUS):
        UnitFactory(name=name, code=f"A-D{number}", level=Unit.Level.COUNTY, kind=Unit.Kind.DEPARTMENT,
                    parent=tree.unit("county"))


def shown(select) -> list[str]:
    return select.evaluate("s => Array.from(s.options).filter(o => !o.hidden).map(o => o.textContent.trim())")


def test_typing_narrows_the_units_of_the_queue_filter(page, tree, open_campaign, bureaus):
    log_in(page, "office")
    page.goto(reverse("review:queue", args=[open_campaign.slug]))
    select = page.locator("#id_unit")
    assert len(shown(select)) == 13
    search = page.get_by_label(SEARCH)
    search.fill("街道")
    assert shown(select) == ["全部", "甲县", "一街道", "二街道"]
    search.fill("社区")
    assert shown(select) == ["全部", "甲县", "一街道", "一社区"]
    search.press("Enter")
    assert select.input_value() == str(tree.unit("village").pk)
    search.fill("")
    assert len(shown(select)) == 13
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(f"**unit={tree.unit('village').pk}**")


def test_enter_in_the_report_unit_search_opens_that_units_tables(page, tree, open_campaign, bureaus):
    log_in(page, "office")
    page.goto(reverse("reports:campaign", args=[open_campaign.slug]))
    page.get_by_label(SEARCH).fill("二街")
    assert shown(page.locator("#report-unit")) == ["甲县", "二街道"]
    with page.expect_navigation():
        page.get_by_label(SEARCH).press("Enter")
    assert f"unit={tree.unit('sibling_township').pk}" in page.url
    assert page.locator("#report-unit").input_value() == str(tree.unit("sibling_township").pk)


def test_a_short_list_gets_no_search_box(page, tree, open_campaign):
    log_in(page, "staff")  # 一街道 and its 一社区
    page.goto(reverse("ledger:clue_list", args=[open_campaign.slug]))
    assert page.locator("#id_unit option").count() == 3
    assert page.get_by_label(SEARCH).count() == 0
