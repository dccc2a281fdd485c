"""Typing in a unit picker's search box narrows its options to the matching units and the units above them; Enter
chooses the first match."""

from django.urls import reverse

from tests.e2e.test_login import log_in

SEARCH = "输入单位名称的一部分"


def shown(select) -> list[str]:
    return select.evaluate("s => Array.from(s.options).filter(o => !o.hidden).map(o => o.textContent.trim())")


def test_typing_narrows_the_units_of_the_queue_filter(page, tree, open_campaign):
    log_in(page, "office")
    page.goto(reverse("review:queue", args=[open_campaign.slug]))
    select = page.locator("#id_unit")
    assert shown(select) == ["全部", "甲县", "甲县处非办", "甲县市场监管局", "一街道", "一社区", "二街道"]
    search = page.get_by_label(SEARCH)
    search.fill("街道")
    assert shown(select) == ["全部", "甲县", "一街道", "二街道"]
    search.fill("社区")
    assert shown(select) == ["全部", "甲县", "一街道", "一社区"]
    search.press("Enter")
    assert select.input_value() == str(tree.unit("village").pk)
    search.fill("")
    assert len(shown(select)) == 7
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(f"**unit={tree.unit('village').pk}**")


def test_enter_in_the_report_unit_search_opens_that_units_tables(page, tree, open_campaign):
    log_in(page, "office")
    page.goto(reverse("reports:campaign", args=[open_campaign.slug]))
    page.get_by_label(SEARCH).fill("二街")
    assert shown(page.locator("#report-unit")) == ["甲县", "二街道"]
    with page.expect_navigation():
        page.get_by_label(SEARCH).press("Enter")
    assert f"unit={tree.unit('sibling_township').pk}" in page.url
    assert page.locator("#report-unit").input_value() == str(tree.unit("sibling_township").pk)
