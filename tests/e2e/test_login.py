from tests.factories import TEST_PASSWORD


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_staff_log_in_see_their_menu_switch_language_and_log_out(page, tree):
    log_in(page, "staff")
    menu = page.get_by_role("navigation", name="主菜单")
    assert menu.get_by_role("link", name="单位", exact=True).is_visible()
    assert menu.get_by_role("link", name="单位与用户").count() == 0
    with page.expect_navigation():
        page.get_by_label("语言").select_option("en")
    assert page.get_by_role("button", name="Log out").is_visible()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
    assert page.get_by_role("button", name="Log in").is_visible()


def test_the_office_sees_its_county_in_the_unit_tree(page, tree):
    log_in(page, "office")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="单位", exact=True).click()
    rows = page.locator("table.tree tbody tr")
    names = rows.locator("td:first-child").all_inner_texts()
    assert "二街道" in names and "一社区" in names and "乙县" not in names
