"""scripts/compare_workbooks.py, by which CI finds the attachment tables equal before and after an upgrade
(scripts/ci_offline_install): a changed cell or merge is a difference, what a release stamps on a workbook is not."""

import importlib.util
from pathlib import Path

from django.conf import settings
from openpyxl import Workbook

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "compare_workbooks.py"
spec = importlib.util.spec_from_file_location("compare_workbooks", SCRIPT)
compare = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare)


def save(folder: Path, *, value="合计", merge="A1:B1", stamp="1.0.0") -> None:
    folder.mkdir(exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.title = "附件1"
    sheet["A1"], sheet["C2"] = value, 12.5
    sheet.merge_cells(merge)
    book.properties.version = stamp
    sheet.oddFooter.right.text = f"版本 {stamp}"
    book.save(folder / "t.xlsx")


def test_tables_equal_but_for_the_release_stamp_are_equal(tmp_path, capsys):
    save(tmp_path / "before", stamp="0.9.0")
    save(tmp_path / "after", stamp="1.0.0")
    assert compare.main(str(tmp_path / "before"), str(tmp_path / "after")) == 0
    assert "1 workbooks compared: equal" in capsys.readouterr().out


def test_a_changed_cell_or_merge_or_a_missing_workbook_is_a_difference(tmp_path, capsys):
    save(tmp_path / "before")
    save(tmp_path / "cell", value="小计")
    save(tmp_path / "merge", merge="A1:A2")
    (tmp_path / "none").mkdir()
    assert compare.main(str(tmp_path / "before"), str(tmp_path / "cell")) == 1
    assert "附件1!A1: '合计' != '小计'" in capsys.readouterr().out
    assert compare.main(str(tmp_path / "before"), str(tmp_path / "merge")) == 1
    assert "merged cells differ" in capsys.readouterr().out
    assert compare.main(str(tmp_path / "before"), str(tmp_path / "none")) == 1
    assert compare.main(str(tmp_path / "none"), str(tmp_path / "before")) == 1  # nothing built is no proof
