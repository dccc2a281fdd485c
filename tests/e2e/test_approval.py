"""Approving a unit locks its data, so the browser asks first; a unit whose clues are returned cannot be approved."""

from ledger import services as ledger_services
from orgs.models import LeadingGroup
from review import services as review_services
from review import submissions
from screening.models import UnitSubmission
from tests.e2e.test_login import log_in


def test_the_office_is_asked_before_approving_and_a_held_back_unit_has_no_button_to_press(page, tree, open_campaign,
                                                                                         clue_data):
    LeadingGroup.objects.create(government=tree.unit("county"), office=tree.unit("office"))
    submissions.submission_declare(actor=tree.user("department_staff"), campaign=open_campaign,
                                   unit=tree.unit("department"))
    staff = tree.user("staff")
    returned = ledger_services.clue_submit(actor=staff, clue=ledger_services.clue_create(
        actor=staff, campaign=open_campaign, unit=tree.unit("township"), data=clue_data()))
    submissions.submission_declare(actor=tree.user("staff"), campaign=open_campaign, unit=tree.unit("township"))
    review_services.clue_return(actor=tree.user("office"), clue=returned, reason="请补充经营地址")

    log_in(page, "office")
    page.goto(f"/workbench/{open_campaign.slug}/approvals/")
    township = page.locator(f"#unit-{tree.unit('township').pk}")
    assert township.get_by_role("button", name="审核通过").is_disabled()
    assert "尚有 1 条退回或草稿状态的线索" in township.inner_text()

    department = page.locator(f"#unit-{tree.unit('department').pk}")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    department.get_by_role("button", name="审核通过").click()
    assert questions == ["确定审核通过甲县市场监管局的数据吗？审核通过后，该单位及其下级单位将不能再填报，直至撤销审核。"]
    assert UnitSubmission.objects.get(unit=tree.unit("department")).status == "submitted"

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    with page.expect_navigation():
        department.get_by_role("button", name="审核通过").click()
    assert page.get_by_text("已审核：甲县市场监管局。").is_visible()
    assert UnitSubmission.objects.get(unit=tree.unit("department")).status == "approved"

    # Enter in the reason field sends back: it is not the approval's form.
    page.locator(f"#reason-{tree.unit('township').pk}").fill("请补充排查记录")
    with page.expect_navigation():
        page.locator(f"#reason-{tree.unit('township').pk}").press("Enter")
    assert UnitSubmission.objects.get(unit=tree.unit("township")).status == "returned"
    assert len(questions) == 2
