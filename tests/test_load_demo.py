from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from orgs import demo as orgs_demo

from orgs.models import (
    CoordinationGroup, LeadingGroup, LeadingGroupPost, Membership, Unit, UnitUserPermission, User,
)
from oversight.models import Briefing, Bulletin, Inspection, InspectionAction, WorkResults
from review import submissions
from review.models import CaseCounty, CountyNotice, JointCase
from screening import locks
from screening.models import Campaign, ExpectedUnit, Phase, Responsibility, Term
from tips.models import Tip, TipEvent

COUNTED = (
    Unit, User, Membership, UnitUserPermission, LeadingGroup, LeadingGroupPost, CoordinationGroup,
    Campaign, Phase, Term, Responsibility, ExpectedUnit, Briefing, Bulletin, Inspection, InspectionAction, WorkResults,
    Tip, TipEvent, CountyNotice, JointCase, CaseCounty,
)


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_load_demo_twice_leaves_the_same_counts(db, debug_on):
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first
    assert first["Briefing"] == 2 and first["Bulletin"] == 1 and first["InspectionAction"] == 2
    assert first["Tip"] == 3
    assert first["CountyNotice"] == 1 and first["JointCase"] == 1 and first["CaseCounty"] == 2
    assert "county_office" in out.getvalue() and "Demo@2026" in out.getvalue()


def test_the_demo_campaign_is_open_for_entry_the_day_it_is_loaded(db, debug_on):
    call_command("load_demo", stdout=StringIO())
    current = Campaign.objects.get(slug="current-special")
    township = Unit.objects.get(code="120115001")
    assert locks.entry_state(current, township).is_open
    assert current.terms.filter(vocabulary="sector", name="网络借贷平台").exists()
    history = Campaign.objects.filter(status=Campaign.Status.ARCHIVED).values_list("year", flat=True)
    assert sorted(history) == [2017, 2018]
    assert not locks.entry_state(Campaign.objects.get(year=2017), township).is_open


def test_the_campaigns_command_prints_slug_year_title(db, debug_on):
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("campaigns", stdout=out)
    lines = out.getvalue().splitlines()
    assert "2017-baodi-special\t2017\t宝坻区涉嫌非法集资风险专项排查活动" in lines
    assert len(lines) == Campaign.objects.count()
    assert all(len(line.split("\t")) == 3 for line in lines)


def test_every_township_and_member_department_of_baodi_reports_in_the_demo_campaign(db, debug_on):
    call_command("load_demo", stdout=StringIO())
    current = Campaign.objects.get(slug="current-special")
    grid = submissions.approval_grid(current, Unit.objects.get(code="120115"))
    kinds = [row.unit.kind for row in grid.rows]
    # The six townships and the 26 departments of the leading group (区维稳办, 区国税局 and 区国资委 are not members).
    assert (kinds.count("government"), kinds.count("department")) == (6, 26)
    # Accounts: four townships (multi_staff works for two) and two bureaux; a village's account is not its township's.
    assert sum(row.has_account for row in grid.rows) == 6
    assert Campaign.objects.get(slug="2017-baodi-special").expected_units.count() == 32


def printed_passwords(out: str) -> dict[str, str]:
    usernames = set(orgs_demo.demo_usernames())
    return {fields[0]: fields[1] for fields in (line.split() for line in out.splitlines()) if fields and fields[0] in usernames}


def test_without_debug_load_demo_refuses_the_shared_password(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG 关闭时，请给出 --passwords-from"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_random_passwords_give_each_account_its_own_printed_password(db, settings):
    settings.DEBUG = False
    out = StringIO()
    call_command("load_demo", "--random-passwords", stdout=out)
    passwords = printed_passwords(out.getvalue())
    assert set(passwords) == set(orgs_demo.demo_usernames())
    assert len(set(passwords.values())) == len(passwords)
    for user in User.objects.filter(username__in=passwords):
        assert user.check_password(passwords[user.username]) and not user.check_password(orgs_demo.DEMO_PASSWORD)


def test_passwords_from_a_file_are_set_and_a_wrong_file_saves_nothing(db, settings, tmp_path):
    settings.DEBUG = False
    usernames = orgs_demo.demo_usernames()
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("admin\tZx-81-kettle-drum\ncounty_office\n1234\tcity_leader\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("load_demo", "--passwords-from", str(wrong), stdout=StringIO())
    assert str(refused.value).splitlines() == ["第 2 行：请写用户名，再写制表符或空格，然后写密码。", "第 3 行：1234 不是演示账户。"]
    assert not User.objects.exists()
    given = tmp_path / "passwords.txt"
    given.write_text("".join(f"{name}  Zx-81-{name}-drum\n" for name in usernames), encoding="utf-8")
    call_command("load_demo", "--passwords-from", str(given), stdout=StringIO())
    assert all(user.check_password(f"Zx-81-{user.username}-drum") for user in User.objects.filter(username__in=usernames))
