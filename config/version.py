"""Which release and which commit this is, for `manage.py version`, the footer of every page and every generated
workbook, so that an office can say which version produced a table.

The release is the VERSION file. The commit is the COMMIT file where there is one (the offline bundle and the Docker
image hold no .git and get the file when they are built: scripts/bundle), else asked of git in a checkout."""

import subprocess
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNKNOWN = "unknown"


@lru_cache(maxsize=1)
def release() -> str:
    try:
        return (ROOT / "VERSION").read_text(encoding="utf-8").strip() or UNKNOWN
    except OSError:
        return UNKNOWN


@lru_cache(maxsize=1)
def commit() -> str:
    try:
        written = (ROOT / "COMMIT").read_text(encoding="utf-8").strip()
    except OSError:
        written = ""
    if written:
        return written
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=5, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN
    return found.stdout.strip() or UNKNOWN


def label() -> str:
    """``1.0.0 (3f2a9c1b7d0e)``: what the footers show."""
    return f"{release()} ({commit()})"
