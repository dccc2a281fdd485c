"""Which release and commit an installation runs: `manage.py version`, the footer of every page and of every generated
workbook (config/version.py)."""

import io
import os
import subprocess
import sys
from datetime import date

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from config import version
from ledger import excel
from reports import tables, xlsx
from reports.table import Footer


@pytest.fixture
def release(monkeypatch):
    monkeypatch.setattr(version, "release", lambda: "9.8.7")
    monkeypatch.setattr(version, "commit", lambda: "0123456789ab")
    return "9.8.7 (0123456789ab)"


@pytest.fixture
def root(tmp_path, monkeypatch):
    """A tree of its own for config/version.py, with the caches of the real one cleared before and after."""
    monkeypatch.setattr(version, "ROOT", tmp_path)
    version.release.cache_clear()
    version.commit.cache_clear()
    yield tmp_path
    version.release.cache_clear()
    version.commit.cache_clear()


def test_the_release_is_the_version_file_and_the_commit_is_gits_in_a_checkout():
    head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=version.ROOT, capture_output=True,
                          text=True).stdout.strip()
    assert version.release() == (version.ROOT / "VERSION").read_text().strip()
    if not (version.ROOT / "COMMIT").exists():
        assert version.commit() == head != ""


def test_a_commit_file_names_the_commit_where_there_is_no_git(root):
    (root / "VERSION").write_text("2.1.0\n")
    assert (version.release(), version.commit()) == ("2.1.0", version.UNKNOWN)
    version.commit.cache_clear()
    (root / "COMMIT").write_text("fedcba987654\n")
    assert version.label() == "2.1.0 (fedcba987654)"


def test_the_version_command_prints_the_release_and_the_commit(release):
    out = io.StringIO()
    call_command("version", stdout=out)
    assert out.getvalue() == "9.8.7\t0123456789ab\n"


@pytest.mark.django_db
def test_the_footer_of_a_page_carries_the_version(client, release):
    page = client.get(reverse("login")).content.decode()
    assert '<footer class="site-footer">版本 9.8.7 (0123456789ab)</footer>' in page


def test_the_footer_of_a_signed_in_page_carries_the_version(client, tree, release):
    client.force_login(tree.user("office"))
    assert "版本 9.8.7 (0123456789ab)" in client.get(reverse("home")).content.decode()


def assert_stamped(book, label):
    assert book.properties.version == label
    assert book.properties.description == f"fxjz {label}"
    for sheet in book.worksheets:
        assert sheet.oddFooter.right.text == f"版本 {label}", sheet.title
        assert sheet.page_margins.footer < sheet.page_margins.bottom


def test_an_attachment_workbook_carries_the_version_in_its_properties_and_printed_footer(
        tmp_path, tree, open_campaign, release):
    built = [f(campaign=open_campaign, unit=tree.unit("county")) for f in
             (tables.attachment1, tables.attachment2, tables.attachment3)]
    path = tmp_path / "all.xlsx"
    xlsx.write(built, Footer("何立新", "022-29240481", date(2026, 11, 25)), path)
    assert_stamped(openpyxl.load_workbook(path), release)


def test_the_ledger_export_and_the_import_templates_carry_the_version(tmp_path, release):
    path = tmp_path / "ledger.xlsx"
    excel.write_workbook(path, [("线索", ["企业名称"], [["某公司"]]), ("记录", ["企业名称"], [])])
    assert_stamped(openpyxl.load_workbook(path), release)
    template = excel.template([excel.Column("企业名称", required=True)], title="风险线索")
    assert_stamped(openpyxl.load_workbook(io.BytesIO(template)), release)


def test_manage_py_version_is_the_projects_not_djangos():
    # Django answers `manage.py version` with its own release unless manage.py hands it to the project's command.
    env = {**os.environ, "DEBUG": "1"}
    done = subprocess.run([sys.executable, "manage.py", "version"], cwd=version.ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout == f"{version.release()}\t{version.commit()}\n", done.stderr


def test_the_footer_of_an_admin_page_carries_the_version(client, tree, release):
    tree.user("admin").is_staff = tree.user("admin").is_superuser = True
    tree.user("admin").save()
    client.force_login(tree.user("admin"))
    page = client.get(reverse("admin:index")).content.decode()
    assert '<footer id="footer"><div class="site-footer">版本 9.8.7 (0123456789ab)</div></footer>' in page
    assert '<div id="site-name">' in page  # the admin's own base_site.html still draws the page, the footer aside
