from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from backups import archive


class Command(BaseCommand):
    help = (
        "Restore an archive of the backup command into the configured PostgreSQL database (its tables are replaced) "
        "and MEDIA_ROOT. Stop the web application and the workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="ARCHIVE", type=Path)
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="do not ask to confirm")

    def handle(self, *args, path: Path, interactive: bool, **options):
        if not path.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": path})
        if interactive:
            question = _("This replaces every table of the database %(name)s with the archive's. Type yes to go on: ")
            if input(question % {"name": connection.settings_dict["NAME"]}).strip().lower() != "yes":
                raise CommandError(_("Nothing was restored."))
        try:
            archive.restore(path)
        except archive.BackupError as failed:
            raise CommandError(str(failed))
        self.stdout.write(_("Restored %(path)s into the database %(name)s.") % {
            "path": path, "name": connection.settings_dict["NAME"]})
