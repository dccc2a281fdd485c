from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledger import services
from ledger.models import Clue, Evidence
from screening.locks import today_local
from screening.models import Campaign, Phase
from tests.orgs.test_pages import login

WRONG_CODE = "91350100M000100Y44"  # the check character should be 3


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def clue_list(campaign) -> str:
    return reverse("ledger:clue_list", args=[campaign.slug])


def clue_form(tree, term, **overrides) -> dict:
    """The new-clue form as a township's staff fill it, amounts typed the way people type them."""
    return {
        "unit": tree.unit("township").pk,
        "name": "天津某某投资管理有限公司",
        "credit_code": "91350100M000100Y43",
        "legal_representative": "张三",
        "sector": term("网络借贷平台").pk,
        "behaviours": [term("消费返利").pk],
        "channel": "both",
        "amount_involved": "1,234.50",
        "people_involved": "３５",
        "unpaid_funds": "２０",
        "problems": [term("超范围经营").pk],
        "source": term("扫楼排查").pk,
        "description": "承诺高额回报",
    } | overrides


def edit_form(clue, **overrides) -> dict:
    """The edit form of ``clue`` as the page fills it, with ``overrides`` typed over it."""
    data = {
        "version": clue.version, "name": clue.entity.name, "credit_code": clue.entity.credit_code or "",
        "sector": clue.sector_id, "behaviours": [t.pk for t in clue.behaviours.all()], "channel": clue.channel,
        "amount_involved": str(clue.amount_involved), "people_involved": str(clue.people_involved),
        "unpaid_funds": str(clue.unpaid_funds), "problems": [t.pk for t in clue.problems.all()],
        "source": clue.source_id or "", "description": clue.description,
    }
    return data | overrides


def create(tree, campaign, data, unit="township", user="staff") -> Clue:
    return services.clue_create(actor=tree.user(user), campaign=campaign, unit=tree.unit(unit), data=data)


# Entering a clue -----------------------------------------------------------------------------------------------------


def test_staff_add_a_clue_and_find_it_in_the_list_with_its_keyword_flag(client, tree, open_campaign, term):
    login(client, tree.user("staff"))
    form_page = client.get(reverse("ledger:clue_create", args=[open_campaign.slug]))
    assert form_page.status_code == 200
    assert form_page.context["form"]["unit"].initial == tree.unit("township")
    assert "填报开放至" in form_page.content.decode()

    response = client.post(reverse("ledger:clue_create", args=[open_campaign.slug]), clue_form(tree, term))

    clue = Clue.objects.get()
    assert response.status_code == 302 and response["Location"] == clue.get_absolute_url()
    assert (clue.unit, clue.amount_involved, clue.people_involved, clue.unpaid_funds) == (
        tree.unit("township"), Decimal("1234.50"), 35, Decimal("20.00")
    )
    assert [t.name for t in clue.behaviours.all()] == ["消费返利"] and clue.entity.legal_representative == "张三"
    listing = client.get(clue_list(open_campaign))
    [row] = listing.context["rows"]
    assert row.clue == clue and row.keywords == ["投资管理"]
    assert '<li class="tag keyword"' in listing.content.decode()


def test_the_sector_select_groups_leaves_under_their_group(client, tree, open_campaign):
    login(client, tree.user("staff"))
    page = client.get(reverse("ledger:clue_create", args=[open_campaign.slug])).content.decode()
    assert '<optgroup label="互联网金融行业企业">' in page
    assert ">互联网金融行业企业</option>" not in page  # a group takes no data


def test_an_amount_with_three_decimals_is_refused_at_its_field(client, tree, open_campaign, term):
    login(client, tree.user("staff"))
    response = client.post(
        reverse("ledger:clue_create", args=[open_campaign.slug]), clue_form(tree, term, amount_involved="1.005")
    )
    assert response.status_code == 200 and "amount_involved" in response.context["form"].errors
    assert not Clue.objects.exists()


def test_unpaid_funds_above_the_amount_are_refused_at_their_field(client, tree, open_campaign, term):
    login(client, tree.user("staff"))
    response = client.post(
        reverse("ledger:clue_create", args=[open_campaign.slug]), clue_form(tree, term, unpaid_funds="9999")
    )
    assert response.context["form"].errors["unpaid_funds"] == ["未兑付资金不能大于涉及金额。"]
    assert not Clue.objects.exists()


def test_a_wrong_check_character_shows_the_tick_box_and_is_kept_once_ticked(client, tree, open_campaign, term):
    login(client, tree.user("staff"))
    url = reverse("ledger:clue_create", args=[open_campaign.slug])
    assert 'name="confirm_code_warning"' not in client.get(url).content.decode()

    refused = client.post(url, clue_form(tree, term, credit_code=WRONG_CODE))
    assert refused.status_code == 200 and not Clue.objects.exists()
    assert refused.context["form"].has_error("credit_code", "credit_code_check")
    assert 'name="confirm_code_warning"' in refused.content.decode()

    accepted = client.post(url, clue_form(tree, term, credit_code=WRONG_CODE, confirm_code_warning="on"))
    assert accepted.status_code == 302
    assert Clue.objects.get().code_check_confirmed
    [row] = client.get(clue_list(open_campaign)).context["rows"]
    assert row.clue.code_check_confirmed


def test_after_the_deadline_the_form_refuses_with_the_reason(client, tree, open_campaign, term):
    today = today_local()
    Phase.objects.filter(campaign=open_campaign).update(start=today - timedelta(days=30), end=today - timedelta(days=2),
                                                        deadline=today - timedelta(days=2))
    login(client, tree.user("staff"))
    url = reverse("ledger:clue_create", args=[open_campaign.slug])
    assert "填报已于" in client.get(url).content.decode()

    response = client.post(url, clue_form(tree, term))

    assert response.status_code == 200 and not Clue.objects.exists()
    assert any("填报已于" in error for error in response.context["form"].non_field_errors())


def test_the_office_enters_no_clue(client, tree, open_campaign):
    login(client, tree.user("office"))
    assert client.get(reverse("ledger:clue_create", args=[open_campaign.slug])).status_code == 403
    listing = client.get(clue_list(open_campaign)).content.decode()
    assert reverse("ledger:clue_create", args=[open_campaign.slug]) not in listing


# Editing -------------------------------------------------------------------------------------------------------------


def test_a_stale_edit_is_refused_with_the_message_and_the_other_save_stays(client, tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data())
    login(client, tree.user("staff"))
    url = reverse("ledger:clue_edit", args=[clue.pk])
    assert client.get(url).context["form"]["version"].value() == clue.version

    first = client.post(url, edit_form(clue, people_involved="40"))
    assert first.status_code == 302
    second = client.post(url, edit_form(clue, people_involved="99"))  # opened before the first save

    assert second.status_code == 200
    page = second.content.decode()
    assert "已有其他人保存了修改" in page and 'value="99"' in page
    clue.refresh_from_db()
    assert clue.people_involved == 40


def test_history_shows_who_changed_what(client, tree, open_campaign, term):
    login(client, tree.user("staff"))
    client.post(reverse("ledger:clue_create", args=[open_campaign.slug]), clue_form(tree, term))
    clue = Clue.objects.get()
    client.post(reverse("ledger:clue_edit", args=[clue.pk]), edit_form(clue, people_involved="40",
                                                                     behaviours=[term("资金互助").pk]))

    response = client.get(clue.get_absolute_url())

    created, *changes = response.context["history"]
    assert created.created and created.by == tree.user("staff")
    changed = {(change.label, change.old, change.new) for entry in changes for change in entry.changes}
    assert ("涉及人数", "35", "40") in changed
    assert ("重点行为", "消费返利", "资金互助") in changed
    assert {change.label for entry in changes for change in entry.changes} == {"涉及人数", "重点行为"}
    assert "涉及人数" in response.content.decode()


# Seeing clues --------------------------------------------------------------------------------------------------------


def test_staff_of_another_unit_get_404(client, tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data())
    evidence = services.evidence_add(actor=tree.user("staff"), clue=clue,
                                     uploaded_file=SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0 jpeg"))
    login(client, tree.user("department_staff"))
    assert client.get(clue.get_absolute_url()).status_code == 404
    assert client.get(reverse("ledger:clue_edit", args=[clue.pk])).status_code == 404
    assert client.get(reverse("ledger:evidence_download", args=[evidence.pk])).status_code == 404
    upload = client.post(reverse("ledger:evidence_upload", args=[clue.pk]), {"file": SimpleUploadedFile("x.txt", b"x")})
    assert upload.status_code == 404 and Evidence.objects.count() == 1
    assert client.post(reverse("ledger:clue_submit", args=[clue.pk])).status_code == 404
    assert clue not in [row.clue for row in client.get(clue_list(open_campaign)).context["rows"]]


def test_the_office_sees_the_clue_but_does_not_edit_it(client, tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data())
    login(client, tree.user("office"))
    response = client.get(clue.get_absolute_url())
    assert response.status_code == 200 and "天津某某投资管理有限公司" in response.content.decode()
    assert reverse("ledger:clue_edit", args=[clue.pk]) not in response.content.decode()
    assert client.get(reverse("ledger:clue_edit", args=[clue.pk])).status_code == 403
    assert [row.clue for row in client.get(clue_list(open_campaign)).context["rows"]] == [clue]


def test_the_list_filters(client, tree, open_campaign, clue_data, term):
    loan = create(tree, open_campaign, clue_data())
    farm = create(tree, open_campaign, clue_data(
        entity={"name": "某某农业合作社", "credit_code": ""}, sector=term("各类涉农机构"), amount_involved=Decimal("5"),
        unpaid_funds=Decimal("0"), behaviours=[term("牲畜托管")],
    ), unit="village")
    elsewhere = create(tree, open_campaign, clue_data(), unit="department", user="department_staff")
    login(client, tree.user("office"))

    def found(**query):
        return {row.clue for row in client.get(clue_list(open_campaign), query).context["rows"]}

    assert found() == {loan, farm, elsewhere}
    assert found(sector=term("互联网金融行业企业").pk) == {loan, elsewhere}  # a group finds its items
    assert found(behaviours=term("牲畜托管").pk) == {farm}
    assert found(unit=tree.unit("township").pk) == {loan, farm}  # with the village beneath
    assert found(text="农业") == {farm}
    assert found(text="91350100m000100y43") == {loan, elsewhere}
    assert found(amount_min="１００", amount_max="1,000") == {loan, elsewhere}
    assert found(keyword_flag="on") == {loan, elsewhere}
    assert found(reported_elsewhere="on") == {loan, elsewhere}
    assert found(cross_province="False") == {loan, farm, elsewhere}
    assert found(cross_province="True") == set()
    by_amount = client.get(clue_list(open_campaign), {"o": "amount"}).context["rows"]
    assert by_amount[0].clue == farm


def test_the_list_shows_the_flags_of_each_row(client, tree, open_campaign, clue_data):
    theirs = create(tree, open_campaign, clue_data(), unit="department", user="department_staff")
    ours = create(tree, open_campaign, clue_data(entity={"registered_division": "350100", "operating_division": "A"}))
    login(client, tree.user("office"))
    rows = {row.clue: row for row in client.get(clue_list(open_campaign)).context["rows"]}
    assert rows[ours].clue.reported_elsewhere and rows[theirs].clue.reported_elsewhere
    assert str(rows[ours].cross_region) == "注册地与经营地不一致"


def test_the_list_query_count_does_not_grow_with_rows(client, tree, open_campaign, clue_data, term,
                                                      django_assert_max_num_queries):
    def add(count, start):
        for i in range(start, start + count):
            create(tree, open_campaign, clue_data(
                entity={"name": f"第{i}理财公司", "credit_code": "", "registered_division": "120101",
                        "operating_division": "120115"},
            ), unit=["township", "village", "department"][i % 3],
                user="department_staff" if i % 3 == 2 else "staff")

    add(3, 0)
    login(client, tree.user("office"))
    client.get(clue_list(open_campaign))
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(clue_list(open_campaign)).context["rows"]) == 3
    add(27, 3)
    with django_assert_max_num_queries(len(three)):
        assert len(client.get(clue_list(open_campaign)).context["rows"]) == 30


def test_the_list_is_paginated_by_fifty(client, tree, open_campaign, clue_data):
    services.clues_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                          rows=[clue_data(entity={"name": f"公司{i}", "credit_code": ""}) for i in range(51)])
    login(client, tree.user("staff"))
    assert len(client.get(clue_list(open_campaign)).context["rows"]) == 50
    assert len(client.get(clue_list(open_campaign), {"page": 2}).context["rows"]) == 1


def test_the_ledger_opens_on_the_latest_campaign(client, tree, open_campaign):
    Campaign.objects.create(title="旧活动", slug="old", year=open_campaign.year - 1, issuing_unit=tree.unit("office"),
                            scope_unit=tree.unit("county"), status=Campaign.Status.PUBLISHED)
    login(client, tree.user("staff"))
    response = client.get(reverse("ledger:home"))
    assert response.status_code == 302 and response["Location"] == clue_list(open_campaign)


def test_the_ledger_says_when_there_is_no_campaign(client, tree):
    login(client, tree.user("staff"))
    response = client.get(reverse("ledger:home"))
    assert response.status_code == 200
    assert "ledger/no_campaign.html" in [t.name for t in response.templates]


# Buttons of the clue page --------------------------------------------------------------------------------------------


def test_submit_and_withdraw_through_the_buttons(client, tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data())
    login(client, tree.user("staff"))
    page = client.get(clue.get_absolute_url()).content.decode()
    assert reverse("ledger:clue_submit", args=[clue.pk]) in page

    assert client.post(reverse("ledger:clue_submit", args=[clue.pk])).status_code == 302
    clue.refresh_from_db()
    assert clue.status == Clue.Status.SUBMITTED
    page = client.get(clue.get_absolute_url()).content.decode()
    assert reverse("ledger:clue_submit", args=[clue.pk]) not in page
    assert reverse("ledger:clue_edit", args=[clue.pk]) not in page

    client.post(reverse("ledger:clue_withdraw", args=[clue.pk]), {"reason": " "})
    clue.refresh_from_db()
    assert clue.status == Clue.Status.SUBMITTED
    client.post(reverse("ledger:clue_withdraw", args=[clue.pk]), {"reason": "重复录入"})
    clue.refresh_from_db()
    assert clue.status == Clue.Status.WITHDRAWN and clue.withdrawn_reason == "重复录入"


def test_a_button_after_the_deadline_says_why_and_changes_nothing(client, tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data())
    today = today_local()
    Phase.objects.filter(campaign=open_campaign).update(start=today - timedelta(days=30), end=today - timedelta(days=2),
                                                        deadline=today - timedelta(days=2))
    login(client, tree.user("staff"))
    response = client.post(reverse("ledger:clue_submit", args=[clue.pk]), follow=True)
    assert "填报已于" in response.content.decode()
    clue.refresh_from_db()
    assert clue.status == Clue.Status.DRAFT


# Evidence ------------------------------------------------------------------------------------------------------------


def test_evidence_is_uploaded_and_served_only_through_the_checked_view(client, tree, open_campaign, clue_data):
    clue = create(tree, open_campaign, clue_data())
    login(client, tree.user("staff"))
    response = client.post(reverse("ledger:evidence_upload", args=[clue.pk]),
                           {"file": SimpleUploadedFile("宣传单.pdf", b"%PDF-1.4 leaflet")})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.name == "宣传单.pdf" and evidence.uploaded_by == tree.user("staff")
    page = client.get(clue.get_absolute_url()).content.decode()
    assert reverse("ledger:evidence_download", args=[evidence.pk]) in page and evidence.file.url not in page

    client.post(reverse("logout"))
    login(client, tree.user("office"))
    download = client.get(reverse("ledger:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 leaflet"
    assert "attachment" in download["Content-Disposition"]
    upload = client.post(reverse("ledger:evidence_upload", args=[clue.pk]), {"file": SimpleUploadedFile("x", b"x")})
    assert upload.status_code == 403 and Evidence.objects.count() == 1


# Entity look-up ------------------------------------------------------------------------------------------------------


def test_the_look_up_fills_the_entity_and_names_only_units_the_user_may_see(client, tree, open_campaign, clue_data):
    create(tree, open_campaign, clue_data(entity={"legal_representative": "李四", "business_scope": "投资咨询"}),
           unit="department", user="department_staff")
    url = reverse("ledger:entity_lookup")
    query = {"q": "91350100M000100Y43", "campaign": open_campaign.slug, "unit": tree.unit("township").pk}

    login(client, tree.user("staff"))
    [result] = client.get(url, query).json()["results"]
    assert result["fields"]["name"] == "天津某某投资管理有限公司"
    assert result["fields"]["legal_representative"] == "李四" and result["fields"]["business_scope"] == "投资咨询"
    assert (result["reported_by"], result["reported_unseen"]) == ([], 1)

    client.post(reverse("logout"))
    login(client, tree.user("office"))
    [result] = client.get(url, query | {"q": "投资管理"}).json()["results"]
    assert (result["reported_by"], result["reported_unseen"]) == (["甲县市场监管局"], 0)


def test_the_look_up_needs_a_campaign_the_user_sees(client, tree, open_campaign):
    login(client, tree.user("staff"))
    assert client.get(reverse("ledger:entity_lookup"), {"q": "某某", "campaign": "nope"}).status_code == 404


def test_the_clue_page_names_the_other_reports_the_user_may_see(client, tree, open_campaign, clue_data):
    ours = create(tree, open_campaign, clue_data())
    create(tree, open_campaign, clue_data(), unit="department", user="department_staff")
    login(client, tree.user("staff"))
    known = client.get(ours.get_absolute_url()).context["known"]
    assert (known.seen, known.unseen) == ([], 1)
    client.post(reverse("logout"))
    login(client, tree.user("office"))
    known = client.get(ours.get_absolute_url()).context["known"]
    assert [clue.unit.name for clue in known.seen] == ["甲县市场监管局"] and known.unseen == 0
