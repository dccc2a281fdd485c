from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backups import archive


class Command(BaseCommand):
    help = "Back up the PostgreSQL database and the media files into one dated archive (fundscreen-YYYYMMDD-HHMMSS.tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="DIR", default=str(Path(settings.BASE_DIR) / "var" / "backups"),
                            help="the folder to write the archive into (default: var/backups/ of the project)")

    def handle(self, *args, output, **options):
        try:
            written = archive.create(Path(output))
        except archive.BackupError as failed:
            raise CommandError(str(failed))
        self.stdout.write(str(written))
