"""One archive holds a PostgreSQL dump of the configured database (``database.dump``, pg_dump's custom format) and
the media files (``media/``: evidence, disposal files, built workbooks). Only PostgreSQL is supported: the SQLite file
of a trial installation is copied as it is."""

import os
import shutil
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

DUMP = "database.dump"
MEDIA = "media"


class BackupError(Exception):
    """What stopped a backup or a restore, in words for the person running it."""


def _postgresql() -> tuple[dict[str, str], list[str]]:
    """The environment and connection arguments of pg_dump and pg_restore for the configured database."""
    if connection.vendor != "postgresql":
        raise BackupError(_(
            "Backup and restore work on PostgreSQL only; this installation uses %(engine)s. Stop the application "
            "and copy the database file %(name)s instead."
        ) % {"engine": connection.display_name, "name": connection.settings_dict["NAME"]})
    db = connection.settings_dict
    env = os.environ | ({"PGPASSWORD": db["PASSWORD"]} if db["PASSWORD"] else {})
    arguments = ["--dbname", db["NAME"]]
    for flag, value in (("--host", db["HOST"]), ("--port", db["PORT"]), ("--username", db["USER"])):
        if value:
            arguments += [flag, str(value)]
    return env, arguments


def _run(command: list[str], env: dict[str, str]) -> None:
    finished = subprocess.run(command, env=env, capture_output=True, text=True)
    if finished.returncode:
        raise BackupError(_("%(program)s failed: %(reason)s") % {
            "program": command[0], "reason": finished.stderr.strip() or finished.returncode,
        })


def create(folder: Path, *, now: datetime | None = None) -> Path:
    """Write ``fundscreen-YYYYMMDD-HHMMSS.tar.gz`` into the folder and return its path. The archive appears under
    its name only once complete."""
    env, arguments = _postgresql()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    archive = folder / f"fundscreen-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(dir=folder, prefix=".backup-") as work:
        dump = Path(work) / DUMP
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(dump), *arguments], env)
        partial = Path(work) / archive.name
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(dump, arcname=DUMP)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                tar.add(media, arcname=MEDIA)
        os.replace(partial, archive)
    return archive


def restore(archive: Path) -> None:
    """Replace the configured database's tables with the archive's, in one transaction, and copy its media files
    into MEDIA_ROOT (files not in the archive are left where they are)."""
    env, arguments = _postgresql()
    try:
        tar = tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError):
        raise BackupError(_("%(path)s is not a backup archive made by the backup command.") % {"path": archive})
    with tar, tempfile.TemporaryDirectory(prefix="fundscreen-restore-") as work:
        if DUMP not in tar.getnames():
            raise BackupError(_("%(path)s is not a backup archive made by the backup command.") % {"path": archive})
        tar.extractall(work, filter="data")  # refuses absolute paths, "..", links out of the folder
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", *arguments, str(Path(work) / DUMP)], env)
        if (Path(work) / MEDIA).is_dir():
            shutil.copytree(Path(work) / MEDIA, settings.MEDIA_ROOT, dirs_exist_ok=True)
