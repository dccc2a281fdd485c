"""generate_data: a synthetic province added to the demo, the same for the same seed, valid row by row, and one the
tables and the office's lists work on."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.urls import reverse

from demo import synthetic_org
from ledger.models import Clue, Entity, ScreeningRecord
from orgs.models import Unit, User
from reports import tables
from reports.models import ReceivedRow
from review.models import Assessment, Disposal, ProgressNote, ProvinceNotice
from screening.models import Campaign

SMALL = {"counties": 2, "townships_per_county": 3, "clues": 300, "records": 1000}


def generate(seed: int = 7, **sizes) -> None:
    call_command("generate_data", **{**SMALL, **sizes}, seed=seed, stdout=StringIO())


def fingerprint() -> dict:
    """What two runs with one seed must share: counts and sums of every kind of row, whatever the keys."""
    clues = Clue.objects.filter(unit__code__startswith="1290")
    return {
        "entities": Entity.objects.filter(credit_code__startswith="911290").count(),
        "records": ScreeningRecord.objects.filter(unit__code__startswith="1290").count(),
        "by_status": dict(clues.values_list("status").annotate(n=Count("pk"))),
        "sums": clues.aggregate(Sum("amount_involved"), Sum("people_involved"), Sum("unpaid_funds")),
        "merged": clues.filter(merged_into__isnull=False).count(),
        "key": Assessment.objects.filter(clue__in=clues, is_key=True).count(),
        "tracks": dict(Disposal.objects.filter(clue__in=clues).values_list("track").annotate(n=Count("pk"))),
        "notes": ProgressNote.objects.filter(disposal__clue__in=clues).count(),
        "notices": ProvinceNotice.objects.filter(disposal__clue__in=clues).aggregate(Sum("times")),
        "history": Clue.history.filter(unit__code__startswith="1290").count(),
    }


@pytest.fixture
def demo(db, debug_on):
    call_command("load_demo", stdout=StringIO())


def test_the_same_seed_gives_the_same_province_and_another_seed_another(demo):
    runs = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            generate(seed)
            runs.append(fingerprint())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0]["sums"] != runs[2]["sums"]
    assert runs[0]["records"] == 1000 and sum(runs[0]["by_status"].values()) == 300


def test_the_province_has_every_state_the_pages_and_tables_show(demo):
    generate()
    clues = Clue.objects.filter(unit__code__startswith="1290")
    assert set(clues.values_list("status", flat=True)) == set(Clue.Status.values)
    assert set(Disposal.objects.filter(clue__in=clues).values_list("track", flat=True)) == set(Disposal.Track.values)
    amounts = clues.aggregate(low=Min("amount_involved"), high=Max("amount_involved"))
    assert amounts["low"] < 10 and amounts["high"] > 1000  # four orders of magnitude, in two decimals
    assert all(amount == amount.quantize(Decimal("0.01")) for amount in clues.values_list("amount_involved", flat=True))
    shared = clues.values("entity").annotate(units=Count("unit", distinct=True)).filter(units__gt=1)
    assert shared.exists()  # some entities reported by two units
    assert ProgressNote.objects.filter(disposal__clue__in=clues).exists()
    assert ProvinceNotice.objects.filter(disposal__clue__in=clues).exists()
    assert Entity.history.filter(credit_code__startswith="911290").count() == Entity.objects.filter(
        credit_code__startswith="911290").count()


def test_a_sample_of_every_kind_of_row_passes_full_clean(demo):
    generate()
    for model in (Entity, ScreeningRecord, Clue, Assessment, Disposal, ProgressNote, ProvinceNotice):
        sample = list(model.objects.order_by("-pk")[:40])
        assert sample
        for row in sample:
            row.full_clean()


def test_attachment1_of_the_city_sums_the_generated_clues(demo):
    generate()
    campaign = Campaign.objects.get(slug="current-special")
    city = campaign.scope_unit
    table = tables.attachment1(campaign=campaign, unit=city)
    sector_total = next(row for row in table.rows if row.is_total)
    counted = tables.counted_clues(campaign, city)
    # the demo's 王卜庄镇 sent its attachment 1 as a table: its figures are the city's too
    received = ReceivedRow.objects.filter(received__campaign=campaign, term__vocabulary="sector")
    assert received.exists()
    assert sector_total.values["amount"] == (counted.aggregate(total=Sum("amount_involved"))["total"]
                                             + received.aggregate(total=Sum("amount"))["total"])
    assert all(sector_total.values[key] > 0 for key in ("rectified", "cleaned", "investigated", "unhandled"))


@pytest.mark.parametrize("who", ["county", "city"])
def test_the_office_lists_open_on_the_province(demo, client, who):
    generate()
    username = synthetic_org.office_username(Unit.objects.get(code="129001")) if who == "county" else "city_office"
    client.force_login(User.objects.get(username=username))
    for name in ("ledger:clue_list", "ledger:record_list", "review:queue", "review:overdue", "review:approvals"):
        response = client.get(reverse(name, args=["current-special"]))
        assert response.status_code == 200, name


def test_a_second_run_is_refused_and_names_why(demo):
    generate()
    with pytest.raises(CommandError, match="already there"):
        generate()
