import pytest

from ledger import services
from orgs.models import LeadingGroup


@pytest.fixture
def report(tree, open_campaign, clue_data):
    """Record a clue for a unit as its staff would, handed to the office unless ``submit=False``."""
    def make(unit="township", user="staff", submit=True, **overrides):
        clue = services.clue_create(actor=tree.user(user), campaign=open_campaign, unit=tree.unit(unit),
                                    data=clue_data(**overrides))
        return services.clue_submit(actor=tree.user(user), clue=clue) if submit else clue
    return make


@pytest.fixture
def submitted(report):
    return report()


@pytest.fixture
def county_group(tree):
    """甲县 and the city have leading groups: the county office approves townships, the city office the county."""
    LeadingGroup.objects.create(government=tree.unit("county"), office=tree.unit("office"))
    LeadingGroup.objects.create(government=tree.unit("city"), office=tree.unit("city_office"))
