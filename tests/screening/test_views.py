from datetime import date, timedelta

import pytest
from django.urls import reverse

from screening import locks, selectors
from screening.models import Campaign, LockException, Phase, Responsibility, Term
from tests.orgs.test_pages import login


def detail(campaign) -> str:
    return reverse("screening:campaign_detail", args=[campaign.slug])


def phase_rows(campaign) -> dict:
    """The POST data of the phase table as the page shows it, with three empty rows."""
    phases = list(campaign.phases.all())
    data = {"form-TOTAL_FORMS": len(phases) + 3, "form-INITIAL_FORMS": len(phases)}
    for i, phase in enumerate(phases):
        data |= {
            f"form-{i}-id": phase.pk, f"form-{i}-kind": phase.kind, f"form-{i}-name": phase.name,
            f"form-{i}-start": phase.start.isoformat(), f"form-{i}-end": phase.end.isoformat(),
            f"form-{i}-deadline": phase.deadline.isoformat(),
        }
    return data


# Seeing campaigns ----------------------------------------------------------------------------------------------------


def test_everyone_finds_the_campaigns_in_the_menu(client, campaign, tree):
    login(client, tree.user("staff"))
    home = client.get(reverse("home")).content.decode()
    assert reverse("screening:campaign_list") in home
    page = client.get(reverse("screening:campaign_list")).content.decode()
    assert campaign.title in page and detail(campaign) in page
    assert reverse("screening:campaign_create") not in page


def test_a_township_does_not_see_the_campaign_of_another_county(client, campaign, tree):
    other = Campaign.objects.create(
        title="乙县排查", slug="b2018", year=2018, issuing_unit=tree.unit("other_county"),
        scope_unit=tree.unit("other_county"), status=Campaign.Status.PUBLISHED,
    )
    login(client, tree.user("staff"))
    assert "乙县排查" not in client.get(reverse("screening:campaign_list")).content.decode()
    assert client.get(detail(other)).status_code == 404
    assert client.get(detail(campaign)).status_code == 200


def test_the_detail_page_shows_the_phases_and_the_entry_state_of_the_users_unit(client, campaign, tree):
    login(client, tree.user("staff"))
    response = client.get(detail(campaign))
    page = response.content.decode()
    assert "淮处非〔2018〕1号" in page and "活动实施阶段" in page
    assert [line.days_to_deadline < 0 for line in response.context["phase_lines"]] == [True, True]
    assert response.context["unit"] == tree.unit("township")
    assert not response.context["entry"].is_open
    assert "填报已于" in page
    assert reverse("screening:campaign_edit", args=[campaign.slug]) not in page
    assert not response.context["may_review"]


def test_the_current_phase_is_highlighted_with_the_days_left(client, campaign, tree):
    today = locks.today_local()
    Phase.objects.create(campaign=campaign, kind=Phase.Kind.SUPERVISION, name="督导检查阶段",
                         start=today - timedelta(days=2), end=today + timedelta(days=5), deadline=today + timedelta(days=5))
    login(client, tree.user("office"))
    response = client.get(detail(campaign))
    current = [line for line in response.context["phase_lines"] if line.is_current]
    assert [(line.phase.name, line.days_to_deadline) for line in current] == [("督导检查阶段", 5)]
    assert response.content.decode().count('class="current"') == 1


def test_managers_see_the_links_to_the_editors(client, campaign, tree):
    login(client, tree.user("admin"))
    page = client.get(detail(campaign)).content.decode()
    for name in ("campaign_edit", "phases", "responsibilities", "campaign_copy"):
        assert reverse(f"screening:{name}", args=[campaign.slug]) in page
    assert reverse("screening:taxonomy", args=[campaign.slug, "sector"]) in page


# Creating and editing ------------------------------------------------------------------------------------------------


def campaign_fields(tree, **overrides) -> dict:
    county = tree.unit("county")
    return {
        "title": "2019年专项排查", "slug": "c2019", "year": 2019, "document_number": "淮处非〔2019〕2号",
        "issuing_unit": tree.unit("office").pk, "scope_unit": county.pk, "kind": Campaign.Kind.SPECIAL,
        "status": Campaign.Status.PUBLISHED, "reminder_days": 3, "start_from": "2018",
    } | overrides


def test_the_admin_creates_a_campaign_from_the_2018_form_and_sees_its_sectors(client, tree):
    login(client, tree.user("admin"))
    response = client.post(reverse("screening:campaign_create"), campaign_fields(tree))
    created = Campaign.objects.get(slug="c2019")
    assert response.status_code == 302 and response["Location"] == detail(created)
    page = client.get(reverse("screening:taxonomy", args=[created.slug, "sector"])).content.decode()
    assert "互联网金融行业企业" in page and "网络借贷平台" in page
    assert len(selectors.leaves(created, Term.Vocabulary.SECTOR)) == 14


@pytest.mark.parametrize(("start_from", "sectors"), [("2017", 6), ("", 0)])
def test_a_campaign_starts_from_the_2017_form_or_empty(client, tree, start_from, sectors):
    login(client, tree.user("admin"))
    client.post(reverse("screening:campaign_create"), campaign_fields(tree, start_from=start_from))
    created = Campaign.objects.get(slug="c2019")
    assert len(selectors.terms(created, Term.Vocabulary.SECTOR)) == sectors


def test_the_admin_may_only_choose_units_they_manage(client, tree):
    login(client, tree.user("admin"))
    form = client.get(reverse("screening:campaign_create")).context["form"]
    assert tree.unit("other_county") not in form.fields["scope_unit"].queryset
    response = client.post(reverse("screening:campaign_create"), campaign_fields(tree, scope_unit=tree.unit("other_county").pk))
    assert "scope_unit" in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_a_taken_or_reserved_short_name_is_refused_at_the_field(client, campaign, tree):
    login(client, tree.user("admin"))
    for slug in (campaign.slug, "new"):
        response = client.post(reverse("screening:campaign_create"), campaign_fields(tree, slug=slug))
        assert list(response.context["form"].errors) == ["slug"]
    assert Campaign.objects.count() == 1


def test_the_admin_edits_a_campaign(client, campaign, tree):
    login(client, tree.user("admin"))
    fields = campaign_fields(tree, slug=campaign.slug, title="改名后的活动", status=Campaign.Status.ARCHIVED)
    response = client.post(reverse("screening:campaign_edit", args=[campaign.slug]), fields)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.title, campaign.status) == ("改名后的活动", Campaign.Status.ARCHIVED)


# Phases ------------------------------------------------------------------------------------------------------------


def test_the_phases_are_edited_in_one_table(client, campaign, tree):
    login(client, tree.user("admin"))
    url = reverse("screening:phases", args=[campaign.slug])
    assert len(client.get(url).context["formset"].forms) == 5
    data = phase_rows(campaign) | {
        "form-0-DELETE": "on",
        "form-1-deadline": "2018-08-05",
        "form-2-kind": Phase.Kind.SUMMARY, "form-2-name": "总结报告阶段",
        "form-2-start": "2018-08-01", "form-2-end": "2018-08-15", "form-2-deadline": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(campaign.phases.values_list("name", "deadline")) == [
        ("活动实施阶段", date(2018, 8, 5)),
        ("总结报告阶段", date(2018, 8, 15)),
    ]


def test_a_bad_date_is_refused_at_its_field_and_nothing_is_saved(client, campaign, tree):
    login(client, tree.user("admin"))
    before = list(campaign.phases.values_list("name", "start", "end", "deadline"))
    data = phase_rows(campaign) | {"form-0-DELETE": "on", "form-1-end": "2018-05-01", "form-1-name": "改名"}
    response = client.post(reverse("screening:phases", args=[campaign.slug]), data)
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert list(forms[1].errors) == ["end"]
    assert list(campaign.phases.values_list("name", "start", "end", "deadline")) == before


# Taxonomy ----------------------------------------------------------------------------------------------------------


def act(client, term, action, **data):
    return client.post(reverse("screening:term_action", args=[term.campaign.slug, term.pk]), {"action": action} | data)


def names(campaign, vocabulary):
    return [term.name for term in selectors.terms(campaign, vocabulary)]


def test_the_admin_renames_reorders_and_retires_a_term(client, campaign, tree):
    login(client, tree.user("admin"))
    first, second = selectors.terms(campaign, Term.Vocabulary.MEASURE)[:2]
    response = act(client, first, "rename", name="  约谈警示 ")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/taxonomy/measure/#term-{first.pk}")
    act(client, first, "down")
    assert names(campaign, Term.Vocabulary.MEASURE)[:2] == [second.name, "约谈警示"]
    act(client, first, "up")
    assert names(campaign, Term.Vocabulary.MEASURE)[:2] == ["约谈警示", second.name]
    act(client, first, "retire")
    first.refresh_from_db()
    assert first.is_retired
    page = client.get(reverse("screening:taxonomy", args=[campaign.slug, "measure"])).content.decode()
    assert f'<tr id="term-{first.pk}" class="retired">' in page
    act(client, first, "restore")
    first.refresh_from_db()
    assert not first.is_retired


def test_deleting_a_group_with_items_is_refused_with_a_message(client, campaign, tree):
    login(client, tree.user("admin"))
    group = Term.objects.get(campaign=campaign, name="互联网金融行业企业")
    response = act(client, group, "delete")
    page = client.get(response["Location"]).content.decode()
    assert '<li class="error">' in page and "互联网金融行业企业" in page.split('class="messages"')[1]
    assert Term.objects.filter(pk=group.pk).exists()
    unused = Term.objects.get(campaign=campaign, name="众筹平台")
    act(client, unused, "delete")
    assert not Term.objects.filter(pk=unused.pk).exists()


def test_a_rename_to_an_empty_name_is_refused(client, campaign, tree):
    login(client, tree.user("admin"))
    term = Term.objects.get(campaign=campaign, name="众筹平台")
    act(client, term, "rename", name=" ")
    term.refresh_from_db()
    assert term.name == "众筹平台"


def test_items_are_added_at_the_top_or_under_a_group(client, campaign, tree):
    login(client, tree.user("admin"))
    url = reverse("screening:taxonomy", args=[campaign.slug, "sector"])
    group = Term.objects.get(campaign=campaign, name="互联网金融行业企业")
    assert client.post(url, {"name": "数字货币交易平台", "parent": group.pk}).status_code == 302
    assert client.post(url, {"name": "融资租赁公司", "parent": ""}).status_code == 302
    assert Term.objects.get(campaign=campaign, name="数字货币交易平台").parent == group
    assert Term.objects.get(campaign=campaign, name="融资租赁公司").parent is None
    duplicate = client.post(url, {"name": "众筹平台", "parent": group.pk})
    assert duplicate.status_code == 200 and duplicate.context["add_form"].errors


def test_flat_vocabularies_offer_no_group(client, campaign, tree):
    login(client, tree.user("admin"))
    response = client.get(reverse("screening:taxonomy", args=[campaign.slug, "problem"]))
    assert "parent" not in response.context["add_form"].fields
    assert client.get(reverse("screening:taxonomy", args=[campaign.slug, "nonsense"])).status_code == 404


# Who may configure ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "office", "leader"])
@pytest.mark.parametrize(
    "name",
    ["campaign_edit", "phases", "taxonomy", "responsibilities", "expected_units", "campaign_copy", "campaign_create"],
)
def test_only_managers_open_the_editors(client, campaign, tree, role, name):
    args = {"taxonomy": [campaign.slug, "sector"], "campaign_create": []}.get(name, [campaign.slug])
    login(client, tree.user(role))
    assert client.get(reverse(f"screening:{name}", args=args)).status_code == 403


def test_staff_cannot_change_a_term_by_posting(client, campaign, tree):
    login(client, tree.user("staff"))
    term = Term.objects.get(campaign=campaign, name="众筹平台")
    assert act(client, term, "delete").status_code == 403
    assert Term.objects.filter(pk=term.pk).exists()


def test_a_manager_of_another_county_gets_404(client, campaign, tree):
    from orgs.models import Membership
    from tests.factories import member

    login(client, member(tree.unit("other_county"), Membership.Role.ADMIN, username="other_admin"))
    assert client.get(reverse("screening:phases", args=[campaign.slug])).status_code == 404


def city_campaign(tree, status=Campaign.Status.PUBLISHED) -> Campaign:
    return Campaign.objects.create(
        title="全市专项排查", slug="city", year=2018, issuing_unit=tree.unit("city_office"), scope_unit=tree.unit("city"),
        status=status,
    )


EDITORS = ["campaign_edit", "phases", "responsibilities", "expected_units", "campaign_copy"]


def test_a_county_admin_reads_the_city_campaign_and_changes_nothing(client, tree):
    campaign = city_campaign(tree)
    login(client, tree.user("admin"))
    assert detail(campaign) in client.get(reverse("screening:campaign_list")).content.decode()
    response = client.get(detail(campaign))
    assert response.status_code == 200
    page = response.content.decode()
    assert "本排查活动由市的系统管理员配置，您可以查看，但不能修改。" in page
    for name in EDITORS:
        url = reverse(f"screening:{name}", args=[campaign.slug])
        assert url not in page, name
        assert client.get(url).status_code == 403, name
    assert client.post(reverse("screening:taxonomy", args=[campaign.slug, "sector"]), {"name": "新行业"}
                       ).status_code == 403
    fields = {"title": "改名", "slug": "city", "year": 2018, "issuing_unit": tree.unit("county").pk,
              "scope_unit": tree.unit("county").pk, "kind": "special", "status": "published", "reminder_days": 3}
    assert client.post(reverse("screening:campaign_edit", args=[campaign.slug]), fields).status_code == 403
    campaign.refresh_from_db()
    assert (campaign.title, campaign.scope_unit) == ("全市专项排查", tree.unit("city"))


def test_the_county_admin_still_edits_the_county_campaign_and_sees_no_notice(client, campaign, tree):
    login(client, tree.user("admin"))
    page = client.get(detail(campaign)).content.decode()
    assert "您可以查看，但不能修改" not in page
    assert reverse("screening:campaign_edit", args=[campaign.slug]) in page


def test_a_city_campaign_being_prepared_stays_out_of_the_county_admins_sight(client, tree):
    campaign = city_campaign(tree, status=Campaign.Status.DRAFT)
    login(client, tree.user("admin"))
    assert client.get(detail(campaign)).status_code == 404
    assert campaign.title not in client.get(reverse("screening:campaign_list")).content.decode()


# Responsibilities ----------------------------------------------------------------------------------------------------


def test_the_admin_assigns_a_sector_to_a_department_who_then_sees_it(client, campaign, tree):
    lending = Term.objects.get(campaign=campaign, name="网络借贷平台")
    login(client, tree.user("admin"))
    page = client.get(reverse("screening:responsibilities", args=[campaign.slug]))
    assert list(page.context["departments"]) == [tree.unit("department")]
    response = client.post(
        reverse("screening:responsibility_set", args=[campaign.slug, lending.pk]),
        {"units": [tree.unit("department").pk], "note": "排查网贷平台"},
    )
    assert response.status_code == 302
    assert list(Responsibility.objects.values_list("sector", "unit", "note")) == [
        (lending.pk, tree.unit("department").pk, "排查网贷平台")
    ]
    client.post(reverse("logout"))
    login(client, tree.user("department_staff"))
    response = client.get(detail(campaign))
    assert list(response.context["own_sectors"]) == [lending]
    assert "网络借贷平台" in response.content.decode().split('class="own-sectors"')[1]


def test_a_unit_that_is_not_a_department_cannot_be_made_responsible(client, campaign, tree):
    lending = Term.objects.get(campaign=campaign, name="网络借贷平台")
    login(client, tree.user("admin"))
    client.post(
        reverse("screening:responsibility_set", args=[campaign.slug, lending.pk]), {"units": [tree.unit("township").pk]}
    )
    assert not Responsibility.objects.exists()


# Lock exceptions -----------------------------------------------------------------------------------------------------


def test_the_office_reopens_entry_for_a_township_and_sees_it_listed(client, campaign, tree):
    until = locks.today_local() + timedelta(days=7)
    login(client, tree.user("office"))
    form = client.get(detail(campaign)).context["grant_form"]
    assert tree.unit("other_township") not in form.fields["unit"].queryset
    response = client.post(
        reverse("screening:lock_exception_grant", args=[campaign.slug]),
        {"unit": tree.unit("township").pk, "until": until.isoformat(), "reason": "补录遗漏的排查记录"},
    )
    assert response.status_code == 302
    listed = client.get(detail(campaign)).context["lock_exceptions"]
    assert [(e.unit, e.until, e.granted_by) for e in listed] == [(tree.unit("township"), until, tree.user("office"))]
    client.post(reverse("logout"))
    login(client, tree.user("staff"))
    entry = client.get(detail(campaign)).context["entry"]
    assert entry.is_open and entry.by_exception


def test_a_blank_reason_is_refused_at_the_field(client, campaign, tree):
    login(client, tree.user("office"))
    response = client.post(
        reverse("screening:lock_exception_grant", args=[campaign.slug]),
        {"unit": tree.unit("township").pk, "until": locks.today_local().isoformat(), "reason": " "},
    )
    assert response.status_code == 200 and "reason" in response.context["grant_form"].errors
    assert not LockException.objects.exists()


def test_staff_cannot_reopen_entry(client, campaign, tree):
    login(client, tree.user("staff"))
    response = client.post(
        reverse("screening:lock_exception_grant", args=[campaign.slug]),
        {"unit": tree.unit("township").pk, "until": locks.today_local().isoformat(), "reason": "自己开放"},
    )
    assert response.status_code == 403
    assert not LockException.objects.exists()


# Copying -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("move", "deadline"), [({"move": "year"}, date(2019, 7, 30)), ({"move": "days", "days": 10}, date(2018, 8, 9))]
)
def test_the_copy_form_creates_a_campaign_with_moved_dates(client, campaign, tree, move, deadline):
    login(client, tree.user("admin"))
    url = reverse("screening:campaign_copy", args=[campaign.slug])
    assert client.get(url).context["form"].initial["year"] == 2019
    response = client.post(url, {"title": "2019年排查", "slug": "c2019", "year": 2019} | move)
    copy = Campaign.objects.get(slug="c2019")
    assert response.status_code == 302 and response["Location"] == detail(copy)
    assert copy.phases.get(kind=Phase.Kind.SCREENING).deadline == deadline
    assert copy.terms.count() == campaign.terms.count()


def test_moving_by_days_needs_the_number_of_days(client, campaign, tree):
    login(client, tree.user("admin"))
    response = client.post(
        reverse("screening:campaign_copy", args=[campaign.slug]),
        {"title": "2019年排查", "slug": "c2019", "year": 2019, "move": "days"},
    )
    assert list(response.context["form"].errors) == ["days"]
    assert Campaign.objects.count() == 1
