"""Which units must report is a fact of the campaign, not of who has an account: its list of units expected to report,
filled by default (every township or street of the scope, every member department of a leading group in it), changed
by the admin, and used by the approval grid, the overdue lists and the reminders."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgs.models import LeadingGroup, Notification, Unit
from review import submissions
from screening import reminders, selectors, services
from screening.models import Campaign, ExpectedUnit
from tests.factories import UnitFactory, expect, member
from tests.orgs.test_pages import login


def names(units) -> list[str]:
    return sorted(unit.name for unit in units)


def page(campaign) -> str:
    return reverse("screening:expected_units", args=[campaign.slug])


def said(response) -> list[str]:
    """The messages of the page a followed redirect ends on."""
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def county_group(tree):
    """甲县's leading group counts its market-regulation bureau among its members; a second department does not."""
    group = LeadingGroup.objects.create(government=tree.unit("county"), office=tree.unit("office"))
    group.members.add(tree.unit("department"), tree.unit("township"))  # a township member is a township, no more
    UnitFactory(name="甲县档案馆", code="A-D2", level=Unit.Level.COUNTY, kind=Unit.Kind.DEPARTMENT,
                parent=tree.unit("county"))
    UnitFactory(name="已撤并街道", code="A3", parent=tree.unit("county"), is_active=False)


def new_campaign(tree, *, actor=None, scope="county", slug="c2026") -> Campaign:
    campaign = Campaign(title="新排查", slug=slug, year=2026, issuing_unit=tree.unit("office"), scope_unit=tree.unit(scope))
    return services.campaign_create(actor=actor, campaign=campaign)


# The default list ----------------------------------------------------------------------------------------------------


def test_a_new_campaign_expects_every_township_and_every_member_department(tree, county_group):
    campaign = new_campaign(tree, actor=tree.user("admin"))
    # Not the village, the office, the county itself, a department outside the group, a closed street, nor 乙县.
    assert names(selectors.reporting_units(campaign)) == ["一街道", "二街道", "甲县市场监管局"]
    assert ExpectedUnit.history.filter(history_user=tree.user("admin")).count() == 3


def test_a_city_campaign_reaches_the_departments_of_its_counties(tree, county_group):
    campaign = new_campaign(tree, scope="city")
    assert names(selectors.reporting_units(campaign)) == ["一街道", "乙县一镇", "二街道", "甲县市场监管局"]


def test_a_copied_campaign_starts_from_the_default_list(tree, county_group):
    source = new_campaign(tree)
    services.expected_units_remove(actor=tree.user("admin"), campaign=source, units=[tree.unit("sibling_township")])
    copy = services.campaign_copy(actor=tree.user("admin"), source=source, title="下一年", slug="next", year=2027)
    assert names(selectors.reporting_units(copy)) == ["一街道", "二街道", "甲县市场监管局"]
    assert names(selectors.reporting_units(source)) == ["一街道", "甲县市场监管局"]


def test_changing_the_scope_gives_the_default_list_of_the_new_scope(client, tree, county_group):
    campaign = new_campaign(tree, scope="city")
    login(client, member(tree.unit("city"), "admin"))
    edit = reverse("screening:campaign_edit", args=[campaign.slug])
    fields = {
        "title": campaign.title, "slug": campaign.slug, "year": campaign.year, "issuing_unit": tree.unit("office").pk,
        "scope_unit": tree.unit("other_county").pk, "kind": campaign.kind, "status": campaign.status, "reminder_days": 3,
    }
    response = client.post(edit, fields, follow=True)
    assert response.redirect_chain == [(campaign.get_absolute_url(), 302)], response.context["form"].errors
    assert names(selectors.reporting_units(campaign)) == ["乙县一镇"]
    assert said(response) == ["排查范围已变更，应报单位已改为新范围的默认名单。"]
    services.expected_units_add(actor=None, campaign=campaign, units=[tree.unit("other_county")])
    assert said(client.post(edit, fields | {"title": "改名"}, follow=True)) == []  # the same scope keeps the list
    assert names(selectors.reporting_units(campaign)) == ["乙县", "乙县一镇"]


# The admin's screen --------------------------------------------------------------------------------------------------


def test_the_admin_sees_the_list_with_the_units_nobody_can_enter_for(client, tree, open_campaign,
                                                                     django_assert_max_num_queries):
    expect(open_campaign, tree.unit("sibling_township"))
    login(client, tree.user("admin"))
    with django_assert_max_num_queries(12):
        response = client.get(page(open_campaign))
    assert [(line.unit.name, line.has_account) for line in response.context["lines"]] == [
        ("甲县市场监管局", True), ("一街道", True), ("二街道", False),
    ]
    html = response.content.decode()
    row = html[html.index('id="unit-%d"' % tree.unit("sibling_township").pk):]
    assert "无账号：没有人能为该单位填报。" in row[:row.index("</tr>")]
    offered = response.context["add_form"].fields["units"].queryset
    assert tree.unit("village") in offered and tree.unit("office") not in offered
    assert tree.unit("township") not in offered and tree.unit("other_township") not in offered
    assert page(open_campaign) in client.get(reverse("screening:campaign_detail", args=[open_campaign.slug])
                                             ).content.decode()


def test_the_admin_adds_and_removes_units_and_is_told_what_was_done(client, tree, open_campaign):
    login(client, tree.user("admin"))
    added = client.post(page(open_campaign), {"action": "add", "units": [tree.unit("sibling_township").pk,
                                                                          tree.unit("village").pk]}, follow=True)
    assert added.redirect_chain == [(page(open_campaign), 302)]
    [message] = said(added)
    assert message.startswith("已加入应报单位：") and "一社区" in message and "二街道" in message
    removed = client.post(page(open_campaign), {"action": "remove", "units": [tree.unit("township").pk]}, follow=True)
    assert said(removed) == ["已从应报单位中移除：一街道。其已填报的数据仍计入报表。"]
    assert names(selectors.reporting_units(open_campaign)) == ["一社区", "二街道", "甲县市场监管局"]
    trail = ExpectedUnit.history.filter(unit=tree.unit("township")).order_by("history_date")
    assert [(row.history_type, row.history_user) for row in trail] == [("-", tree.user("admin"))]


def test_choosing_nothing_or_a_unit_outside_the_scope_changes_nothing(client, tree, open_campaign):
    login(client, tree.user("admin"))
    for data in ({"action": "add"}, {"action": "add", "units": [tree.unit("other_township").pk]}):
        response = client.post(page(open_campaign), data, follow=True)
        assert response.redirect_chain == [(page(open_campaign), 302)] and said(response)
    assert names(selectors.reporting_units(open_campaign)) == ["一街道", "甲县市场监管局"]
    with pytest.raises(ValidationError):
        services.expected_units_add(actor=tree.user("admin"), campaign=open_campaign, units=[tree.unit("office")])
    with pytest.raises(ValidationError):
        services.expected_units_add(actor=None, campaign=open_campaign, units=[tree.unit("other_township")])


def test_a_government_with_a_leading_group_is_never_on_the_list(client, tree, county_group):
    """Its office's approval hands it in; listed, it would only be reminded and counted overdue for nothing."""
    LeadingGroup.objects.create(government=tree.unit("sibling_township"))
    campaign = new_campaign(tree, actor=tree.user("admin"))
    assert names(selectors.reporting_units(campaign)) == ["一街道", "甲县市场监管局"]
    login(client, tree.user("admin"))
    offered = client.get(page(campaign)).context["add_form"].fields["units"].queryset
    assert tree.unit("county") not in offered and tree.unit("sibling_township") not in offered
    with pytest.raises(ValidationError) as refused:
        services.expected_units_add(actor=None, campaign=campaign, units=[tree.unit("village"), tree.unit("county")])
    assert "甲县" in str(refused.value) and not campaign.expected_units.filter(unit=tree.unit("village")).exists()


def test_a_unit_is_on_a_list_once(tree, open_campaign):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        expect(open_campaign, tree.unit("township"))
    assert services.expected_units_add(actor=None, campaign=open_campaign, units=[tree.unit("township")]) == []


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 200), ("office", 403), ("leader", 403), ("staff", 403), ("other_admin", 404),
])
def test_only_the_campaigns_admin_opens_the_list(client, tree, open_campaign, role, status):
    user = member(tree.unit("other_county"), "admin") if role == "other_admin" else tree.user(role)
    login(client, user)
    assert client.get(page(open_campaign)).status_code == status
    response = client.post(page(open_campaign), {"action": "add", "units": [tree.unit("sibling_township").pk]})
    assert response.status_code == (302 if role == "admin" else status)
    assert ExpectedUnit.objects.filter(unit=tree.unit("sibling_township")).exists() is (role == "admin")


def test_the_list_needs_a_login(client, open_campaign):
    response = client.get(page(open_campaign))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# What the list decides -----------------------------------------------------------------------------------------------


def test_a_unit_without_an_account_is_in_the_grid_as_not_started(client, tree, open_campaign):
    LeadingGroup.objects.create(government=tree.unit("county"), office=tree.unit("office"))
    expect(open_campaign, tree.unit("sibling_township"))
    login(client, tree.user("office"))
    response = client.get(reverse("review:approvals", args=[open_campaign.slug]))
    lines = {line.row.unit.name: line for line in response.context["lines"]}
    assert set(lines) == {"一街道", "二街道", "甲县市场监管局"}
    assert lines["二街道"].row.state_label == "未开始" and lines["二街道"].nobody_enters
    assert not lines["一街道"].nobody_enters
    html = response.content.decode()
    assert html.count("无账号：没有人能为该单位填报。") == 1


def test_a_unit_taken_off_the_list_leaves_the_grid_and_the_reminders(tree, open_campaign):
    LeadingGroup.objects.create(government=tree.unit("county"), office=tree.unit("office"))
    services.expected_units_remove(actor=None, campaign=open_campaign, units=[tree.unit("department")])
    grid = submissions.approval_grid(open_campaign, tree.unit("county"))
    assert [row.unit.name for row in grid.rows] == ["一街道"]
    assert names(selectors.units_yet_to_submit(open_campaign)) == ["一街道"]


def test_reminders_reach_nobody_at_a_unit_without_an_account_but_the_office_hears_of_it(campaign, tree):
    expect(campaign, tree.unit("sibling_township"))
    assert names(line.unit for line in selectors.overdue_units(campaign, on=date(2018, 7, 31))) == [
        "一街道", "二街道", "甲县市场监管局",
    ]
    reminders.send_deadline_reminders(on=date(2018, 7, 31))
    [summary] = Notification.objects.filter(recipient=tree.user("office"))
    assert sorted(summary.body.splitlines()[1:]) == ["一街道", "二街道（无账号，未能通知该单位）", "甲县市场监管局"]
    assert "二街道" not in " ".join(Notification.objects.exclude(
        recipient__in=[tree.user("office"), tree.user("city_office")]).values_list("body", flat=True))


def test_a_unit_that_is_not_expected_cannot_declare_its_data(client, tree, open_campaign):
    village_staff = member(tree.unit("village"), "staff", username="village_staff")
    with pytest.raises(ValidationError) as refused:
        submissions.submission_declare(actor=village_staff, campaign=open_campaign, unit=tree.unit("village"))
    assert "一社区不在本次排查活动的应报单位名单中" in str(refused.value)
    login(client, village_staff)
    declare = client.get(reverse("review:declare", args=[open_campaign.slug]))
    assert not declare.context["declaration"].is_expected
    assert "如需单独报送，请联系系统管理员" in declare.content.decode()
    assert "<button" not in declare.content.decode().split("</h1>")[1].split("</main>")[0]
