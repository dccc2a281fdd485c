from django.core.management.base import BaseCommand, CommandError

from orgs.models import Unit


class Command(BaseCommand):
    help = "Print the unit tree, one line per unit: CODE<TAB>LEVEL<TAB>KIND<TAB>NAME."

    def add_arguments(self, parser):
        parser.add_argument("--under", metavar="CODE", help="only this unit and the units beneath it")

    def handle(self, *args, under=None, **options):
        units = Unit.objects.order_by("path")
        if under:
            root = Unit.objects.filter(code=under).first()
            if root is None:
                raise CommandError(f"No unit has the code {under}.")
            units = units.filter(path__startswith=root.path)
        for unit in units.iterator():
            self.stdout.write(f"{unit.code}\t{unit.level}\t{unit.kind}\t{unit.name}")
