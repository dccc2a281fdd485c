from io import StringIO

from django.core.management import call_command

from orgs.models import (
    CoordinationGroup, LeadingGroup, LeadingGroupPost, Membership, Unit, UnitUserPermission, User,
)
from review import submissions
from screening import locks
from screening.models import Campaign, ExpectedUnit, Phase, Responsibility, Term

COUNTED = (
    Unit, User, Membership, UnitUserPermission, LeadingGroup, LeadingGroupPost, CoordinationGroup,
    Campaign, Phase, Term, Responsibility, ExpectedUnit,
)


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_load_demo_twice_leaves_the_same_counts(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first
    assert "county_office" in out.getvalue() and "Demo@2026" in out.getvalue()


def test_the_demo_campaign_is_open_for_entry_the_day_it_is_loaded(db):
    call_command("load_demo", stdout=StringIO())
    current = Campaign.objects.get(slug="current-special")
    township = Unit.objects.get(code="120115001")
    assert locks.entry_state(current, township).is_open
    assert current.terms.filter(vocabulary="sector", name="网络借贷平台").exists()
    history = Campaign.objects.filter(status=Campaign.Status.ARCHIVED).values_list("year", flat=True)
    assert sorted(history) == [2017, 2018]
    assert not locks.entry_state(Campaign.objects.get(year=2017), township).is_open


def test_the_campaigns_command_prints_slug_year_title(db):
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("campaigns", stdout=out)
    lines = out.getvalue().splitlines()
    assert "2017-baodi-special\t2017\t宝坻区涉嫌非法集资风险专项排查活动" in lines
    assert len(lines) == Campaign.objects.count()
    assert all(len(line.split("\t")) == 3 for line in lines)


def test_every_township_and_member_department_of_baodi_reports_in_the_demo_campaign(db):
    call_command("load_demo", stdout=StringIO())
    current = Campaign.objects.get(slug="current-special")
    grid = submissions.approval_grid(current, Unit.objects.get(code="120115"))
    kinds = [row.unit.kind for row in grid]
    # The six townships and the 26 departments of the leading group (区维稳办, 区国税局 and 区国资委 are not members).
    assert (kinds.count("government"), kinds.count("department")) == (6, 26)
    # Accounts: four townships (multi_staff works for two) and two bureaux; a village's account is not its township's.
    assert sum(row.has_account for row in grid) == 6
    assert Campaign.objects.get(slug="2017-baodi-special").expected_units.count() == 32
