from django.core.management.base import BaseCommand
from django.db import transaction

from ledger import demo as ledger_demo
from orgs import demo as orgs_demo
from review import demo as review_demo
from screening import demo as screening_demo
from screening.locks import today_local


class Command(BaseCommand):
    help = "Load (or refresh) the demo city, county, units, users and campaigns. Safe to run again."

    def handle(self, *args, **options):
        accounts = orgs_demo.load_organisation()
        campaigns = screening_demo.load_campaigns(today=today_local())
        with transaction.atomic():  # the clues and their review, or neither
            review_demo.load_review(ledger_demo.load_ledger())
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Log in at http://127.0.0.1:8000/ with (user name, password):"))
        for username, name, unit, role in accounts:
            self.stdout.write(f"  {username:<18} {orgs_demo.DEMO_PASSWORD}  {name} · {unit} · {role}")
        self.stdout.write("Campaigns: " + "; ".join(f"{c.title} ({c.slug})" for c in campaigns))
