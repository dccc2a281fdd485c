"""The sector and behaviour pickers of the clue and record forms nest as the campaign's tree: a group's items under
it, a term without items at the top level beside the groups, as in the official forms."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from screening import services as screening_services
from screening.locks import today_local
from screening.models import Campaign, Phase, Term
from screening.taxonomy_fixtures import load_taxonomy, read_form
from tests.factories import expect
from tests.orgs.test_pages import login

ENTRY_PAGES = ("ledger:clue_create", "ledger:record_create")


class Nesting(HTMLParser):
    """The nesting of a <select> (optgroups) or of a list of tick boxes (nested <ul> under a group's name) found by
    its id: a leaf as its text, a group as (name, [leaves])."""

    VOID = {"input", "br", "img"}

    def __init__(self, element_id: str):
        super().__init__()
        self.element_id, self.depth, self.found = element_id, 0, []
        self.stack: list[list] = []
        self.text = self.group_name = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if not self.depth:
            if attrs.get("id") == self.element_id:
                self.depth, self.stack = 1, [self.found]
            return
        if tag in self.VOID:
            return
        self.depth += 1
        if tag in ("optgroup", "ul"):
            group = (attrs.get("label") or self.group_name, [])
            self.stack[-1].append(group)
            self.stack.append(group[1])
        self.text = ""

    def handle_data(self, data):
        if self.depth:
            self.text += data

    def handle_endtag(self, tag):
        if not self.depth or tag in self.VOID:
            return
        self.depth -= 1
        if tag in ("optgroup", "ul") and self.depth:
            self.stack.pop()
        elif tag in ("option", "label") and self.text.strip():
            self.stack[-1].append(self.text.strip())
        elif tag == "span":
            self.group_name = self.text.strip()
        self.text = ""


def nesting(html: str, element_id: str) -> list:
    parser = Nesting(element_id)
    parser.feed(html)
    return parser.found


def as_drawn(nodes) -> list:
    return [node if isinstance(node, str) else (node["name"], node["children"]) for node in nodes]


@pytest.fixture
def campaign_of(tree):
    """An open campaign of 甲县 with the taxonomy of the 2017 or the 2018 form, for which 一街道 enters."""
    def make(form: str) -> Campaign:
        today = today_local()
        campaign = Campaign.objects.create(
            title=f"{form}年表式", slug=f"form-{form}", year=today.year, issuing_unit=tree.unit("office"),
            scope_unit=tree.unit("county"), status=Campaign.Status.PUBLISHED,
        )
        Phase.objects.create(campaign=campaign, kind=Phase.Kind.SCREENING, start=today - timedelta(days=1),
                             end=today + timedelta(days=9), deadline=today + timedelta(days=9))
        load_taxonomy(actor=None, campaign=campaign, form=form)
        expect(campaign, tree.unit("township"))
        return campaign
    return make


@pytest.mark.parametrize("page", ENTRY_PAGES)
@pytest.mark.parametrize("form", ["2017", "2018"])
def test_the_pickers_nest_as_the_form_does(client, tree, campaign_of, form, page):
    campaign = campaign_of(form)
    login(client, tree.user("staff"))
    html = client.get(reverse(page, args=[campaign.slug])).content.decode()
    official = read_form(form)
    assert nesting(html, "id_sector") == ["---------", *as_drawn(official["sector"])]
    assert nesting(html, "id_behaviours") == as_drawn(official["behaviour"])


def test_the_2018_behaviours_after_a_group_stand_at_the_top(client, tree, campaign_of):
    login(client, tree.user("staff"))
    html = client.get(reverse("ledger:clue_create", args=[campaign_of("2018").slug])).content.decode()
    drawn = nesting(html, "id_behaviours")
    assert drawn[1] == ("打着国家政策旗号的集资行为", ["假借“一带一路”", "假借“共享经济”", "假借“慈善”"])
    assert drawn[2:] == ["以弱势群体为主要目标的集资行为", "辖内其它风险突出的集资行为"]


def test_the_pickers_follow_the_tree_as_the_admin_changes_it(client, tree, campaign_of):
    campaign = campaign_of("2018")
    admin = tree.user("admin")
    behaviour = Term.Vocabulary.BEHAVIOUR
    screening_services.term_add(actor=admin, campaign=campaign, vocabulary=behaviour, name="新型集资行为")
    group = Term.objects.get(campaign=campaign, name="打着国家政策旗号的集资行为")
    screening_services.term_add(actor=admin, campaign=campaign, vocabulary=behaviour, name="假借“养老”", parent=group)
    for name in ("假借“共享经济”", "以弱势群体为主要目标的集资行为"):
        screening_services.term_set_retired(actor=admin, term=Term.objects.get(campaign=campaign, name=name),
                                            retired=True)
    login(client, tree.user("staff"))
    html = client.get(reverse("ledger:record_create", args=[campaign.slug])).content.decode()
    assert nesting(html, "id_behaviours")[1:] == [
        ("打着国家政策旗号的集资行为", ["假借“一带一路”", "假借“慈善”", "假借“养老”"]),
        "辖内其它风险突出的集资行为", "新型集资行为",
    ]
