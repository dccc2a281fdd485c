from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from screening import locks, services
from screening.locks import EntryClosed
from screening.models import Campaign, Phase, UnitSubmission

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


def reason(campaign, unit, now) -> str:
    with pytest.raises(EntryClosed) as closed:
        locks.require_entry_open(campaign, unit, now=now)
    return closed.value.reason


def test_entry_is_open_during_the_screening_phase(campaign, tree):
    state = locks.entry_state(campaign, tree.unit("township"), now=at(2018, 6, 1, 9))
    assert state.is_open and state.closes_at == at(2018, 7, 30, 23, 59, 59, 999999)


def test_before_the_campaign_starts(campaign, tree):
    assert reason(campaign, tree.unit("township"), at(2018, 5, 10, 23, 59)) == "活动尚未开始"


def test_a_draft_campaign_has_not_started(campaign, tree):
    campaign.status = Campaign.Status.DRAFT
    campaign.save()
    assert reason(campaign, tree.unit("township"), at(2018, 6, 1)) == "活动尚未开始"


def test_the_last_second_of_the_deadline_day_is_open_and_the_next_closed(campaign, tree):
    township = tree.unit("township")
    locks.require_entry_open(campaign, township, now=at(2018, 7, 30, 23, 59, 59))
    closed = reason(campaign, township, at(2018, 7, 31, 0, 0, 0))
    assert closed == "填报已于2018年7月30日截止"


def test_the_deadline_is_read_in_shanghai_time_whatever_the_server_zone(campaign, tree):
    utc = ZoneInfo("UTC")
    township = tree.unit("township")
    locks.require_entry_open(campaign, township, now=datetime(2018, 7, 30, 15, 59, 59, tzinfo=utc))
    assert "截止" in reason(campaign, township, datetime(2018, 7, 30, 16, 0, 0, tzinfo=utc))


def test_an_approved_unit_is_locked_even_before_the_deadline(campaign, tree):
    UnitSubmission.objects.create(campaign=campaign, unit=tree.unit("township"), status=UnitSubmission.Status.APPROVED)
    assert reason(campaign, tree.unit("township"), at(2018, 6, 1)) == "本单位数据已审核锁定"
    assert reason(campaign, tree.unit("village"), at(2018, 6, 1)) == "本单位数据已审核锁定"
    locks.require_entry_open(campaign, tree.unit("sibling_township"), now=at(2018, 6, 1))


def test_a_county_approved_upward_locks_its_townships(campaign, tree):
    UnitSubmission.objects.create(campaign=campaign, unit=tree.unit("county"), status=UnitSubmission.Status.APPROVED)
    assert reason(campaign, tree.unit("sibling_township"), at(2018, 6, 1)) == "本单位数据已审核锁定"


def test_a_returned_submission_does_not_lock(campaign, tree):
    UnitSubmission.objects.create(campaign=campaign, unit=tree.unit("township"), status=UnitSubmission.Status.RETURNED)
    locks.require_entry_open(campaign, tree.unit("township"), now=at(2018, 6, 1))


def test_a_unit_outside_the_scope_cannot_enter(campaign, tree):
    assert reason(campaign, tree.unit("other_township"), at(2018, 6, 1)) == "本单位不在本次排查活动范围内"


def test_a_lock_exception_reopens_one_unit_until_its_date(campaign, tree):
    township = tree.unit("township")
    exception = services.lock_exception_grant(
        actor=tree.user("office"), campaign=campaign, unit=township, until=date(2018, 8, 5), reason="补录遗漏机构"
    )
    assert exception.granted_by == tree.user("office")
    state = locks.entry_state(campaign, township, now=at(2018, 8, 5, 23, 59, 59))
    assert state.is_open and state.by_exception
    locks.require_entry_open(campaign, tree.unit("village"), now=at(2018, 8, 1))
    assert "截止" in reason(campaign, township, at(2018, 8, 6, 0, 0, 0))
    assert "截止" in reason(campaign, tree.unit("sibling_township"), at(2018, 8, 1))


def test_only_the_office_reopens_entry(campaign, tree):
    for role in ("staff", "leader", "admin"):
        with pytest.raises(PermissionDenied):
            services.lock_exception_grant(
                actor=tree.user(role), campaign=campaign, unit=tree.unit("township"), until=date(2018, 8, 5),
                reason="x",
            )


def test_overlapping_screening_phases_keep_entry_open_until_the_later_deadline(campaign, tree):
    Phase.objects.create(campaign=campaign, kind=Phase.Kind.SCREENING, name="补充排查",
                         start=date(2018, 7, 1), end=date(2018, 8, 15), deadline=date(2018, 8, 15))
    state = locks.entry_state(campaign, tree.unit("township"), now=at(2018, 8, 10))
    assert state.is_open and state.closes_at.date() == date(2018, 8, 15)


def test_entry_opens_at_the_first_moment_of_the_screening_phase(campaign, tree):
    state = locks.entry_state(campaign, tree.unit("township"), now=at(2018, 5, 11, 0, 0, 0))
    assert state.is_open and state.reason == ""


def test_entry_opens_at_midnight_in_shanghai_whatever_the_server_zone(campaign, tree):
    # 16:30 UTC on 10 May is 00:30 on 11 May in Shanghai: the first day of the screening phase.
    assert locks.entry_state(campaign, tree.unit("township"), now=datetime(2018, 5, 10, 16, 30,
                                                                            tzinfo=ZoneInfo("UTC"))).is_open


def test_the_very_last_instant_of_the_deadline_day_is_still_open(campaign, tree):
    state = locks.entry_state(campaign, tree.unit("township"), now=at(2018, 7, 30, 23, 59, 59, 999999))
    assert state.is_open


@pytest.mark.parametrize(("when", "setup", "message"), [
    (at(2018, 5, 1), None, "活动尚未开始"),
    (at(2018, 8, 1), None, "填报已于2018年7月30日截止"),
    (at(2018, 6, 1), "approved", "本单位数据已审核锁定"),
    (at(2018, 6, 1), "outside", "本单位不在本次排查活动范围内"),
])
def test_a_closed_entry_says_so_and_why(campaign, tree, when, setup, message):
    unit = tree.unit("other_township" if setup == "outside" else "township")
    if setup == "approved":
        UnitSubmission.objects.create(campaign=campaign, unit=unit, status=UnitSubmission.Status.APPROVED)
    state = locks.entry_state(campaign, unit, now=when)
    assert state.is_open is False and state.reason == message and state.closes_at is None
    with pytest.raises(EntryClosed) as closed:
        locks.require_entry_open(campaign, unit, now=when)
    assert str(closed.value) == closed.value.reason == message


def test_an_approval_or_a_reopening_in_another_campaign_changes_nothing_here(campaign, tree):
    township = tree.unit("township")
    other = Campaign.objects.create(title="另一活动", slug="other", year=2018, issuing_unit=tree.unit("office"),
                                    scope_unit=tree.unit("county"), status=Campaign.Status.PUBLISHED)
    UnitSubmission.objects.create(campaign=other, unit=township, status=UnitSubmission.Status.APPROVED)
    assert locks.entry_state(campaign, township, now=at(2018, 6, 1)).is_open
    services.lock_exception_grant(actor=tree.user("office"), campaign=other, unit=township, until=date(2018, 8, 5),
                                  reason="补录")
    assert reason(campaign, township, at(2018, 8, 1)) == "填报已于2018年7月30日截止"


def test_a_reopening_lasts_to_the_last_instant_of_its_day_and_says_so(campaign, tree):
    township = tree.unit("township")
    services.lock_exception_grant(actor=tree.user("office"), campaign=campaign, unit=township, until=date(2018, 8, 5),
                                  reason="补录遗漏机构")
    state = locks.entry_state(campaign, township, now=at(2018, 8, 5, 23, 59, 59, 999999))
    assert state.is_open and state.by_exception and state.closes_at == at(2018, 8, 5, 23, 59, 59, 999999)
