"""Compare the workbooks of two folders, file by file of the same name: the same sheets, every cell's value and the
same merged cells. What a release stamps on a workbook (its properties, the printed footer) is not compared, so the
tables built before and after an upgrade must be equal. Prints each difference; exit status 1 when there is one.

    python scripts/compare_workbooks.py BEFORE_DIR AFTER_DIR
"""

import sys
from pathlib import Path

from openpyxl import load_workbook

SHOWN = 20


def differences(before: Path, after: Path) -> list[str]:
    old, new = load_workbook(before), load_workbook(after)
    if old.sheetnames != new.sheetnames:
        return [f"sheets {old.sheetnames} != {new.sheetnames}"]
    found = []
    for name in old.sheetnames:
        a, b = old[name], new[name]
        if {str(m) for m in a.merged_cells.ranges} != {str(m) for m in b.merged_cells.ranges}:
            found.append(f"{name}: merged cells differ")
        rows = max(a.max_row, b.max_row)
        columns = max(a.max_column, b.max_column)
        for row in range(1, rows + 1):
            for column in range(1, columns + 1):
                left, right = a.cell(row, column).value, b.cell(row, column).value
                if left != right:
                    found.append(f"{name}!{a.cell(row, column).coordinate}: {left!r} != {right!r}")
    return found


def main(before_dir: str, after_dir: str) -> int:
    before = sorted(Path(before_dir).glob("*.xlsx"))
    if not before:
        print(f"no workbook in {before_dir}")
        return 1
    failed = False
    for path in before:
        other = Path(after_dir) / path.name
        if not other.exists():
            print(f"{path.name}: missing in {after_dir}")
            failed = True
            continue
        found = differences(path, other)
        for line in found[:SHOWN]:
            print(f"{path.name}: {line}")
        if len(found) > SHOWN:
            print(f"{path.name}: … {len(found) - SHOWN} more")
        failed = failed or bool(found)
    print(f"{len(before)} workbooks compared: {'different' if failed else 'equal'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
