from django.core.management.base import BaseCommand

from screening.models import Campaign


class Command(BaseCommand):
    help = "Print the campaigns, one line each: SLUG<TAB>YEAR<TAB>TITLE."

    def handle(self, *args, **options):
        for campaign in Campaign.objects.order_by("-year", "slug"):
            self.stdout.write(f"{campaign.slug}\t{campaign.year}\t{campaign.title}")
