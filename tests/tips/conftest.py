import re
from decimal import Decimal

import pytest
from captcha.conf import settings as captcha_settings
from captcha.models import CaptchaStore
from django.urls import reverse

from orgs.models import Membership, Unit
from tests.factories import UnitFactory, member
from tips import services
from tips.services import TipData

REPORTER = "张举报"
PHONE = "13900001111"


@pytest.fixture
def other_office(tree):
    """乙县's own office, with a member: it handles 乙县's tips and none of 甲县's."""
    office = UnitFactory(name="乙县处非办", code="B-O", level=Unit.Level.COUNTY, kind=Unit.Kind.OFFICE,
                         parent=tree.unit("other_county"))
    tree.users["other_office"] = member(office, Membership.Role.OFFICE, username="other_office")
    return office


@pytest.fixture
def captcha_test_mode(monkeypatch):
    """The captcha answered by "PASSED", as CAPTCHA_TEST_MODE lets the browser test do."""
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)


def captcha_fields(client) -> dict:
    """The captcha of a fresh public page, answered right (read from the store, as a person reads the picture)."""
    page = client.get(reverse("tips:file")).content.decode()
    key = re.search(r'name="captcha_0" value="(\w+)"', page).group(1)
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def tip_fields(county, **overrides) -> dict:
    return {"county": county.pk, "what": "以养老投资名义承诺年化15%收益，吸收周边老人资金", "place": "宝平街道某小区底商",
            "entity_name": "天津某某养老服务有限公司", "credit_code": "", "amount": "50", "people": "30",
            "reporter_name": REPORTER, "reporter_phone": PHONE} | overrides


@pytest.fixture
def file_tip(tree):
    """A tip of 甲县 filed through the service (the public page is tested on its own): (tip, secret)."""
    def file(**overrides):
        data = {"county": tree.unit("county"), "what": "承诺高额返利吸收存款", "place": "一街道某写字楼",
                "entity_name": "天津某某投资管理有限公司", "amount": Decimal("80.00"), "people": 20,
                "reporter_name": REPORTER, "reporter_phone": PHONE} | overrides
        return services.tip_file(address="192.0.2.1", data=TipData(**data))
    return file
