"""A disposal from the office's plan to the responsible unit's report, and several drafts submitted at once, in a real
browser."""

import re

from ledger import services as ledger_services
from ledger.models import Clue
from review import services
from review.models import Disposal
from review.services import DisposalPlan
from tests.e2e.test_login import log_in


def test_the_responsible_unit_finds_its_task_in_the_menu_and_reports_it_finished(page, new_page, tree,
                                                                                 open_campaign, clue_data, term):
    clue = ledger_services.clue_submit(actor=tree.user("staff"), clue=ledger_services.clue_create(
        actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"), data=clue_data()))
    services.disposal_save(actor=tree.user("office"), clue=clue, plan=DisposalPlan(
        responsible_unit=tree.unit("department"), track="rectify", measures=[term("规范整改")],
        instructions="责令整改并报送整改报告"))

    log_in(page, "department_staff")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name=re.compile("^处置任务")).click()
    page.get_by_role("link", name="天津某某投资管理有限公司").click()
    assert "责令整改并报送整改报告" in page.locator("#plan").inner_text()
    page.locator("#stage-stage").select_option(label="处置完毕")
    page.locator("#stage-text").fill("已整改完毕")
    page.get_by_role("button", name="报告处非办").click()
    assert "处置阶段已报告" in page.locator(".messages").inner_text()
    assert Disposal.objects.get(clue=clue).stage == "finished"

    office = new_page()
    log_in(office, "office")
    office.goto("/orgs/notifications/")
    office.get_by_role("link", name="处置阶段报告：天津某某投资管理有限公司").click()
    assert "已整改完毕" in office.locator("table.progress").inner_text()


def test_staff_tick_drafts_confirm_the_count_and_submit_them(page, tree, open_campaign, clue_data):
    for name in ("甲公司", "乙公司"):
        ledger_services.clue_create(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"),
                                    data=clue_data(entity={"name": name, "credit_code": ""}))
    log_in(page, "staff")
    page.goto(f"/ledger/{open_campaign.slug}/clues/")
    page.get_by_label("甲公司").check()
    page.get_by_label("乙公司").check()
    page.get_by_role("button", name="将所选线索提交处非办").click()
    assert "确定向处非办提交 2 条线索？" in page.locator("h1").inner_text()
    page.get_by_role("button", name="提交 2 条线索").click()
    assert "已向处非办提交 2 条线索。" in page.locator(".messages").inner_text()
    assert set(Clue.objects.values_list("status", flat=True)) == {"submitted"}
