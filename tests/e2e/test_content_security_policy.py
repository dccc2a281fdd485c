"""One page of each kind, opened by the user who works on it, runs under the Content-Security-Policy without a single
violation (the ``new_page`` fixture fails the test on any): every script, style and handler comes from static/."""

from ledger import services as ledger_services
from orgs.models import LeadingGroup
from review import services as review_services
from review.services import DisposalPlan
from tests.e2e.test_login import log_in


def visit(page, urls) -> None:
    for url in urls:
        response = page.goto(url)
        assert response.ok, f"{url}: {response.status}"
        # A script that runs on load (the unit search, the error summary) must have had its turn.
        page.wait_for_load_state("load")


def test_every_kind_of_page_keeps_to_the_policy(new_page, tree, open_campaign, clue_data, term):
    LeadingGroup.objects.create(government=tree.unit("county"), office=tree.unit("office"))
    staff = tree.user("staff")
    clue = ledger_services.clue_submit(actor=staff, clue=ledger_services.clue_create(
        actor=staff, campaign=open_campaign, unit=tree.unit("township"), data=clue_data()))
    disposal = review_services.disposal_save(actor=tree.user("office"), clue=clue, plan=DisposalPlan(
        responsible_unit=tree.unit("department"), track="rectify", measures=[term("规范整改")]))
    slug, county = open_campaign.slug, tree.unit("county").pk

    anonymous = new_page()
    visit(anonymous, ["/accounts/login/", "/admin/login/"])

    page = new_page()
    log_in(page, "staff")
    visit(page, [
        "/", "/ledger/", f"/ledger/{slug}/clues/", f"/ledger/{slug}/clues/new/", f"/ledger/{slug}/records/",
        f"/ledger/{slug}/records/new/", f"/ledger/clues/{clue.pk}/", f"/ledger/{slug}/import/clues/",
        f"/workbench/{slug}/declare/", "/orgs/units/", "/orgs/notifications/", "/accounts/password/",
    ])
    # A form sent back with errors: its summary takes the focus through app.js.
    page.goto(f"/ledger/{slug}/clues/new/")
    page.get_by_role("button", name="保存").click()
    assert page.locator(".error-summary").is_visible()

    page = new_page()
    log_in(page, "department_staff")
    visit(page, ["/workbench/tasks/", f"/workbench/tasks/{disposal.pk}/"])

    page = new_page()
    log_in(page, "office")
    visit(page, [
        f"/workbench/{slug}/queue/", f"/workbench/clues/{clue.pk}/", f"/workbench/{slug}/approvals/",
        f"/workbench/{slug}/overdue/", "/reports/", f"/reports/{slug}/?unit={county}",
        f"/reports/{slug}/attachment1/?unit={county}", f"/reports/{slug}/attachment2/?unit={county}",
        f"/reports/{slug}/county-return/", "/orgs/notifications/",
    ])

    page = new_page()
    log_in(page, "admin")
    visit(page, [
        "/campaigns/", "/campaigns/new/", f"/campaigns/{slug}/", f"/campaigns/{slug}/edit/",
        f"/campaigns/{slug}/phases/", f"/campaigns/{slug}/taxonomy/sector/", f"/campaigns/{slug}/responsibilities/",
        f"/campaigns/{slug}/units/", "/orgs/manage/", "/admin/", "/admin/orgs/unit/",
    ])
