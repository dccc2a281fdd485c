"""What import_clues and import_screening share: the same rules and service code as the upload page."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from ledger import excel, importing
from orgs import permissions
from orgs.models import Unit
from orgs.permissions import Perm
from screening.locks import EntryClosed
from screening.models import Campaign


class ImportCommand(BaseCommand):
    sheet: importing.Sheet

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx workbook, filled in from the template of the upload page")
        parser.add_argument("--campaign", required=True, metavar="SLUG", help="the campaign's short name")
        parser.add_argument("--unit", required=True, metavar="CODE", help="the code of the unit whose ledger it is")
        parser.add_argument(
            "--user", metavar="USERNAME",
            help="who enters the data: a user holding the enter permission on the unit, recorded as the author of "
                 "every row. Required: the ledger keeps who entered what, so there is no anonymous import (without it "
                 "the command lists the users who may enter for the unit).",
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row and save nothing")
        parser.add_argument(
            "--accept-code-warnings", action="store_true",
            help="keep credit codes whose check character is wrong (without it such rows are errors)",
        )

    def handle(self, *args, file, campaign, unit, user, dry_run, accept_code_warnings, submit=False, **options):
        slug, code = campaign, unit
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(_("No campaign has the short name %(slug)s.") % {"slug": slug})
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(_("No unit has the code %(code)s.") % {"code": code})
        actor = self._actor(user, unit)
        try:
            with open(file, "rb") as workbook:
                result = importing.preview(
                    workbook, sheet=self.sheet, campaign=campaign, unit=unit,
                    accept_code_warnings=accept_code_warnings,
                )
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": error.strerror})
        except excel.ExcelError as error:
            raise CommandError(error.message)
        if not result.is_valid:
            for line in importing.row_error_lines(result):
                self.stderr.write(line)
            raise CommandError(_("Nothing was imported: %(count)d of %(total)d rows have errors.")
                               % {"count": len(result.error_rows), "total": len(result.rows)})
        try:
            with transaction.atomic():
                saved = importing.save(result, actor=actor, campaign=campaign, unit=unit, submit=submit)
                # A dry run goes through the very same saving, then takes it back.
                transaction.set_rollback(dry_run)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages))
        except (PermissionDenied, EntryClosed) as refusal:
            raise CommandError(str(refusal))
        what = self.sheet.counted % {"count": len(saved)}
        if dry_run:
            self.stdout.write(_("Dry run: %(what)s would be imported; nothing was saved.") % {"what": what})
        else:
            self.stdout.write(_("Imported: %(what)s.") % {"what": what})

    def _actor(self, username: str | None, unit: Unit):
        if not username:
            may_enter = sorted(user.username for user in permissions.holders(Perm.ENTER, [unit])[unit])
            raise CommandError(
                _("Give --user: the ledger records who entered each row. Users who may enter data for %(unit)s: "
                  "%(users)s.") % {"unit": unit.name, "users": "、".join(may_enter) or "-"}
            )
        actor = get_user_model().objects.filter(username=username).first()
        if actor is None:
            raise CommandError(_("No user is called %(username)s.") % {"username": username})
        return actor
