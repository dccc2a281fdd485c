"""The public page (/tips/) and the status page (/tips/status/), used without logging in: the captcha, the daily
limits per network address, the file rules, and a tracking code that tells its status and nothing else."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orgs.models import Notification
from screening.locks import today_local
from tips.models import PublicCounter, Tip, TipFile

from .conftest import PHONE, REPORTER, captcha_fields, tip_fields

pytestmark = pytest.mark.django_db


def post_tip(client, tree, *, address="198.51.100.7", captcha=None, files=None, **overrides):
    data = tip_fields(tree.unit("county"), **overrides) | (captcha or {"captcha_0": "x", "captcha_1": "passed"})
    if files is not None:
        data["files"] = files
    return client.post(reverse("tips:file"), data, REMOTE_ADDR=address)


def test_a_citizen_files_a_tip_and_gets_a_tracking_code_and_a_secret_shown_once(client, tree):
    page = client.get(reverse("tips:file"))
    assert page.status_code == 200 and "甲县" in page.content.decode()
    assert "乙县" not in page.content.decode()  # a county without an office takes no tips
    response = post_tip(client, tree, captcha=captcha_fields(client),
                        files=[SimpleUploadedFile("传单.pdf", b"%PDF-1.4 leaflet")])
    tip = Tip.objects.get()
    text = response.content.decode()
    code = tip.tracking_code
    secret = text.split('id="tracking-secret">')[1].split("<")[0]
    assert code in text and len(secret) == 16
    assert secret not in tip.secret_hash  # only its hash is kept
    assert tip.files.get().name == "传单.pdf"
    assert tip.status == Tip.Status.RECEIVED and tip.reporter_name == REPORTER
    # The county's office is told; the notification names no reporter.
    told = Notification.objects.get(recipient=tree.user("office"))
    assert REPORTER not in told.title + told.body and not Notification.objects.exclude(
        recipient=tree.user("office")).exists()


def test_a_wrong_captcha_is_refused_and_nothing_is_saved(client, tree):
    fields = captcha_fields(client)
    response = post_tip(client, tree, captcha=fields | {"captcha_1": "wrong"})
    assert response.status_code == 200
    assert "字符与图片不符" in response.content.decode()
    assert not Tip.objects.exists()
    # A captcha is tried once: the right answer after a wrong one is refused too.
    post_tip(client, tree, captcha=fields)
    assert not Tip.objects.exists()


def test_the_nth_tip_of_an_address_is_taken_the_next_refused_and_the_next_day_taken_again(
        client, tree, settings, captcha_test_mode):
    settings.TIPS_PER_ADDRESS_PER_DAY = 3
    for _ in range(3):
        post_tip(client, tree)
    assert Tip.objects.count() == 3
    refused = post_tip(client, tree)
    assert "已提交 3 条举报" in refused.content.decode() and Tip.objects.count() == 3
    post_tip(client, tree, address="198.51.100.8")  # another address is not held back
    assert Tip.objects.count() == 4
    tomorrow = today_local() + timedelta(days=1)
    with mock.patch("tips.services.locks.today_local", return_value=tomorrow):
        post_tip(client, tree)
    assert Tip.objects.count() == 5
    # Counted in the database, by a keyed hash: the address itself is kept nowhere.
    assert PublicCounter.objects.filter(kind="file").count() == 3
    assert not PublicCounter.objects.filter(address_key__contains="198.51.100").exists()


def test_behind_nginx_each_browser_has_its_own_daily_limit(client, tree, settings, captcha_test_mode):
    """Through deploy/nginx every tip arrives from 127.0.0.1: counted by that, the day's limit of one address would
    shut the page for the whole public; counted by what a browser writes into X-Forwarded-For, it would hold no one."""
    settings.PROXIES_IN_FRONT, settings.TIPS_PER_ADDRESS_PER_DAY = 1, 2

    def through_nginx(browser, written_by_browser=""):
        forwarded = ", ".join(part for part in (written_by_browser, browser) if part)
        data = tip_fields(tree.unit("county")) | {"captcha_0": "x", "captcha_1": "passed"}
        client.post(reverse("tips:file"), data, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    for n in range(3):
        through_nginx("203.0.113.9", written_by_browser=f"10.0.0.{n}")
    assert Tip.objects.count() == 2
    through_nginx("198.51.100.20")
    assert Tip.objects.count() == 3


@pytest.mark.parametrize(("name", "content", "message"), [
    ("合同.exe", b"MZ\x90\x00program", "不能作为佐证材料"),
    ("传单.pdf", b"<html><script>alert(1)</script></html>", "的内容不是PDF文件"),
])
def test_a_file_of_a_wrong_kind_is_refused_at_the_field_and_nothing_is_saved(
        client, tree, captcha_test_mode, name, content, message):
    response = post_tip(client, tree, files=[SimpleUploadedFile(name, content)])
    assert message in response.content.decode()
    assert message in response.content.decode().split('id="id_files_error"')[1].split("</ul>")[0]  # at the field
    assert not Tip.objects.exists() and not TipFile.objects.exists()
    assert not PublicCounter.objects.exists()  # a refused tip does not count against the day


def test_a_file_too_big_is_refused_at_the_field_and_nothing_is_saved(client, tree, captcha_test_mode, monkeypatch):
    monkeypatch.setattr("orgs.uploads.MAX_MB", 1)
    big = SimpleUploadedFile("照片.pdf", b"%PDF-1.4" + b"0" * (1024 * 1024))
    response = post_tip(client, tree, files=[big])
    assert "单个文件不能超过 1 MB" in response.content.decode().split('id="id_files_error"')[1].split("</ul>")[0]
    assert not Tip.objects.exists() and not TipFile.objects.exists()
    just_right = SimpleUploadedFile("照片.pdf", b"%PDF-1.4" + b"0" * (1024 * 1024 - 8))
    post_tip(client, tree, files=[just_right])
    assert TipFile.objects.count() == 1


def test_the_tracking_code_shows_the_status_only(client, tree, file_tip):
    tip, secret = file_tip()
    tip.assigned_unit = tree.unit("township")
    tip.finding, tip.closed_reason = "核查属实", "移交公安"
    tip.save()
    response = client.post(reverse("tips:status"), {"tracking_code": tip.tracking_code, "secret": secret})
    text = response.content.decode()
    assert "已受理" in text
    for hidden in (REPORTER, PHONE, tip.entity_name, tip.what, tip.place, "甲县", "一街道", "核查属实", "移交公安"):
        assert hidden not in text
    Tip.objects.filter(pk=tip.pk).update(status=Tip.Status.REWARDED)
    assert "已奖励" in client.post(reverse("tips:status"), {"tracking_code": tip.tracking_code.lower(),
                                                           "secret": secret}).content.decode()


def test_a_wrong_secret_shows_nothing(client, file_tip):
    tip, secret = file_tip()
    for code, wrong in ((tip.tracking_code, secret[:-1] + ("A" if secret[-1] != "A" else "B")), ("NOSUCHCODE", secret)):
        text = client.post(reverse("tips:status"), {"tracking_code": code, "secret": wrong}).content.decode()
        assert "没有与该查询码和密码相符的举报" in text
        assert "已受理" not in text


def test_status_look_ups_are_limited_per_address_so_a_secret_cannot_be_found_by_trying(client, file_tip, settings):
    settings.TIP_LOOKUPS_PER_ADDRESS_PER_DAY = 3
    tip, secret = file_tip()
    for _ in range(3):
        client.post(reverse("tips:status"), {"tracking_code": tip.tracking_code, "secret": "GUESS"},
                    REMOTE_ADDR="203.0.113.5")
    refused = client.post(reverse("tips:status"), {"tracking_code": tip.tracking_code, "secret": secret},
                          REMOTE_ADDR="203.0.113.5").content.decode()
    assert "已查询 3 次" in refused and "已受理" not in refused
    assert "已受理" in client.post(reverse("tips:status"), {"tracking_code": tip.tracking_code, "secret": secret},
                                   REMOTE_ADDR="203.0.113.6").content.decode()


def test_the_captcha_picture_is_drawn_by_this_server(client):
    page = client.get(reverse("tips:file")).content.decode()
    src = page.split('class="captcha"')[0].rsplit('src="', 1)[1].split('"')[0]
    assert src.startswith("/tips/captcha/")
    picture = client.get(src)
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
