from io import StringIO

from django.core.management import call_command

from orgs.models import (
    CoordinationGroup, LeadingGroup, LeadingGroupPost, Membership, Unit, UnitUserPermission, User,
)
from screening import locks
from screening.models import Campaign, Phase, Responsibility, Term

COUNTED = (
    Unit, User, Membership, UnitUserPermission, LeadingGroup, LeadingGroupPost, CoordinationGroup,
    Campaign, Phase, Term, Responsibility,
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
