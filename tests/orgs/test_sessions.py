"""A login ends after 30 idle minutes and 8 hours in all, gets a new session key, ends when the user is disabled, and a
changed password must be a new one."""

from django.conf import settings
from django.forms import MultiWidget
from django.test import Client
from django.urls import reverse

from orgs import services
from orgs.sessions import LAST_SEEN_AT, LOGGED_IN_AT
from tests.factories import TEST_PASSWORD, UserFactory
from tests.orgs.test_pages import login


def is_logged_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def move_back(client, key: str, seconds: float) -> None:
    session = client.session
    session[key] -= seconds
    session.save()


def test_thirty_idle_minutes_log_out_with_a_message(client, tree):
    login(client, tree.user("staff"))
    move_back(client, LAST_SEEN_AT, 29 * 60)
    assert is_logged_in(client)
    move_back(client, LAST_SEEN_AT, 31 * 60)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "您已 30 分钟没有操作，已退出登录。请重新登录。" in response.content.decode()
    assert not is_logged_in(client)


def test_the_idle_timeout_is_a_setting(client, tree, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    login(client, tree.user("staff"))
    move_back(client, LAST_SEEN_AT, 6 * 60)
    assert not is_logged_in(client)


def test_an_active_session_still_ends_eight_hours_after_login(client, tree):
    login(client, tree.user("staff"))
    move_back(client, LOGGED_IN_AT, 8 * 3600 - 60)
    assert is_logged_in(client)
    move_back(client, LOGGED_IN_AT, 120)
    response = client.get(reverse("home"), follow=True)
    assert "您已登录 8 小时，已退出登录。请重新登录。" in response.content.decode()
    assert not is_logged_in(client)


def test_a_request_keeps_an_idle_session_alive(client, tree):
    login(client, tree.user("staff"))
    move_back(client, LAST_SEEN_AT, 20 * 60)
    assert is_logged_in(client)
    move_back(client, LAST_SEEN_AT, 20 * 60)
    assert is_logged_in(client)


def test_logging_in_gives_a_new_session_key(client, tree):
    before = client.session.session_key
    login(client, tree.user("staff"))
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before and after and before != after


def test_a_user_disabled_by_the_service_is_logged_out_everywhere(tree):
    user = tree.user("staff")
    first, second = Client(), Client()
    login(first, user)
    login(second, user)
    user.is_active = False
    services.user_save(actor=tree.user("admin"), user=user)
    assert not is_logged_in(first) and not is_logged_in(second)


def posted(form) -> dict:
    """What the browser would send back for ``form`` unchanged."""
    data = {}
    for field in form:
        value, widget = field.value(), field.field.widget
        if isinstance(widget, MultiWidget):
            data.update({f"{field.html_name}_{i}": part or "" for i, part in enumerate(widget.decompress(value))})
        elif value is True:
            data[field.html_name] = "on"
        elif value not in (None, False):
            data[field.html_name] = value
    return data


def test_a_user_disabled_in_the_admin_is_logged_out(client, tree):
    user = tree.user("staff")
    login(client, user)
    admin_client = Client()
    admin_client.force_login(UserFactory(is_superuser=True, is_staff=True))
    change = reverse("admin:orgs_user_change", args=[user.pk])
    page = admin_client.get(change)
    data = posted(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data.update(posted(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(posted(form))
    del data["is_active"]
    assert admin_client.post(change, data).status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert not is_logged_in(client)


def test_a_new_password_may_not_be_the_current_one(client, tree):
    login(client, tree.user("staff"))
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": TEST_PASSWORD, "new_password2": TEST_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"] == ["新密码不能与当前密码相同。"]
    assert "新密码不能与当前密码相同。" in response.content.decode()
    changed = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "Fresh-pass-2027", "new_password2": "Fresh-pass-2027"},
    )
    assert changed.status_code == 302
