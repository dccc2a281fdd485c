import os
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import partial

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from config.celery import app as celery_app
from ledger.services import ClueData, EntityData
from orgs.models import Membership, Unit
from screening.locks import today_local
from screening.models import Campaign, Phase, Term
from screening.taxonomy_fixtures import load_taxonomy
from tests.factories import UnitFactory, expect, member


# A second alias on the same database stands for a read replica (config/routers.py); the tests that read through it
# name it in their ``databases``.
settings.DATABASES.setdefault("replica", settings.DATABASES["default"] | {"TEST": {"MIRROR": "default"}})

if os.environ.get("MUTATION_DB_TEMPLATE"):
    # Mutation runs (scripts/mutate) copy a migrated database instead of migrating one. Defined here, not passed as a
    # plugin with -p: a plugin's django_db_setup loses to pytest-django's own, a conftest's wins.
    from tests.mutation_db import django_db_setup  # noqa: F401


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def debug_on(settings):
    """DEBUG as scripts/run sets it (pytest-django turns it off): load_demo then gives the shared demo password."""
    settings.DEBUG = True


def pytest_collection_modifyitems(items):
    # A test that needs the worker is marked for it, so `-m celery_worker` selects it (or `-m "not celery_worker"` not).
    for item in items:
        if "task_worker" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.celery_worker)


@pytest.fixture
def task_worker(transactional_db):
    """Run the test's Celery tasks on a real worker when a broker is configured (CI: Redis), else eagerly as usual.

    The worker is a thread of this process: it shares the settings (and the mail outbox) and reaches the test database
    through its own connection, which sees only committed data, hence ``transactional_db``. A queue of its own keeps
    workers of other runs on the same broker from taking the test's tasks, and their leftovers from reaching this one.
    """
    if celery_app.conf.task_always_eager:
        yield
        return
    if not celery_app.conf.result_backend:
        pytest.fail("CELERY_RESULT_BACKEND must be set for a test to wait on a worker's result.")
    queue = f"tests-{uuid.uuid4().hex}"
    queues = [queue, f"{queue}-reports"]
    default_queue, reports_queue = celery_app.conf.task_default_queue, celery_app.conf.reports_queue
    celery_app.conf.task_default_queue, celery_app.conf.reports_queue = queues
    try:
        with start_worker(celery_app, perform_ping_check=False, queues=queues, shutdown_timeout=30):
            yield
    finally:
        celery_app.conf.task_default_queue, celery_app.conf.reports_queue = default_queue, reports_queue
        with celery_app.connection_for_write() as connection:
            for name in queues:
                leftover = celery_app.amqp.queues[name].bind(connection.default_channel)
                leftover.declare()  # a channel removes only the bindings it knows of
                leftover.delete()


@dataclass
class Tree:
    """A city with two counties: county A has an office, a department and two townships (one with a village)."""

    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)

    def unit(self, name: str) -> Unit:
        return self.units[name]

    def user(self, name: str):
        return self.users[name]


@pytest.fixture
def tree(db) -> Tree:
    return build_tree()


def build_tree() -> Tree:
    t = Tree()
    L, K = Unit.Level, Unit.Kind
    t.units["city"] = UnitFactory(name="市", code="C", level=L.CITY)
    t.units["city_office"] = UnitFactory(name="市处非办", code="C-O", level=L.CITY, kind=K.OFFICE, parent=t.units["city"])
    t.units["county"] = UnitFactory(name="甲县", code="A", level=L.COUNTY, parent=t.units["city"])
    t.units["office"] = UnitFactory(name="甲县处非办", code="A-O", level=L.COUNTY, kind=K.OFFICE, parent=t.units["county"])
    t.units["department"] = UnitFactory(name="甲县市场监管局", code="A-D", level=L.COUNTY, kind=K.DEPARTMENT, parent=t.units["county"])
    t.units["township"] = UnitFactory(name="一街道", code="A1", parent=t.units["county"])
    t.units["village"] = UnitFactory(name="一社区", code="A1-1", level=L.VILLAGE, parent=t.units["township"])
    t.units["sibling_township"] = UnitFactory(name="二街道", code="A2", parent=t.units["county"])
    t.units["other_county"] = UnitFactory(name="乙县", code="B", level=L.COUNTY, parent=t.units["city"])
    t.units["other_township"] = UnitFactory(name="乙县一镇", code="B1", parent=t.units["other_county"])
    R = Membership.Role
    t.users["staff"] = member(t.units["township"], R.STAFF, username="staff")
    t.users["department_staff"] = member(t.units["department"], R.STAFF, username="department_staff")
    t.users["office"] = member(t.units["office"], R.OFFICE, username="office")
    t.users["leader"] = member(t.units["county"], R.LEADER, username="leader")
    t.users["admin"] = member(t.units["county"], R.ADMIN, username="admin")
    t.users["city_office"] = member(t.units["city_office"], R.OFFICE, username="city_office")
    return t


@pytest.fixture
def open_campaign(tree) -> Campaign:
    """A published 2018-form campaign of county 甲县 whose screening phase is open today; 一街道 and 甲县市场监管局 are
    expected to report."""
    campaign = build_open_campaign(issuing_unit=tree.unit("office"), scope_unit=tree.unit("county"))
    expect(campaign, tree.unit("township"), tree.unit("department"))
    return campaign


def build_open_campaign(*, issuing_unit: Unit, scope_unit: Unit, slug: str = "open") -> Campaign:
    today = today_local()
    campaign = Campaign.objects.create(
        title="专项排查", slug=slug, year=today.year, issuing_unit=issuing_unit, scope_unit=scope_unit,
        status=Campaign.Status.PUBLISHED,
    )
    Phase.objects.create(campaign=campaign, kind=Phase.Kind.SCREENING, start=today - timedelta(days=10),
                         end=today + timedelta(days=20), deadline=today + timedelta(days=20))
    load_taxonomy(actor=None, campaign=campaign, form="2018")
    return campaign


@pytest.fixture
def other_counties(tree):
    """乙县 and 丙县 get offices of their own; 乙县 runs its own campaign, in which 乙县一镇 reports."""
    K, L, R = Unit.Kind, Unit.Level, Membership.Role
    tree.units["other_office"] = UnitFactory(name="乙县处非办", code="B-O", level=L.COUNTY, kind=K.OFFICE,
                                             parent=tree.unit("other_county"))
    tree.units["third_county"] = UnitFactory(name="丙县", code="D", level=L.COUNTY, parent=tree.unit("city"))
    tree.units["third_office"] = UnitFactory(name="丙县处非办", code="D-O", level=L.COUNTY, kind=K.OFFICE,
                                             parent=tree.unit("third_county"))
    tree.users["other_office"] = member(tree.unit("other_office"), R.OFFICE, username="other_office")
    tree.users["other_leader"] = member(tree.unit("other_county"), R.LEADER, username="other_leader")
    tree.users["other_staff"] = member(tree.unit("other_township"), R.STAFF, username="other_staff")
    tree.users["third_office"] = member(tree.unit("third_office"), R.OFFICE, username="third_office")
    campaign = build_open_campaign(issuing_unit=tree.unit("other_office"), scope_unit=tree.unit("other_county"),
                                   slug="other")
    expect(campaign, tree.unit("other_township"))
    return campaign


@pytest.fixture
def term(open_campaign):
    return partial(campaign_term, open_campaign)


def campaign_term(campaign: Campaign, name: str) -> Term:
    return Term.objects.get(campaign=campaign, name=name)


@pytest.fixture
def clue_data(term):
    """A valid clue's data; keyword arguments override fields, ``entity`` takes EntityData fields."""
    return partial(build_clue_data, term)


def build_clue_data(term, entity=None, **overrides) -> ClueData:
    """A valid clue's data with the terms that ``term`` (a name → Term) finds."""
    fields = {
        "entity": EntityData(**({"name": "天津某某投资管理有限公司", "credit_code": "91350100M000100Y43"} | (entity or {}))),
        "sector": term("网络借贷平台"),
        "amount_involved": Decimal("120.50"),
        "people_involved": 35,
        "unpaid_funds": Decimal("20.00"),
        "behaviours": [term("消费返利")],
        "problems": [term("超范围经营"), term("虚假宣传")],
        "channel": "both",
    }
    return ClueData(**(fields | overrides))
