"""The campaign's work in a real browser: staff file a briefing and the summary report; the office sees completeness
change, issues a bulletin and downloads it, and records an inspection whose action the unit answers."""

import io
from datetime import timedelta

from docx import Document

from oversight.models import InspectionAction
from screening.locks import today_local
from screening.models import Phase
from tests.e2e.test_login import log_in

TODAY = today_local()


def test_from_the_units_briefing_to_the_offices_bulletin_and_inspection(page, new_page, tree, open_campaign):
    Phase.objects.create(campaign=open_campaign, kind=Phase.Kind.SUMMARY, start=TODAY - timedelta(days=1),
                         end=TODAY + timedelta(days=9), deadline=TODAY + timedelta(days=9))
    log_in(page, "staff")
    page.get_by_role("link", name="信息报送: 0").click()
    briefing = page.locator("#briefing")
    briefing.get_by_label("类别").select_option(label="典型案例")
    briefing.get_by_label("标题").fill("一街道识破“养老投资”骗局")
    briefing.get_by_label("正文").fill("网格员发现某养老公司以高息吸收老年人资金，已报区处非办。")
    briefing.get_by_role("button", name="报送信息").click()
    assert "信息已报送" in page.locator(".messages").inner_text()
    summary = page.locator("#summary")
    summary.get_by_label("正文").fill("一街道排查工作总结：共排查机构120家。")
    summary.get_by_role("button", name="报送").click()
    assert "报告已报送" in page.locator(".messages").inner_text()
    assert "已报送" in page.locator("#summary h2").inner_text()

    office = new_page()
    log_in(office, "office")
    office.goto(f"/reports/{open_campaign.slug}/completeness/")
    row = office.locator("tr", has_text="一街道")
    assert "1" in row.locator("td").nth(3).inner_text() and "已报送" in row.locator("td").nth(4).inner_text()

    office.goto(f"/campaigns/{open_campaign.slug}/")
    office.get_by_role("link", name="工作简报").click()
    office.get_by_label("发", exact=True).fill("市处非办")
    office.get_by_label("一街道识破“养老投资”骗局", exact=False).check()
    office.get_by_role("button", name="编发简报").click()
    assert f"{TODAY.year}年第1期" in office.locator(".messages").inner_text()
    with office.expect_download() as download:
        office.get_by_role("link", name="下载（.docx）").click()
    text = [p.text for p in Document(io.BytesIO(open(download.value.path(), "rb").read())).paragraphs]
    assert "一街道识破“养老投资”骗局" in text and "发：市处非办" in text

    office.goto(f"/work/{open_campaign.slug}/inspections/")
    record = office.locator("#record")
    record.get_by_label("被检查单位").select_option(label="一街道")
    record.get_by_label("检查人员").fill("区处非办 王某")
    record.get_by_label("发现的问题").fill("宣传标语张贴不到位。")
    record.locator("#id_actions-0-text").fill("补齐社区宣传标语")
    record.locator("#id_actions-0-deadline").fill((TODAY + timedelta(days=7)).isoformat())
    record.get_by_role("button", name="登记").click()
    assert "督导检查已登记" in office.locator(".messages").inner_text()

    page.goto("/")
    page.get_by_role("link", name="督导整改要求: 补齐社区宣传标语").click()
    page.get_by_label("整改情况").fill("已张贴标语20条。")
    page.get_by_role("button", name="提交答复").click()
    assert "答复已发送" in page.locator(".messages").inner_text()

    office.reload()
    assert "已张贴标语20条。" in office.locator("table").inner_text()
    office.get_by_role("button", name="关闭").click()
    assert InspectionAction.objects.get().state == "closed"
