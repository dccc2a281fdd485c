import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD


def login(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302, "login failed"


def test_login_page_is_in_chinese_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    assert 'lang="zh-hans"' in response.content.decode()


def test_pages_require_login(client, db):
    response = client.get(reverse("orgs:unit_tree"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_wrong_password_is_refused_with_a_message(client, tree):
    response = client.post(reverse("login"), {"username": "staff", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名和密码不匹配" in response.content.decode()


def test_login_then_logout(client, tree):
    login(client, tree.user("staff"))
    home = client.get(reverse("home"))
    assert "一街道" in home.content.decode()
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_staff_see_only_their_units_on_the_unit_page(client, tree):
    login(client, tree.user("staff"))
    page = client.get(reverse("orgs:unit_tree")).content.decode()
    assert "一社区" in page
    assert "二街道" not in page


def test_menu_shows_each_role_what_it_may_use(client, tree):
    login(client, tree.user("staff"))
    assert reverse("orgs:manage") not in client.get(reverse("home")).content.decode()
    client.post(reverse("logout"))
    login(client, tree.user("admin"))
    assert reverse("orgs:manage") in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", ["staff", "office", "leader"])
def test_the_management_page_is_forbidden_to_non_admins(client, tree, role):
    login(client, tree.user(role))
    response = client.get(reverse("orgs:manage"))
    assert response.status_code == 403
    assert "无权" in response.content.decode() or "没有权限" in response.content.decode()


def test_admin_sees_the_users_of_their_county_only(client, tree):
    login(client, tree.user("admin"))
    page = client.get(reverse("orgs:manage")).content.decode()
    assert "office" in page and "staff" in page
    assert "city_office" not in page


def test_language_switch(client, tree):
    login(client, tree.user("staff"))
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True)
    page = response.content.decode()
    assert 'lang="en"' in page
    assert "Log out" in page
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("home")}, follow=True)
    assert "退出" in response.content.decode()


def test_unit_switch_changes_the_active_unit(client, tree):
    from orgs import services
    from orgs.models import Membership

    user = tree.user("staff")
    other = services.membership_set(actor=None, user=user, unit=tree.unit("other_township"), role="staff")
    login(client, user)
    client.post(reverse("orgs:switch_unit"), {"membership": other.pk, "next": reverse("home")})
    page = client.get(reverse("home")).content.decode()
    assert "您正在以" in page and "乙县一镇" in page.split("<main")[1]
    foreign = Membership.objects.get(user=tree.user("office"))
    assert client.post(reverse("orgs:switch_unit"), {"membership": foreign.pk}).status_code == 404


def test_password_change(client, tree):
    user = tree.user("staff")
    login(client, user)
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "Xk7-new-secret", "new_password2": "Xk7-new-secret"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xk7-new-secret")
