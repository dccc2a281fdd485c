import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo import bulk_write, synthetic, synthetic_org
from screening.models import Campaign


class Command(BaseCommand):
    help = (
        "Add a deterministic synthetic province to the demo (counties, townships, clues, screening records, reviews), "
        "for measuring the system at volume. Runs load_demo first when the demo is not loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--counties", type=int, default=10)
        parser.add_argument("--townships-per-county", type=int, default=20)
        parser.add_argument("--clues", type=int, default=100_000)
        parser.add_argument("--records", type=int, default=500_000, help="screening records, the clues' own included")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--campaign", default="current-special", help="the slug of a campaign of the whole city")

    def handle(self, *args, **options):
        counties, townships = options["counties"], options["townships_per_county"]
        if not 1 <= counties <= 99 or townships < 1:
            raise CommandError("--counties must be 1 to 99 and --townships-per-county at least 1.")
        if options["records"] < options["clues"]:
            raise CommandError("--records counts the clues' own records too: it cannot be below --clues.")
        if not Campaign.objects.filter(slug=options["campaign"]).exists():
            call_command("load_demo", stdout=self.stdout)
        campaign = Campaign.objects.filter(slug=options["campaign"]).select_related("scope_unit").first()
        if campaign is None:
            raise CommandError(f"No campaign {options['campaign']!r}; see `python manage.py campaigns`.")
        if synthetic_org.county_exists():
            raise CommandError("The synthetic province is already there; start from an empty database.")
        started = time.perf_counter()
        with transaction.atomic():
            built = synthetic_org.build_organisation(
                campaign=campaign, counties=counties, townships_per_county=townships
            )
            generated = synthetic.generate(campaign=campaign, counties=built, clues=options["clues"],
                                           records=options["records"], seed=options["seed"])
        bulk_write.vacuum_analyze(synthetic.WRITTEN)
        self.stdout.write(self.style.SUCCESS(
            f"Generated in {time.perf_counter() - started:.1f} s: {counties} counties × {townships} townships, "
            f"{generated.entities} entities, {generated.records} screening records, {generated.clues} clues, "
            f"{generated.assessments} ratings, {generated.key_clues} key clues, {generated.disposals} disposals."
        ))
        first = built[0]
        self.stdout.write(f"Accounts (password as the demo's): {synthetic_org.office_username(first.county)} "
                          f"(office of {first.county.name}), {synthetic_org.staff_username(first.townships[0])} "
                          f"(staff of {first.townships[0].name}); city_office sees the whole city.")
