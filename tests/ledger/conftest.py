from datetime import timedelta
from decimal import Decimal

import pytest

from ledger.services import ClueData, EntityData
from screening.locks import today_local
from screening.models import Campaign, Phase, Term
from screening.taxonomy_fixtures import load_taxonomy


@pytest.fixture
def open_campaign(tree) -> Campaign:
    """A published 2018-form campaign of county 甲县 whose screening phase is open today."""
    today = today_local()
    campaign = Campaign.objects.create(
        title="专项排查", slug="open", year=today.year, issuing_unit=tree.unit("office"), scope_unit=tree.unit("county"),
        status=Campaign.Status.PUBLISHED,
    )
    Phase.objects.create(campaign=campaign, kind=Phase.Kind.SCREENING, start=today - timedelta(days=10),
                         end=today + timedelta(days=20), deadline=today + timedelta(days=20))
    load_taxonomy(actor=None, campaign=campaign, form="2018")
    return campaign


@pytest.fixture
def term(open_campaign):
    def find(name: str) -> Term:
        return Term.objects.get(campaign=open_campaign, name=name)
    return find


@pytest.fixture
def clue_data(term):
    """A valid clue's data; keyword arguments override fields, ``entity`` takes EntityData fields."""
    def make(entity=None, **overrides) -> ClueData:
        fields = {
            "entity": EntityData(**({"name": "天津某某投资管理有限公司", "credit_code": "91350100M000100Y43"} | (entity or {}))),
            "sector": term("网络借贷平台"),
            "amount_involved": Decimal("120.50"),
            "people_involved": 35,
            "unpaid_funds": Decimal("20.00"),
            "behaviours": [term("消费返利")],
            "problems": [term("超范围经营"), term("虚假宣传")],
            "channel": "both",
        }
        return ClueData(**(fields | overrides))
    return make
