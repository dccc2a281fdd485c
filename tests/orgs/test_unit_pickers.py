"""Unit pickers list the tree in tree order, each unit indented under the one above it, and are marked for the search
box of static/js/app.js (tests/e2e/test_unit_search.py types in it); without JavaScript they are plain selects."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.urls import reverse

from ledger import services
from orgs.forms import INDENT, UnitTreeChoiceField, UnitTreeMultipleChoiceField
from orgs.models import Unit
from tests.factories import UnitFactory
from tests.orgs.test_pages import login


class Options(HTMLParser):
    """The options of the select whose name or id is given: (indentation, name) of each."""

    def __init__(self, select: str):
        super().__init__()
        self.select, self.inside, self.options, self.attrs = select, False, [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select" and self.select in (attrs.get("name"), attrs.get("id")):
            self.inside, self.attrs = True, attrs
        elif tag == "option" and self.inside:
            self.options.append("")

    def handle_data(self, data):
        if self.inside and self.options:
            self.options[-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.inside = False


def picker(html: str, select: str) -> tuple[dict, list[tuple[int, str]]]:
    parser = Options(select)
    parser.feed(html)
    options = [(len(text) - len(text.lstrip(INDENT)), text.lstrip(INDENT).strip()) for text in parser.options]
    return parser.attrs, options


def assert_tree_order(options: list[tuple[int, str]], parents: dict[str, str]) -> None:
    """Each unit comes after its parent, one step further in, with nothing but the parent's other descendants in
    between."""
    names = [name for _indent, name in options]
    indent = dict((name, level) for level, name in options)
    for child, parent in parents.items():
        at, above = names.index(child), names.index(parent)
        assert above < at and indent[child] == indent[parent] + 1, (child, parent)
        assert all(indent[name] > indent[parent] for name in names[above + 1:at]), (child, parent)


def test_the_queue_filter_lists_the_county_as_a_tree(client, tree, open_campaign):
    login(client, tree.user("office"))
    attrs, options = picker(client.get(reverse("review:queue", args=[open_campaign.slug])).content.decode(), "unit")
    assert "data-unit-search" in attrs
    assert options[:2] == [(0, "全部"), (0, "甲县")]
    assert {name for _level, name in options[2:]} == {"甲县处非办", "甲县市场监管局", "一街道", "一社区", "二街道"}
    assert_tree_order(options[1:], {"甲县处非办": "甲县", "甲县市场监管局": "甲县", "一街道": "甲县", "一社区": "一街道",
                                    "二街道": "甲县"})


def test_the_report_unit_choice_lists_the_city_as_a_tree(client, tree, open_campaign):
    login(client, tree.user("city_office"))
    page = client.get(reverse("reports:campaign", args=[open_campaign.slug])).content.decode()
    attrs, options = picker(page, "report-unit")
    assert "data-unit-search" in attrs and "data-autosubmit" in attrs
    assert options[0] == (0, "市")
    assert_tree_order(options, {"甲县": "市", "甲县市场监管局": "甲县", "一街道": "甲县", "一社区": "一街道", "二街道": "甲县"})


def test_the_transfer_form_lists_its_governments_as_a_tree(client, tree, open_campaign, clue_data):
    village = UnitFactory(name="二街道一村", code="A2-1", level=Unit.Level.VILLAGE, parent=tree.unit("sibling_township"))
    staff = tree.user("staff")
    clue = services.clue_submit(actor=staff, clue=services.clue_create(
        actor=staff, campaign=open_campaign, unit=tree.unit("township"),
        data=clue_data(entity={"registered_division": village.code})))
    login(client, tree.user("office"))
    attrs, options = picker(client.get(reverse("review:clue", args=[clue.pk])).content.decode(), "to_unit")
    assert "data-unit-search" in attrs
    assert options == [(0, "---------"), (0, "二街道"), (1, "二街道一村")]


@pytest.mark.parametrize("url_name", ["ledger:clue_list", "ledger:record_list"])
def test_the_ledger_lists_filter_by_unit_in_the_tree(client, tree, open_campaign, url_name):
    login(client, tree.user("staff"))
    attrs, options = picker(client.get(reverse(url_name, args=[open_campaign.slug])).content.decode(), "unit")
    assert options == [(0, "全部"), (0, "一街道"), (1, "一社区")] and "data-unit-search" in attrs


class Markup(HTMLParser):
    """Every tag with its attributes (in any order) and every piece of text, whitespace between tags left out."""

    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_starttag(self, tag, attrs):
        self.parts.append((tag, frozenset(attrs)))

    def handle_endtag(self, tag):
        self.parts.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.parts.append(data)


def markup(html: str) -> list:
    parser = Markup()
    parser.feed(html)
    return parser.parts


@pytest.mark.parametrize("multiple", [False, True])
def test_a_picker_writes_the_markup_of_djangos_option_templates(tree, multiple):
    units = Unit.objects.order_by("path")
    field = UnitTreeMultipleChoiceField(queryset=units) if multiple else UnitTreeChoiceField(queryset=units)
    value = [tree.unit("township").pk, tree.unit("village").pk] if multiple else tree.unit("township").pk
    written = field.widget.render("unit", value, attrs={"id": "id_unit"})
    by_template = forms.Widget.render(field.widget, "unit", value, attrs={"id": "id_unit"})
    assert markup(written) == markup(by_template)
    assert written.count("selected") == (2 if multiple else 1)
