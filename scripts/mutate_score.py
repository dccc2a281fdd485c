"""The score of the last mutation run per module, and the mutants that were not killed (``--diff`` shows each change).

Read from mutmut's results in mutants/; run from the project's root.
"""

import argparse
import re
import sys
from collections import Counter, defaultdict

from mutmut.__main__ import SourceFileMutationData, status_by_exit_code, walk_mutatable_files
from mutmut.mutation.diff_apply import get_diff_for_mutant

KILLED = {"killed", "timeout", "caught by type check"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--diff", action="store_true", help="print the change of each mutant not killed")
    parser.add_argument("module", nargs="*", help="only these modules, e.g. ledger.validators")
    options = parser.parse_args()
    by_module: dict[str, Counter] = defaultdict(Counter)
    alive: dict[str, list[tuple[str, str, object]]] = defaultdict(list)
    for path in walk_mutatable_files():
        results = SourceFileMutationData(path=path)
        results.load()
        for name, exit_code in results.exit_code_by_key.items():
            module = re.split(r"\.x(?:_|ǁ)", name, maxsplit=1)[0]
            if options.module and module not in options.module:
                continue
            status = status_by_exit_code[exit_code]
            by_module[module][status] += 1
            if status not in KILLED:
                alive[module].append((name, status, path))
    print(f"{'module':<24} {'mutants':>8} {'killed':>8} {'survived':>9} {'no tests':>9} {'not run':>8} {'score':>7}")
    total = Counter()
    for module in sorted(by_module):
        total.update(by_module[module])
        print(_row(module, by_module[module]))
    print(_row("all", total))
    for module in sorted(alive):
        print(f"\n{module}: {len(alive[module])} not killed")
        for name, status, path in alive[module]:
            print(f"  {name}: {status}")
            if options.diff:
                diff = get_diff_for_mutant(name, path=path).splitlines()[2:]  # without the file names
                print("\n".join(f"      {line}" for line in diff if line.startswith(("+", "-"))))
    return 0


def _row(module: str, counts: Counter) -> str:
    mutants = sum(counts.values())
    run = mutants - counts["not checked"]
    killed = sum(counts[status] for status in KILLED)
    score = f"{100 * killed / run:.1f}%" if run else "-"
    return (f"{module:<24} {mutants:>8} {killed:>8} {counts['survived']:>9} {counts['no tests']:>9} "
            f"{counts['not checked']:>8} {score:>7}")


if __name__ == "__main__":
    sys.exit(main())
