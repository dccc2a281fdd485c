"""The demo campaigns of fixtures/demo_campaigns.json: two historical ones and one whose screening phase is open today.

Phase dates are either ISO dates or a number of days from the day the demo is loaded.
"""

import json
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from orgs.models import Unit

from . import services
from .models import Campaign, Phase, Term
from .taxonomy_fixtures import load_taxonomy

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_campaigns.json"


@transaction.atomic
def load_campaigns(*, today: date, path: Path = DEMO_FILE) -> list[Campaign]:
    data = json.loads(path.read_text(encoding="utf-8"))
    units = {unit.code: unit for unit in Unit.objects.all()}
    return [_save_campaign(row, units, today) for row in data["campaigns"]]


def _day(value, today: date) -> date:
    return today + timedelta(days=value) if isinstance(value, int) else date.fromisoformat(value)


def _save_campaign(row: dict, units: dict[str, Unit], today: date) -> Campaign:
    campaign = Campaign.objects.filter(slug=row["slug"]).first() or Campaign(slug=row["slug"])
    campaign.title, campaign.document_number = row["title"], row["document_number"]
    campaign.year = row["year"] or today.year
    campaign.kind, campaign.status = row["kind"], row["status"]
    campaign.issuing_unit, campaign.scope_unit = units[row["issuing_unit"]], units[row["scope_unit"]]
    services.campaign_save(actor=None, campaign=campaign)
    for phase_row in row["phases"]:
        phase = campaign.phases.filter(kind=phase_row["kind"], name=phase_row["name"]).first()
        phase = phase or Phase(campaign=campaign, kind=phase_row["kind"], name=phase_row["name"])
        phase.start, phase.end, phase.deadline = (_day(phase_row[key], today) for key in ("start", "end", "deadline"))
        services.phase_save(actor=None, phase=phase)
    if not campaign.terms.exists():
        load_taxonomy(actor=None, campaign=campaign, form=row["form"])
    for sector_name, codes in row["responsibilities"].items():
        sector = Term.objects.get(campaign=campaign, vocabulary=Term.Vocabulary.SECTOR, name=sector_name)
        services.responsibilities_set(
            actor=None, campaign=campaign, sector=sector, units=[units[code] for code in codes]
        )
    return campaign
