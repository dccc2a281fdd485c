"""The county office's home page counts the tips of each month of the year by outcome."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from screening.locks import local_zone
from tips import services
from tips.models import Tip

pytestmark = pytest.mark.django_db


def tips_section(client) -> list[list[str]]:
    page = client.get(reverse("home")).content.decode()
    if 'id="tips"' not in page:
        return []
    body = page.split('id="tips"')[1].split("</tbody>")[0].split("<tbody>")[1]
    return [[cell.split(">")[-1] for cell in row.replace("</th>", "</td>").split("</td>")[:-1]]
            for row in body.split("</tr>")[:-1]]


def test_the_office_home_page_shows_tips_per_month_and_their_outcomes(client, tree, open_campaign, file_tip):
    year = timezone.now().astimezone(local_zone()).year
    first, second, third = (file_tip()[0] for _ in range(3))
    office = tree.user("office")
    for tip in (first, second):
        services.tip_register(actor=office, tip=tip)
    services.tip_close(actor=office, tip=first, reason="不属实")
    services.tip_convert(actor=office, tip=second, campaign=open_campaign, unit=tree.unit("township"),
                         sector=open_campaign.terms.get(name="网络借贷平台"), amount=1, people=1)
    Tip.objects.filter(pk=third.pk).update(filed_at=datetime(year, 1, 15, 12, tzinfo=local_zone()))
    last_year = file_tip()[0]
    Tip.objects.filter(pk=last_year.pk).update(filed_at=datetime(year - 1, 3, 1, 12, tzinfo=local_zone()))
    client.force_login(office)
    rows = tips_section(client)
    month = timezone.now().astimezone(local_zone()).month
    assert len(rows) == 12
    assert rows[0] == ["1", "1", "0", "0", "1"]
    if month != 1:
        assert rows[month - 1] == [str(month), "2", "1", "1", "0"]
    assert rows[2] == ["3", "0", "0", "0", "0"]  # last year's March is not this year's


@pytest.mark.parametrize("role", ["leader", "city_office", "staff"])
def test_no_one_else_sees_the_tips_on_the_home_page(client, tree, open_campaign, file_tip, role):
    file_tip()
    client.force_login(tree.user(role))
    assert tips_section(client) == []
