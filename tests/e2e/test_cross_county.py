"""A notice from one county to another, in a real browser: the sending office notifies on its clue page, the county
notified finds it through the menu, acknowledges it and opens a clue of its own, and the sender sees both."""

from ledger import services
from ledger.models import Clue
from review.models import CountyNotice
from tests.e2e.test_login import log_in


def test_a_county_notifies_another_which_acknowledges_and_opens_its_own_clue(page, new_page, tree, other_counties,
                                                                              open_campaign, clue_data):
    submitted = services.clue_submit(actor=tree.user("staff"), clue=services.clue_create(
        actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"), data=clue_data()))
    log_in(page, "office")
    page.goto(f"/workbench/clues/{submitted.pk}/")
    page.locator("#notice-to_county").select_option(label="乙县")
    page.locator("#notice-note").fill("该公司在乙县设有经营网点")
    page.get_by_role("button", name="通报", exact=True).click()
    assert "已通报该县（区）" in page.locator("body").inner_text()
    assert "尚未确认" in page.locator("#notices").inner_text()

    receiver = new_page()
    log_in(receiver, "other_office")
    receiver.get_by_role("navigation", name="主菜单").get_by_role("link", name="跨县协作").click()
    receiver.get_by_role("link", name="天津某某投资管理有限公司").click()
    assert "该公司在乙县设有经营网点" in receiver.locator("#summary").inner_text()
    receiver.get_by_role("button", name="确认收到").click()
    assert "已确认收到通报" in receiver.locator("body").inner_text()
    # The form comes filled in from the notice: the campaign, the sector and the figures; the unit is the office's.
    receiver.locator("#id_unit").select_option(value=str(tree.unit("other_township").pk))
    assert receiver.locator("#id_amount_involved").input_value() == "120.50"
    receiver.get_by_role("button", name="开立线索").click()
    notice = CountyNotice.objects.get()
    assert notice.opened_clue.unit == tree.unit("other_township")
    assert notice.opened_clue.status == Clue.Status.SUBMITTED

    page.reload()
    notices = page.locator("#notices").inner_text()
    assert "乙县" in notices and "已开立 · 已报送" in notices and "尚未确认" not in notices
