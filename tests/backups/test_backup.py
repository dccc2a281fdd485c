"""A backup of the demo restores into a new database with the same rows, the same attachment tables and the same
files."""

import hashlib
import subprocess
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from openpyxl import load_workbook

from tests.subprocesses import MANAGE, database_url, environment

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="backups are made of PostgreSQL databases (pg_dump); SQLite is refused")


def row_counts(name: str) -> dict[str, int]:
    with psycopg2.connect(database_url(name)) as db, db.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [table for (table,) in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def attachment_tables_checksum(name: str, folder: Path) -> str:
    """The sha256 of every cell of attachments 1-3 of the demo campaign for 宝坻区, built by `build_report` on the named
    database (eagerly, with no broker)."""
    output = folder / f"{name}.xlsx"
    subprocess.run([*MANAGE, "build_report", "all", "--campaign", "current-special", "--unit", "120115",
                    "--output", str(output)], check=True, capture_output=True,
                   env=environment(DATABASE_URL=database_url(name), CELERY_BROKER_URL=None, MEDIA_ROOT=folder / name))
    digest = hashlib.sha256()
    for sheet in load_workbook(output).worksheets:
        for row in sheet.iter_rows(values_only=True):
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture
def new_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = psycopg2.connect(database_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@on_postgresql
def test_the_demo_backed_up_restores_into_a_new_database_with_the_same_rows_tables_and_files(transactional_db,
                                                                                             new_database, settings,
                                                                                             debug_on, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    evidence = settings.MEDIA_ROOT / "evidence" / "2026" / "11" / "合同.pdf"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"%PDF-1.4 contract")
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    archive = Path(out.getvalue().strip())
    assert archive.parent == tmp_path / "backups" and archive.name.startswith("fundscreen-")
    assert archive.name.endswith(".tar.gz") and [p.name for p in archive.parent.iterdir()] == [archive.name]

    restored_media = tmp_path / "restored-media"
    restored = subprocess.run([*MANAGE, "restore", str(archive), "--no-input"], capture_output=True, text=True,
                              env=environment(DATABASE_URL=database_url(new_database), MEDIA_ROOT=restored_media))
    assert restored.returncode == 0, restored.stderr

    original = row_counts(connection.settings_dict["NAME"])
    assert original["ledger_clue"] > 0 and original["orgs_unit"] > 0
    assert row_counts(new_database) == original
    assert (restored_media / evidence.relative_to(settings.MEDIA_ROOT)).read_bytes() == b"%PDF-1.4 contract"
    checksums = [attachment_tables_checksum(name, tmp_path) for name in (connection.settings_dict["NAME"], new_database)]
    print(f"tables: {len(original)}, rows: {sum(original.values())}, attachment tables sha256: {checksums[0]}")
    assert checksums[0] == checksums[1]


@on_postgresql
def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    stray = tmp_path / "notes.tar.gz"
    stray.write_text("not an archive")
    with pytest.raises(CommandError, match="不是备份命令生成的备份文件"):
        call_command("restore", str(stray), interactive=False)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the refusal of SQLite, on SQLite")
def test_backup_and_restore_refuse_sqlite_and_say_what_to_do(db, tmp_path):
    with pytest.raises(CommandError, match="备份与恢复仅支持 PostgreSQL") as refused:
        call_command("backup", output=str(tmp_path))
    assert "复制数据库文件" in str(refused.value) and list(tmp_path.iterdir()) == []
    archive = tmp_path / "x.tar.gz"
    archive.write_bytes(b"")
    with pytest.raises(CommandError, match="备份与恢复仅支持 PostgreSQL"):
        call_command("restore", str(archive), interactive=False)
