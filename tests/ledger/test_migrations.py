"""The migration that gives entities their name key, run over a ledger that the races of issue 13 left behind."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ledger.models import Entity, ScreeningRecord
from screening.locks import today_local

BEFORE = [("ledger", "0003_workbench")]
AFTER = [("ledger", "0005_one_uncoded_entity_per_name")]


@pytest.fixture
def ledger_before_name_keys(transactional_db):
    """The historical models of the ledger before the name key; the schema is brought forward again afterwards, to the
    last migration of every app, as going back unapplied the apps that depend on the ledger too."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def screened(apps, tree, term, entity, sector: str):
    apps.get_model("ledger", "ScreeningRecord").objects.create(
        campaign_id=term(sector).campaign_id, unit_id=tree.unit("township").pk, entity=entity,
        sector_id=term(sector).pk, screened_on=today_local(), created_by_id=tree.user("staff").pk,
    )


def test_uncoded_twins_become_the_oldest_with_their_records(ledger_before_name_keys, tree, open_campaign, term):
    old = ledger_before_name_keys.get_model("ledger", "Entity")
    first = old.objects.create(name="某某 理财工作室")
    twin = old.objects.create(name="某某\u3000理财工作室")  # the same name typed with a full-width space
    old.objects.create(name="某某 理财工作室", credit_code="91350100M000100Y43")
    screened(ledger_before_name_keys, tree, term, first, "网络借贷平台")
    screened(ledger_before_name_keys, tree, term, twin, "房地产")

    MigrationExecutor(connection).migrate(AFTER)

    assert sorted(Entity.objects.values_list("pk", "name_key")) == [
        (first.pk, "某某 理财工作室"), (first.pk + 2, "某某 理财工作室")]
    assert set(ScreeningRecord.objects.values_list("entity", flat=True)) == {first.pk}


def test_twins_one_unit_screened_in_one_sector_stop_the_migration(ledger_before_name_keys, tree, open_campaign, term):
    old = ledger_before_name_keys.get_model("ledger", "Entity")
    twins = [old.objects.create(name="某某理财工作室") for _ in range(2)]
    for twin in twins:
        screened(ledger_before_name_keys, tree, term, twin, "网络借贷平台")

    with pytest.raises(RuntimeError, match="某某理财工作室"):
        MigrationExecutor(connection).migrate(AFTER)
    records = ledger_before_name_keys.get_model("ledger", "ScreeningRecord").objects
    assert records.filter(entity__in=twins).count() == 2
    records.filter(entity=twins[1]).delete()  # merged by hand: now it migrates
