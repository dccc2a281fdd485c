"""mutmut's command line, fitted to this project (scripts/mutate runs it; docs/testing.md says why each change).

- Functions under ``@transaction.atomic`` are mutated too. mutmut 3.8 leaves every decorated function alone, since a
  decorator may register a route or change the signature when the function is copied; ``transaction.atomic`` does
  neither, and it wraps nearly every service, where most rules live.
- The text of a translated message (``_("...")``) is not mutated: that every message has its Chinese is checked by
  tests/test_translations.py, and the rule that raises it is mutated where it is decided.
- The mutants of a module are judged by that module's own tests only ([tool.mutate.tests] in pyproject.toml), fastest
  first: of the tests mutmut saw calling the mutated function, those under the listed paths.
- The objects left by the first runs are frozen before the mutants' runs fork, so that no run's garbage collection walks
  them again.
"""

import gc
import re
import tomllib
from pathlib import Path

import libcst as cst
import mutmut.__main__ as mutmut_main
from libcst.metadata import PositionProvider
from mutmut.mutation import file_mutation
from mutmut.mutation.file_mutation import MutationVisitor
from mutmut.state import state

TRANSLATION_CALLS = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext"}
_skip = MutationVisitor._skip_node_and_children
_collect_or_load_stats = mutmut_main.collect_or_load_stats


def _is_atomic(decorator: cst.Decorator) -> bool:
    target = decorator.decorator
    return (isinstance(target, cst.Attribute) and target.attr.value == "atomic"
            and isinstance(target.value, cst.Name) and target.value.value == "transaction")


def _skip_node_and_children(self, node: cst.CSTNode) -> bool:
    skipped = _skip(self, node)
    if not (skipped and isinstance(node, cst.FunctionDef) and node.decorators
            and all(_is_atomic(decorator) for decorator in node.decorators)):
        return skipped
    position = self.get_metadata(PositionProvider, node, None)
    if position and position.start.line in self._ignored_node_lines:
        return skipped
    return _skip(self, node.with_changes(decorators=[]))


def _tests_of_modules() -> dict[str, list[str]]:
    """{module or package name: its test paths}; a package's entry ("review/services/") covers its modules."""
    table = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutate"]["tests"]
    return {path.removesuffix(".py").strip("/").replace("/", "."): prefixes for path, prefixes in table.items()}


def _own_tests(module: str, tests_of: dict[str, list[str]]) -> tuple[str, ...]:
    for name, prefixes in tests_of.items():
        if module == name or module.startswith(name + "."):
            return tuple(prefixes)
    return ()


def _module_of(mangled_name: str) -> str:
    return re.split(r"\.x(?:_|ǁ)", mangled_name, maxsplit=1)[0]


def collect_or_load_stats(runner, **options) -> None:
    _collect_or_load_stats(runner, **options)
    tests_of = _tests_of_modules()
    durations = state().duration_by_test
    for name, tests in state().tests_by_mangled_function_name.items():
        prefixes = _own_tests(_module_of(name), tests_of)
        own = [test for test in tests if test.startswith(prefixes)] if prefixes else list(tests)
        state().tests_by_mangled_function_name[name] = sorted(own, key=lambda test: durations.get(test, 0))
    gc.freeze()


MutationVisitor._skip_node_and_children = _skip_node_and_children
file_mutation.NEVER_MUTATE_FUNCTION_CALLS |= TRANSLATION_CALLS
mutmut_main.collect_or_load_stats = collect_or_load_stats

if __name__ == "__main__":
    mutmut_main.cli()
