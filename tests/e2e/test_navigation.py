"""At 1366 × 768, the common screen of office computers, the top bar keeps to one line with the longest unit name of
the demo: the name is cut with an ellipsis and shown whole on hover."""

import json
from pathlib import Path

from django.conf import settings

from tests.e2e.test_login import log_in


def longest_demo_unit_name() -> str:
    data = json.loads((Path(settings.BASE_DIR) / "fixtures" / "demo_org.json").read_text(encoding="utf-8"))
    names, nodes = [], list(data["units"])
    while nodes:
        node = nodes.pop()
        names.append(node["name"])
        nodes.extend(node["children"])
    return max(names, key=len)


def assert_one_line(page) -> None:
    """Every visible part of the bar (its name, each menu entry, each part of the account area, the language) starts
    on the same line, and the bar is one line high."""
    tops = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.topbar > .brand, .topbar .menu > a, .topbar .account > *, .topbar > form'))
        .filter(e => e.offsetParent !== null).map(e => Math.round(e.getBoundingClientRect().top))""")
    height = page.locator(".topbar").bounding_box()["height"]
    assert len(tops) > 8 and max(tops) - min(tops) < 12 and height < 60, (tops, height)


def test_the_office_bar_is_one_line_with_the_longest_unit_name(page, tree):
    name = longest_demo_unit_name()
    office = tree.unit("office")
    office.name = name
    office.save()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "office")
    assert_one_line(page)
    shown = page.locator(".topbar .unit-name")
    assert shown.get_attribute("title") == f"{name} · 领导小组办公室"
    assert shown.locator(".name").evaluate("e => e.scrollWidth > e.clientWidth")  # cut, with an ellipsis
    assert shown.locator(".role").is_visible()


def test_every_page_has_the_sites_icon(page, tree):
    log_in(page, "staff")
    icon = page.request.get(page.locator("link[rel=icon]").get_attribute("href"))
    assert icon.ok and icon.headers["content-type"] == "image/svg+xml" and b"<svg" in icon.body()
    # Pages that name no icon (the admin's): the browser asks the site's root.
    fallback = page.request.get("/favicon.ico")
    assert fallback.ok and fallback.url.endswith("/static/favicon.svg")
