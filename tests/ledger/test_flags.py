"""The cross-region flag (seed 001 六(二)): which side of the registration is "here" is the county of the unit that
reported the clue, and the flag the user reads says so."""

import re

import pytest
from django.urls import reverse

from ledger import services
from tests.orgs.test_pages import login

REGISTERED_HERE = "本地注册异地经营"
OPERATING_HERE = "异地注册本地经营"


@pytest.fixture
def clues(tree, open_campaign, clue_data):
    """甲县 is 120115; one company is registered there and operates in Beijing, the other the reverse (its operating
    division given to the township, nine digits)."""
    county = tree.unit("county")
    county.code = "120115"
    county.save()

    def report(name, registered, operating):
        entity = {"name": name, "credit_code": "", "registered_division": registered, "operating_division": operating}
        clue = services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                                    data=clue_data(entity=entity))
        return services.clue_submit(actor=tree.user("staff"), clue=clue)

    report("本地注册的公司", "120115", "110101")
    report("外地注册的公司", "110101", "120115001")


def flag_of(html: str, name: str) -> str:
    """The cross-region flag in the table row of ``name``."""
    [row] = [row for row in html.split("<tr") if name in row]
    found = re.findall(f"{REGISTERED_HERE}|{OPERATING_HERE}|注册地与经营地不一致", row)
    return found[0] if found else ""


@pytest.mark.parametrize(("user", "page"), [("staff", "ledger:clue_list"), ("office", "review:queue")])
def test_the_flag_says_whether_the_company_was_registered_here_or_operates_here(client, tree, open_campaign, clues,
                                                                                user, page):
    login(client, tree.user(user))
    html = client.get(reverse(page, args=[open_campaign.slug])).content.decode()
    assert flag_of(html, "本地注册的公司") == REGISTERED_HERE
    assert flag_of(html, "外地注册的公司") == OPERATING_HERE
