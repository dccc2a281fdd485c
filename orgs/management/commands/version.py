from django.core.management.base import BaseCommand

from config import version


class Command(BaseCommand):
    help = "Print the release and the commit this installation runs: VERSION<TAB>COMMIT."

    def handle(self, *args, **options):
        self.stdout.write(f"{version.release()}\t{version.commit()}")
