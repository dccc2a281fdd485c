import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from ledger import demo as ledger_demo
from orgs import demo as orgs_demo
from oversight import demo as oversight_demo
from reports import demo as reports_demo
from review import demo as review_demo
from screening import demo as screening_demo
from tips import demo as tips_demo
from screening.locks import today_local
from screening.models import Campaign


class Command(BaseCommand):
    help = (
        "Load (or refresh) the demo city, county, units, users and campaigns. Safe to run again. With DEBUG on every "
        "account gets the shared demo password; with DEBUG off give --passwords-from or --random-passwords."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "--passwords-from", metavar="FILE", type=Path,
            help="a text file of lines 'username password' (a tab or spaces between), one for every demo account",
        )
        source.add_argument(
            "--random-passwords", action="store_true", help="give every account its own random password and print it"
        )

    def handle(self, *args, **options):
        passwords = self._passwords(options["passwords_from"], options["random_passwords"])
        accounts = orgs_demo.load_organisation(passwords)
        campaigns = screening_demo.load_campaigns(today=today_local())
        with transaction.atomic():  # the clues and their review, or neither
            review_demo.load_review(ledger_demo.load_ledger())
        current = next((c for c in campaigns if c.status == Campaign.Status.PUBLISHED), None)
        if current is not None:
            oversight_demo.load_oversight(current)
            reports_demo.load_received(current)
        tips_demo.load_tips()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Log in at http://127.0.0.1:8000/ with (user name, password):"))
        for username, name, unit, role in accounts:
            self.stdout.write(f"  {username:<18} {passwords[username]}  {name} · {unit} · {role}")
        self.stdout.write("Campaigns: " + "; ".join(f"{c.title} ({c.slug})" for c in campaigns))

    def _passwords(self, path: Path | None, random: bool) -> dict[str, str]:
        usernames = orgs_demo.demo_usernames()
        if path is not None:
            return read_passwords(path, usernames)
        if random:
            return {username: secrets.token_urlsafe(12) for username in usernames}
        if not settings.DEBUG:
            raise CommandError(
                _("Every demo account would get the same published password. With DEBUG off, give "
                  "--passwords-from FILE (lines 'username password') or --random-passwords.")
            )
        return dict.fromkeys(usernames, orgs_demo.DEMO_PASSWORD)


def read_passwords(path: Path, usernames: list[str]) -> dict[str, str]:
    """The password of each demo account from ``path``; every wrong line, and every account left out, is refused."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": error.strerror})
    passwords, errors = {}, []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        fields = line.split(maxsplit=1)
        if len(fields) != 2:
            errors.append(_("Line %(number)d: write the user name, a tab or spaces, then the password.") % {"number": number})
            continue
        username, password = fields[0], fields[1].strip()
        if username not in usernames:
            errors.append(_("Line %(number)d: %(username)s is not a demo account.") % {"number": number, "username": username})
            continue
        try:
            password_validation.validate_password(password)
        except ValidationError as error:
            errors.append(_("Line %(number)d: %(reasons)s") % {"number": number, "reasons": " ".join(error.messages)})
            continue
        passwords[username] = password
    missing = [username for username in usernames if username not in passwords]
    if missing and not errors:
        errors.append(_("No password for: %(usernames)s.") % {"usernames": ", ".join(missing)})
    if errors:
        raise CommandError("\n".join(errors))
    return passwords
