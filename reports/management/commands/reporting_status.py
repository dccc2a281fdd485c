"""One line per unit expected to report beneath a unit, tab-separated, from the same computation as the completeness
page: CODE, NAME, STATE (not_started, entering, submitted, approved, returned), ON_TIME (yes, no, or - while not yet
due), BRIEFINGS, QUOTA, SUMMARY (filed or missing)."""

from django.core.management.base import BaseCommand, CommandError

from orgs.models import Unit
from reports.completeness import completeness
from screening.models import Campaign


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="the campaign's short name (slug)")
        parser.add_argument("--unit", required=True, help="the code of the unit whose units are listed")

    def handle(self, *args, campaign, unit, **options):
        try:
            chosen_campaign = Campaign.objects.get(slug=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"No campaign has the short name {campaign!r}.")
        try:
            chosen_unit = Unit.objects.get(code=unit)
        except Unit.DoesNotExist:
            raise CommandError(f"No unit has the code {unit!r}.")
        on_time = {True: "yes", False: "no", None: "-"}
        for line in completeness(chosen_campaign, chosen_unit).lines:
            self.stdout.write("\t".join([
                line.unit.code, line.unit.name, line.state, on_time[line.on_time], str(line.briefings),
                str(line.quota), "filed" if line.summary_filed else "missing",
            ]))
