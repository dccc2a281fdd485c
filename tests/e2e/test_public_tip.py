"""A citizen's tip from the public page to a clue, in a real browser: filed without logging in (the captcha in test
mode), its status read with the tracking code and the secret, registered and turned into a clue by the county office,
and the citizen reading the new status. Every page is held to the Content-Security-Policy (tests/e2e/conftest.py)."""

import pytest
from captcha.conf import settings as captcha_settings

from ledger.models import Clue
from tests.e2e.test_login import log_in
from tips.models import Tip


@pytest.fixture
def captcha_test_mode(monkeypatch):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)


def read_status(page, code: str, secret: str) -> str:
    page.goto("/tips/status/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("密码").fill(secret)
    page.get_by_role("button", name="查询").click()
    return page.locator("#tip-status").inner_text()


def test_a_citizen_files_a_tip_that_the_county_office_turns_into_a_clue(page, new_page, tree, open_campaign,
                                                                        captcha_test_mode):
    page.goto("/tips/")
    assert page.locator("img.captcha").evaluate("image => image.naturalWidth") > 0  # drawn by the server itself
    page.get_by_label("区（县）").select_option(label="甲县")
    page.get_by_label("举报内容").fill("有人在写字楼里开讲座，宣传投资养老项目，承诺每月返息2%。")
    page.get_by_label("发生地点").fill("一街道某写字楼 8 层")
    page.locator("#id_entity_name").fill("天津某某养老产业有限公司")
    page.locator("#id_amount").fill("120")
    page.locator("#id_people").fill("45")
    page.locator("#id_reporter_name").fill("赵先生")
    page.locator("#id_reporter_phone").fill("13700001111")
    page.locator("#id_files").set_input_files(files=[{"name": "传单.pdf", "mimeType": "application/pdf",
                                                      "buffer": b"%PDF-1.4 leaflet"}])
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="提交举报").click()
    code = page.locator("#tracking-code").inner_text()
    secret = page.locator("#tracking-secret").inner_text()
    assert len(code) == 10 and len(secret) == 16

    status = read_status(page, code, secret)
    assert "已受理" in status and "养老" not in page.content() and "甲县" not in page.content()
    assert "没有与该查询码和密码相符的举报" in read_status(page, code, "WRONGSECRET")

    office = new_page()
    log_in(office, "office")
    tip = Tip.objects.get(tracking_code=code)
    office.goto(f"/tips/office/{tip.pk}/")
    assert "赵先生" not in office.content()
    office.get_by_role("button", name="查看举报人身份和联系方式").click()
    assert "赵先生" in office.locator("#reporter-identity").inner_text()
    assert office.locator("#identity-log li").count() == 1
    office.get_by_role("button", name="受理登记").click()
    convert = office.locator("#convert")
    convert.get_by_label("线索所属单位").select_option(label="一街道")
    convert.locator("#id_convert-sector").fill("民间投融资中介机构")
    convert.get_by_role("button", name="转为风险线索").click()
    assert "已转为线索" in office.locator("#tip-state").inner_text()
    office.locator("#tip-clue").click()
    clue = Clue.objects.get()
    assert clue.source.name == "群众举报" and clue.status == Clue.Status.SUBMITTED
    assert f"群众举报第 {tip.pk} 号" in office.locator("#from-tip").inner_text()

    assert "已处理" in read_status(page, code, secret)
