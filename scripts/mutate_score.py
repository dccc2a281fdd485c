"""The score of the last mutation run, per module, and the mutants that survived (read from ``mutmut results``)."""

import re
import subprocess
import sys
from collections import Counter, defaultdict

KILLED = {"killed", "timeout", "caught by type check"}


def main() -> int:
    lines = subprocess.run([sys.executable, "scripts/mutmut_run.py", "results", "--all", "true"],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    by_module: dict[str, Counter] = defaultdict(Counter)
    survivors: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        found = re.fullmatch(r"\s*(\S+): (.+)", line)
        if not found:
            continue
        name, status = found.groups()
        module = re.split(r"\.x(?:_|ǁ)", name, maxsplit=1)[0]
        by_module[module][status] += 1
        if status not in KILLED:
            survivors[module].append(f"{name}: {status}")
    print(f"{'module':<24} {'mutants':>8} {'killed':>8} {'survived':>9} {'no tests':>9} {'score':>7}")
    total = Counter()
    for module in sorted(by_module):
        counts = by_module[module]
        total.update(counts)
        print(_row(module, counts))
    print(_row("all", total))
    for module in sorted(survivors):
        print(f"\n{module}: {len(survivors[module])} not killed (`.venv/bin/python scripts/mutmut_run.py show NAME`)")
        print("\n".join(f"  {line}" for line in survivors[module]))
    return 0


def _row(module: str, counts: Counter) -> str:
    mutants = sum(counts.values())
    killed = sum(counts[status] for status in KILLED)
    score = f"{100 * killed / mutants:.1f}%" if mutants else "-"
    return (f"{module:<24} {mutants:>8} {killed:>8} {counts['survived']:>9} {counts['no tests']:>9} {score:>7}")


if __name__ == "__main__":
    sys.exit(main())
