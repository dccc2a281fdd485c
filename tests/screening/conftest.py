from datetime import date

import pytest

from screening.models import Campaign, Phase
from screening.taxonomy_fixtures import load_taxonomy
from tests.factories import expect


@pytest.fixture
def campaign(tree) -> Campaign:
    """A published 2018-form campaign of county 甲县; screening runs 5/11–7/30 with the deadline on 7/30. 一街道 and
    甲县市场监管局 are expected to report."""
    county = tree.unit("county")
    campaign = Campaign.objects.create(
        title="2018年涉嫌非法集资风险专项排查活动", slug="c2018", year=2018, document_number="淮处非〔2018〕1号",
        issuing_unit=tree.unit("office"), scope_unit=county, status=Campaign.Status.PUBLISHED,
    )
    Phase.objects.create(campaign=campaign, kind=Phase.Kind.MOBILISATION, name="动员部署阶段",
                         start=date(2018, 5, 8), end=date(2018, 5, 10), deadline=date(2018, 5, 10))
    Phase.objects.create(campaign=campaign, kind=Phase.Kind.SCREENING, name="活动实施阶段",
                         start=date(2018, 5, 11), end=date(2018, 7, 30), deadline=date(2018, 7, 30))
    load_taxonomy(actor=None, campaign=campaign, form="2018")
    expect(campaign, tree.unit("township"), tree.unit("department"))
    return campaign
