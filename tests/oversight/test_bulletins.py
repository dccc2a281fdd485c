"""The office compiles numbered bulletins (工作简报) from the units' information reports and downloads them as Word
documents; the units whose reports it adopts are told; leaders read them; nobody else issues them."""

import io
import shutil
import subprocess

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from docx import Document

from orgs.models import Notification
from oversight import services
from oversight.models import Briefing, Bulletin
from screening.locks import today_local
from tests.reports.test_printing import OUTPUT

TODAY = today_local()


@pytest.fixture
def reports(tree, open_campaign):
    def brief(user, unit, title, text):
        return services.briefing_file(actor=tree.user(user), campaign=open_campaign, unit=tree.unit(unit),
                                      kind=Briefing.Kind.HIGHLIGHTS, title=title, text=text, day=TODAY)
    return [brief("staff", "township", "一街道扫楼排查写字楼12栋", "第一段。\n第二段。"),
            brief("department_staff", "department", "市场监管局清理违规广告", "清理广告30条。")]


def issue(client, campaign, briefings, orders, **fields):
    data = {"title": "防范和处置非法集资工作简报", "day": TODAY.isoformat(), "send_to": "市处非办", "copy_to": "县领导小组成员",
            "briefings": [b.pk for b in briefings], **{f"order_{b.pk}": o for b, o in zip(briefings, orders)}, **fields}
    return client.post(reverse("oversight:bulletin_issue", args=[campaign.slug]), data, follow=True)


def paragraphs(client, bulletin) -> list[str]:
    response = client.get(reverse("oversight:bulletin_docx", args=[bulletin.pk]))
    assert response["Content-Type"].endswith("wordprocessingml.document")
    return [p.text for p in Document(io.BytesIO(response.content)).paragraphs]


def test_the_office_issues_numbered_bulletins_in_its_chosen_order(client, tree, open_campaign, reports):
    client.force_login(tree.user("office"))
    Notification.objects.all().delete()
    issue(client, open_campaign, reports, ["2", "1"])
    issue(client, open_campaign, reports[:1], [""])
    first, second = Bulletin.objects.order_by("number")
    assert (first.number, second.number) == (1, 2) and first.issuer == tree.unit("county")
    text = paragraphs(client, first)
    assert text[0] == "防范和处置非法集资工作简报" and text[1] == f"{TODAY.year}年第1期"
    assert text[2].startswith("甲县防范和处置非法集资工作领导小组办公室")
    titles = [line for line in text if line in (reports[0].title, reports[1].title)]
    assert titles == [reports[1].title, reports[0].title]
    assert "（甲县市场监管局）" in text and "第一段。" in text and "第二段。" in text
    assert text[-2:] == ["发：市处非办", "抄送：县领导小组成员"]
    told = set(Notification.objects.values_list("recipient__username", "link"))
    assert ("department_staff", reverse("oversight:briefing", args=[reports[1].pk])) in told
    assert ("staff", reverse("oversight:briefing", args=[reports[0].pk])) in told


def test_a_bulletin_without_reports_is_refused_at_the_list(client, tree, open_campaign, reports):
    client.force_login(tree.user("office"))
    response = issue(client, open_campaign, [], [])
    assert "请选择" in response.context["form"].errors["briefings"][0] and not Bulletin.objects.exists()


def test_leaders_read_and_download_but_do_not_issue(client, tree, open_campaign, reports):
    client.force_login(tree.user("office"))
    issue(client, open_campaign, reports, ["1", "2"])
    client.force_login(tree.user("leader"))
    page = client.get(reverse("oversight:bulletins", args=[open_campaign.slug])).content.decode()
    assert f"{TODAY.year}年第1期" in page and reverse("oversight:bulletin_issue", args=[open_campaign.slug]) not in page
    assert paragraphs(client, Bulletin.objects.get())[1] == f"{TODAY.year}年第1期"
    assert issue(client, open_campaign, reports, ["1", "2"]).status_code == 403
    client.force_login(tree.user("staff"))
    assert client.get(reverse("oversight:bulletins", args=[open_campaign.slug])).status_code == 403
    assert client.get(reverse("oversight:bulletin_docx", args=[Bulletin.objects.get().pk])).status_code == 404


def test_the_database_holds_one_bulletin_per_number(tree, open_campaign, reports):
    bulletin = services.bulletin_issue(actor=tree.user("office"), campaign=open_campaign, issuer=tree.unit("county"),
                                       briefings=reports, title="简报", day=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Bulletin.objects.create(issuer=bulletin.issuer, campaign=open_campaign, year=bulletin.year, number=1,
                                title="简报", day=TODAY, issued_by=tree.user("office"))


@pytest.mark.libreoffice
def test_the_bulletin_prints_on_a4_with_its_masthead(tmp_path, client, tree, open_campaign, reports):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice and shutil.which("pdftotext"), "LibreOffice and poppler are needed: bash scripts/test installs them"
    client.force_login(tree.user("office"))
    issue(client, open_campaign, reports, ["1", "2"])
    source = tmp_path / "bulletin.docx"
    source.write_bytes(client.get(reverse("oversight:bulletin_docx", args=[Bulletin.objects.get().pk])).content)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, timeout=180, capture_output=True)
    pdf = tmp_path / "bulletin.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "pts (A4)" in info, info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    lines = [line.replace(" ", "") for line in text.splitlines()]
    # The masthead on one line each, the office and the date side by side.
    assert "防范和处置非法集资工作简报" in lines and f"{TODAY.year}年第1期" in lines
    assert f"甲县防范和处置非法集资工作领导小组办公室{TODAY.year}年{TODAY.month}月{TODAY.day}日" in lines
    for expected in (reports[0].title, reports[1].title, "（甲县市场监管局）", "发：市处非办", "抄送：县领导小组成员"):
        assert expected in lines
    OUTPUT.mkdir(parents=True, exist_ok=True)  # the pages, to look at
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(OUTPUT / "bulletin")], check=True, timeout=120)
