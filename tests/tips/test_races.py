"""Ten tips sent at the same moment from one address, with a day's limit of three, save three: the day's counter is one
row per address (a unique constraint) locked while it is counted. PostgreSQL only, as tests/ledger/test_races.py."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.ledger.test_races import at_once
from tips.models import PublicCounter, Tip

from .conftest import tip_fields

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer at a time: no two requests overlap"
)


def test_ten_tips_at_once_from_one_address_save_the_day_s_limit_and_refuse_the_others(
        transactional_db, tree, settings, captcha_test_mode):
    settings.TIPS_PER_ADDRESS_PER_DAY = 3
    data = tip_fields(tree.unit("county")) | {"captcha_0": "x", "captcha_1": "passed"}
    clients = [Client(raise_request_exception=False) for _ in range(10)]
    answers = at_once([lambda client=client: client.post(reverse("tips:file"), data, REMOTE_ADDR="198.51.100.9")
                       for client in clients])
    assert all(answer.status_code == 200 for answer in answers)
    assert Tip.objects.count() == 3
    assert sum("已达每日上限" in answer.content.decode() for answer in answers) == 7
    assert PublicCounter.objects.get().count == 3
