"""A clue from the township's form to the county's table, in a real browser."""

from decimal import Decimal

from ledger import services
from ledger.models import Clue
from ledger.services import ClueData, EntityData
from tests.e2e.test_login import log_in

CODE = "91350100M000100Y43"


def test_staff_enter_a_known_entity_and_the_office_accepts_it_into_the_table(page, new_page, tree,
                                                                             open_campaign, term):
    # The market-regulation department already reported the entity: the township's form should say so.
    services.clue_create(actor=tree.user("department_staff"), campaign=open_campaign, unit=tree.unit("department"),
                         data=ClueData(entity=EntityData(name="天津鑫盛财富投资管理有限公司", credit_code=CODE),
                                       sector=term("网络借贷平台"), amount_involved=Decimal("1"), people_involved=1))

    log_in(page, "staff")
    page.goto(f"/ledger/{open_campaign.slug}/clues/new/")
    page.locator("#id_name").fill("天津鑫盛财富")
    page.locator("#entity-suggestions li").first.click()  # picking the suggestion fills the entity
    assert page.locator("#id_credit_code").input_value() == CODE
    assert page.locator("#entity-reported").is_visible()
    assert "1 个您无权查看的单位" in page.locator("#entity-reported").inner_text()  # staff never see that unit
    page.locator("#id_sector").select_option(label="网络借贷平台")
    page.locator("#id_amount_involved").fill("1,234.50")
    page.locator("#id_people_involved").fill("１２")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="报送处非办").click()
    clue = Clue.objects.get(unit=tree.unit("township"))
    assert clue.status == Clue.Status.SUBMITTED and clue.amount_involved == Decimal("1234.50")

    office = new_page()
    log_in(office, "office")
    office.goto(f"/workbench/clues/{clue.pk}/")
    office.get_by_role("button", name="接受").click()
    office.goto(f"/reports/{open_campaign.slug}/attachment1/?unit={tree.unit('county').pk}")
    lending = office.locator("tr", has=office.locator("th", has_text="网络借贷平台"))
    cells = lending.locator("td").all_inner_texts()
    # Both units screened it: one institution. The department's clue is still a draft, so only the township's counts.
    assert cells[:2] == ["1.00", "1.00"] and "1234.50" in cells
