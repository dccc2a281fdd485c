"""Password guessing: ten failures for one account from one address lock that pair for 15 minutes (django-axes)."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog
from django.db.models import F
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

WRONG = "not-the-password-9"


def attempt(client, username, password, address="10.1.1.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_ten_times(client, username, address="10.1.1.1"):
    for _ in range(9):
        assert attempt(client, username, WRONG, address).status_code == 200
    assert attempt(client, username, WRONG, address).status_code == 429


def is_logged_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def test_ten_wrong_passwords_refuse_the_right_one_with_a_message_in_chinese(client, tree):
    fail_ten_times(client, "staff")
    refused = attempt(client, "staff", TEST_PASSWORD)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "“staff”的密码已连续输错 10 次" in page and "锁定 15 分钟" in page
    assert not is_logged_in(client)


def test_the_lock_holds_one_account_from_one_address_only(client, tree, django_user_model):
    fail_ten_times(client, "staff")
    assert attempt(client, "office", TEST_PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, "staff", TEST_PASSWORD, address="10.2.2.2").status_code == 302


def test_nine_wrong_passwords_still_let_the_right_one_in(client, tree):
    for _ in range(9):
        attempt(client, "staff", WRONG)
    assert attempt(client, "staff", TEST_PASSWORD).status_code == 302


def test_after_the_cool_off_the_right_password_logs_in(client, tree):
    fail_ten_times(client, "staff")
    assert attempt(client, "staff", TEST_PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=14))
    assert attempt(client, "staff", TEST_PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert attempt(client, "staff", TEST_PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_every_failure_is_kept_with_who_when_and_where_but_never_the_password(client, tree):
    for _ in range(3):
        attempt(client, "staff", WRONG, address="10.3.3.3")
    failures = list(AccessFailureLog.objects.all())
    assert [(f.username, f.ip_address) for f in failures] == [("staff", "10.3.3.3")] * 3
    assert all(f.attempt_time for f in failures)
    kept = [str(value) for model in (AccessFailureLog, AccessAttempt) for row in model.objects.values() for value in row.values()]
    assert "staff" in kept
    assert not [value for value in kept if WRONG in value]


def test_an_admin_unlocks_a_locked_account(client, tree):
    fail_ten_times(client, "staff")
    superuser = UserFactory(is_superuser=True, is_staff=True)
    admin_client = client.__class__()
    admin_client.force_login(superuser)
    locked = AccessAttempt.objects.get(username="staff")
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert "解除所选登录的锁定" in listing.content.decode()
    done = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"), {"action": "unlock", "_selected_action": [locked.pk]}, follow=True
    )
    assert "已解除 1 个登录的锁定" in done.content.decode()
    assert attempt(client, "staff", TEST_PASSWORD).status_code == 302


def test_behind_nginx_the_lock_holds_the_browser_s_address_not_the_proxy_s(client, tree, settings):
    """Every request reaches gunicorn from nginx (127.0.0.1): the lock must fall on the address nginx saw, or one
    guesser would lock the account for everyone, and a guesser could write any X-Forwarded-For of their own."""
    settings.PROXIES_IN_FRONT = 1

    def through_nginx(password, browser, written_by_browser=""):
        forwarded = ", ".join(part for part in (written_by_browser, browser) if part)
        return client.post(reverse("login"), {"username": "staff", "password": password},
                           REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    for n in range(10):  # the guesser changes what it writes itself each time: still one address
        through_nginx(WRONG, "203.0.113.9", written_by_browser=f"10.0.0.{n}")
    assert through_nginx(TEST_PASSWORD, "203.0.113.9").status_code == 429
    assert through_nginx(TEST_PASSWORD, "198.51.100.20").status_code == 302  # a colleague elsewhere logs in
