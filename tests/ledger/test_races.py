"""Twenty sessions doing the same thing at the same moment save it once, and the others read the refusal they would
read one after the other, never a server error. Over the application's views, each session in a thread with its own
database connection, lined up by a barrier.

PostgreSQL only: SQLite lets one transaction write at a time, so nothing there overlaps."""

import threading
from functools import partial
from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext, override

from ledger import importing
from ledger.models import Clue, Entity, ScreeningRecord
from orgs.models import Membership
from tests.factories import UnitFactory, member
from tests.ledger.test_views import clue_form
from tests.ledger.workbooks import clue_row, clues_xlsx

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer at a time: no two requests overlap"
)

SESSIONS = 20


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def sessions(*users) -> list[Client]:
    """One logged-in session for each of ``users``; a server error comes back as a 500 page, not as an exception."""
    clients = []
    for user in users:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    return clients


def at_once(requests: list) -> list:
    """The answers to ``requests`` (each a call that sends one), all sent at the same moment, each from its thread."""
    barrier = threading.Barrier(len(requests))
    answers = [None] * len(requests)

    def send(index: int, request) -> None:
        try:
            barrier.wait(30)
            answers[index] = request()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers


def refused_with(answers, message: str) -> list:
    """The answers other than the one redirect of the saved entry; each must be the page naming ``message``."""
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] * (len(answers) - 1) + [302], statuses
    others = [answer for answer in answers if answer.status_code == 200]
    assert all(escape(message, quote=False) in answer.content.decode() for answer in others)
    return others


def chinese(message: str, **values) -> str:
    with override("zh-hans"):
        return gettext(message) % values


def uncoded_duplicates() -> int:
    """Entities without a code beyond the first of each name."""
    uncoded = Entity.objects.filter(credit_code__isnull=True)
    return uncoded.count() - uncoded.values("name").distinct().count()


def test_twenty_confirmations_of_one_import_save_its_rows_once(transactional_db, tree, open_campaign):
    staff, unit = tree.user("staff"), tree.unit("township")
    workbook = clues_xlsx([clue_row(number, **{importing.CODE: None}) for number in range(5)])
    clients = sessions(*[staff] * SESSIONS)
    for client in clients:
        preview = client.post(reverse("ledger:import_upload", args=[open_campaign.slug, "clues"]),
                              {"unit": unit.pk, "file": SimpleUploadedFile("线索.xlsx", workbook)})
        assert preview.status_code == 200 and preview.context["result"].is_valid

    confirm = reverse("ledger:import_confirm", args=[open_campaign.slug, "clues"])
    answers = at_once([partial(client.post, confirm) for client in clients])

    print(f"\nimport race: {Clue.objects.count()} clues, {Entity.objects.count()} entities, "
          f"{uncoded_duplicates()} duplicate entities")
    assert Clue.objects.count() == 5 and Entity.objects.count() == 5 and ScreeningRecord.objects.count() == 5
    for page in refused_with(answers, chinese("The ledger has changed since the preview; some rows cannot be imported "
                                              "now.")):
        assert escape(chinese("%(entity)s already has a clue from this unit in %(sector)s; edit that clue instead.",
                              entity="天津某某投资管理有限公司3", sector="网络借贷平台"),
                      quote=False) in page.content.decode()


def test_twenty_posts_of_one_clue_form_save_one_clue(transactional_db, tree, open_campaign, term):
    form = clue_form(tree, term, name="某某理财工作室", credit_code="")
    clients = sessions(*[tree.user("staff")] * SESSIONS)

    answers = at_once([partial(client.post, reverse("ledger:clue_create", args=[open_campaign.slug]), form)
                       for client in clients])

    print(f"\nform race: {Clue.objects.count()} clues, {uncoded_duplicates()} duplicate entities")
    assert Clue.objects.count() == 1 and Entity.objects.count() == 1
    refused_with(answers, chinese("%(entity)s already has a clue from this unit in %(sector)s; edit that clue instead.",
                                  entity="某某理财工作室", sector="网络借贷平台"))


def test_twenty_units_entering_one_entity_at_once_share_it(transactional_db, tree, open_campaign, term):
    """Each unit has its own lock, so the entity's insert itself meets the others': the database keeps one entity
    without a code per name, and every unit's clue links to it, as when they enter it one after the other."""
    units = [UnitFactory(name=f"街道{number}", code=f"A9{number:02d}", parent=tree.unit("county"))
             for number in range(SESSIONS)]
    clients = sessions(*[member(unit, Membership.Role.STAFF, username=f"staff{unit.code}") for unit in units])
    forms = [clue_form(tree, term, unit=unit.pk, name="某某理财工作室", credit_code="") for unit in units]

    answers = at_once([partial(client.post, reverse("ledger:clue_create", args=[open_campaign.slug]), form)
                       for client, form in zip(clients, forms)])

    print(f"\nunits race: {Clue.objects.count()} clues, {Entity.objects.count()} entities, "
          f"{uncoded_duplicates()} duplicate entities")
    assert [answer.status_code for answer in answers] == [302] * SESSIONS
    assert Entity.objects.count() == 1 and Clue.objects.filter(entity=Entity.objects.get()).count() == SESSIONS
