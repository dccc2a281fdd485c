"""The ledger's filter forms as a browser sends them: the whole form, each field as the page shows it, with the one
field a person set. A filter the person did not touch must not narrow the list."""

import pytest
from django.urls import reverse

from ledger import services
from ledger.services import EntityData, RecordData
from tests.browser_forms import defaults_of_selects, submitted
from tests.ledger.test_views import clue_list, create
from tests.orgs.test_pages import login

FILTERS = "ledger-filters"


@pytest.fixture
def clues(tree, open_campaign, clue_data, term):
    """Three clues: two of 有限公司 in internet finance, one of them across provinces, and a farm."""
    return {
        "loan": create(tree, open_campaign, clue_data()),
        "crossing": create(tree, open_campaign, clue_data(
            entity={"name": "跨省某某有限公司", "credit_code": ""}, cross_province=True, sector=term("第三方支付"),
        )),
        "farm": create(tree, open_campaign, clue_data(
            entity={"name": "某某农业合作社", "credit_code": ""}, sector=term("各类涉农机构"),
        ), unit="village"),
    }


def test_every_select_of_the_clue_filters_opens_on_any(client, tree, open_campaign, clues):
    login(client, tree.user("office"))
    page = client.get(clue_list(open_campaign)).content.decode()
    assert defaults_of_selects(page, form_class=FILTERS) == {
        "unit": "", "sector": "", "behaviours": "", "status": "", "channel": "", "cross_province": "", "o": "",
    }
    assert "<option value=\"\" selected>全部</option>" in page


@pytest.mark.parametrize("field, value, expected", [
    ("text", "有限公司", {"loan", "crossing"}),
    ("sector", "互联网金融行业企业", {"loan", "crossing"}),
    ("cross_province", "False", {"loan", "farm"}),
    ("cross_province", "True", {"crossing"}),
])
def test_the_clue_list_filtered_on_one_field_applies_no_other(client, tree, open_campaign, clues, term,
                                                               field, value, expected):
    login(client, tree.user("office"))
    url = clue_list(open_campaign)
    value = term(value).pk if field == "sector" else value
    data = submitted(client.get(url).content.decode(), form_class=FILTERS, **{field: value})
    rows = client.get(url, data).context["rows"]
    assert {row.clue for row in rows} == {clues[name] for name in expected}


def test_the_record_list_filtered_on_one_field_applies_no_other(client, tree, open_campaign, term):
    services.records_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"), rows=[
        RecordData(entity=EntityData(name="某某理财工作室"), sector=term("民间投融资中介机构")),
        RecordData(entity=EntityData(name="某某典当有限公司"), sector=term("民间投融资中介机构"), result="problem"),
        RecordData(entity=EntityData(name="某某养老院"), sector=term("养老机构")),
    ])
    login(client, tree.user("staff"))
    url = reverse("ledger:record_list", args=[open_campaign.slug])
    page = client.get(url).content.decode()
    assert set(defaults_of_selects(page, form_class=FILTERS).values()) == {""}
    data = submitted(page, form_class=FILTERS, sector=term("民间投融资中介机构").pk)
    assert {record.entity.name for record in client.get(url, data).context["page"]} == {"某某理财工作室", "某某典当有限公司"}
