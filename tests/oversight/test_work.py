"""A unit files its information reports, summary report and implementation plan; the office above is told and reads
them; nobody beside them sees them; the phases decide when."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from orgs.models import Notification
from oversight import services
from oversight.models import Briefing, BriefingQuota, Filing
from screening.locks import today_local
from screening.models import LockException, Phase
from tests.orgs.test_pages import login

TODAY = today_local()


@pytest.fixture
def campaign(open_campaign, tree):
    Phase.objects.create(campaign=open_campaign, kind=Phase.Kind.MOBILISATION, start=TODAY - timedelta(days=10),
                         end=TODAY + timedelta(days=2), deadline=TODAY + timedelta(days=2))
    Phase.objects.create(campaign=open_campaign, kind=Phase.Kind.SUMMARY, start=TODAY + timedelta(days=30),
                         end=TODAY + timedelta(days=40), deadline=TODAY + timedelta(days=40))
    return open_campaign


def briefing_post(**overrides):
    return {"kind": Briefing.Kind.HIGHLIGHTS, "title": "一街道开展扫楼排查", "text": "排查写字楼12栋。",
            "day": TODAY.isoformat(), **overrides}


def test_staff_file_a_briefing_and_the_county_office_is_told_and_reads_it(client, tree, campaign):
    BriefingQuota.objects.create(campaign=campaign, unit_level="township", unit_kind="government", minimum=2)
    login(client, tree.user("staff"))
    response = client.post(reverse("oversight:briefing_add", args=[campaign.slug]),
                           briefing_post(files=[SimpleUploadedFile("照片.pdf", b"%PDF-1.4")]), follow=True)
    page = response.content.decode()
    assert "一街道开展扫楼排查" in page and "已报送 1 篇" in page and "至少 2 篇" in page
    briefing = Briefing.objects.get()
    assert briefing.unit == tree.unit("township") and briefing.files.get().name == "照片.pdf"
    told = Notification.objects.get(recipient=tree.user("office"))
    assert "一街道" in told.title and told.link == reverse("oversight:briefing", args=[briefing.pk])
    assert not Notification.objects.filter(recipient=tree.user("city_office")).exists()

    client.force_login(tree.user("office"))
    listed = client.get(reverse("oversight:briefings", args=[campaign.slug])).content.decode()
    assert "一街道开展扫楼排查" in listed
    assert client.get(reverse("oversight:briefing_file", args=[briefing.files.get().pk])).status_code == 200


def test_a_briefing_is_hidden_from_a_sibling_township(client, tree, campaign):
    briefing = services.briefing_file(actor=tree.user("staff"), campaign=campaign, unit=tree.unit("township"),
                                      kind=Briefing.Kind.CASE, title="案例", text="x", day=TODAY)
    from tests.factories import member
    from orgs.models import Membership
    client.force_login(member(tree.unit("sibling_township"), Membership.Role.STAFF, username="sibling"))
    assert client.get(reverse("oversight:briefing", args=[briefing.pk])).status_code == 404
    assert "案例" not in client.get(reverse("oversight:briefings", args=[campaign.slug])).content.decode()


def test_a_briefing_dated_after_today_is_refused_at_its_date(client, tree, campaign):
    login(client, tree.user("staff"))
    response = client.post(reverse("oversight:briefing_add", args=[campaign.slug]),
                           briefing_post(day=(TODAY + timedelta(days=1)).isoformat()))
    assert "不能晚于今天" in response.context["briefing_form"].errors["day"][0]
    assert not Briefing.objects.exists()


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_filed(client, tree, campaign):
    login(client, tree.user("staff"))
    response = client.post(reverse("oversight:briefing_add", args=[campaign.slug]),
                           briefing_post(files=[SimpleUploadedFile("报告.pdf", b"<html><script>")]))
    assert response.status_code == 200 and response.context["briefing_form"].errors
    assert not Briefing.objects.exists()


def test_briefings_close_with_the_last_deadline_and_reopen_with_the_offices_exception(tree, campaign):
    campaign.phases.update(start=TODAY - timedelta(days=20), end=TODAY - timedelta(days=1),
                           deadline=TODAY - timedelta(days=1))
    file = lambda: services.briefing_file(actor=tree.user("staff"), campaign=campaign, unit=tree.unit("township"),  # noqa: E731
                                          kind=Briefing.Kind.CASE, title="案例", text="x", day=TODAY)
    with pytest.raises(ValidationError, match="截止"):
        file()
    LockException.objects.create(campaign=campaign, unit=tree.unit("township"), until=TODAY, reason="补报",
                                 granted_by=tree.user("office"))
    assert file().pk


def test_the_summary_report_waits_for_its_phase(tree, campaign):
    with pytest.raises(ValidationError, match="开始"):
        services.filing_save(actor=tree.user("staff"), campaign=campaign, unit=tree.unit("township"),
                             kind=Filing.Kind.SUMMARY, text="总结")


def test_the_plan_is_filed_once_and_corrected_in_place_with_its_history(client, tree, campaign):
    login(client, tree.user("staff"))
    url = reverse("oversight:filing_save", args=[campaign.slug, "plan"])
    empty = client.post(url, {"text": "  "})
    assert "请在此填写报告或以文件形式上传" in empty.context["reports"][0]["form"].errors["text"][0]
    client.post(url, {"text": "实施方案第一稿"})
    client.post(url, {"text": "实施方案第二稿"})
    filing = Filing.objects.get()
    assert filing.text == "实施方案第二稿" and filing.history.count() == 2
    bodies = list(Notification.objects.filter(recipient=tree.user("office")).values_list("body", flat=True))
    assert sorted("更正了" in body for body in bodies) == [False, True]


def test_two_users_filing_the_first_version_at_once_make_one_report(monkeypatch, tree, campaign):
    first = services.filing_save(actor=tree.user("staff"), campaign=campaign, unit=tree.unit("township"),
                                 kind=Filing.Kind.PLAN, text="第一位")
    lookups = iter([Filing(campaign=campaign, unit=tree.unit("township"), kind=Filing.Kind.PLAN), first])
    # The second user read "not filed yet" before the first user's row was committed.
    monkeypatch.setattr(services, "_locked_row", lambda model, **key: next(lookups))
    second = services.filing_save(actor=tree.user("staff"), campaign=campaign, unit=tree.unit("township"),
                                  kind=Filing.Kind.PLAN, text="第二位")
    assert second.pk == first.pk and Filing.objects.get().text == "第二位"


def test_a_plan_may_be_a_file_alone(tree, campaign):
    filing = services.filing_save(actor=tree.user("staff"), campaign=campaign, unit=tree.unit("township"),
                                  kind=Filing.Kind.PLAN, text="", files=[SimpleUploadedFile("方案.pdf", b"%PDF-1.4")])
    assert filing.files.get().name == "方案.pdf"
    again = services.filing_save(actor=tree.user("staff"), campaign=campaign, unit=tree.unit("township"),
                                 kind=Filing.Kind.PLAN, text="")
    assert again.pk == filing.pk


def test_the_database_holds_one_report_of_a_kind_per_unit(tree, campaign):
    services.filing_save(actor=tree.user("staff"), campaign=campaign, unit=tree.unit("township"),
                         kind=Filing.Kind.PLAN, text="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Filing.objects.create(campaign=campaign, unit=tree.unit("township"), kind=Filing.Kind.PLAN,
                              filed_by=tree.user("staff"))


def test_the_county_office_files_for_its_county_and_nobody_for_a_unit_it_does_not_speak_for(tree, campaign):
    filing = services.filing_save(actor=tree.user("office"), campaign=campaign, unit=tree.unit("county"),
                                  kind=Filing.Kind.PLAN, text="县实施方案")
    assert filing.unit == tree.unit("county")
    assert Notification.objects.filter(recipient=tree.user("city_office"), link__contains=str(filing.pk)).exists()
    for actor, unit in (("office", "township"), ("city_office", "county"), ("staff", "sibling_township"),
                        ("leader", "county")):
        with pytest.raises(PermissionDenied):
            services.filing_save(actor=tree.user(actor), campaign=campaign, unit=tree.unit(unit),
                                 kind=Filing.Kind.PLAN, text="x")


def test_the_admin_sets_the_quotas_per_kind_of_unit(client, tree, campaign):
    client.force_login(tree.user("admin"))
    url = reverse("oversight:quotas", args=[campaign.slug])
    page = client.get(url).content.decode()
    assert "乡镇（街道）" in page or "街道" in page
    client.post(url, {"save": "quotas", "township__government": "2", "county__department": "1"})
    assert dict(BriefingQuota.objects.values_list("unit_kind", "minimum")) == {"government": 2, "department": 1}
    client.post(url, {"save": "quotas", "township__government": "0", "county__department": "1"})
    assert list(BriefingQuota.objects.values_list("unit_kind", flat=True)) == ["department"]
    client.force_login(tree.user("office"))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("user, shown, hidden", [
    ("staff", ["oversight:work"], ["reports:completeness", "oversight:quotas", "oversight:bulletins"]),
    ("office", ["oversight:work", "reports:completeness", "oversight:briefings", "oversight:bulletins",
                "oversight:inspections"],
     ["oversight:quotas"]),
    ("leader", ["reports:completeness", "oversight:briefings", "oversight:bulletins"], ["oversight:work"]),
    ("admin", ["oversight:quotas"], ["oversight:work", "reports:completeness"]),
])
def test_the_campaign_page_leads_each_role_to_its_campaign_work(client, tree, campaign, user, shown, hidden):
    client.force_login(tree.user(user))
    page = client.get(reverse("screening:campaign_detail", args=[campaign.slug])).content.decode()
    for name in shown:
        assert f'href="{reverse(name, args=[campaign.slug])}"' in page, name
    for name in hidden:
        assert f'href="{reverse(name, args=[campaign.slug])}"' not in page, name
