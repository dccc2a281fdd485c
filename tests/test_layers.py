"""The arrows point one way (ARCHITECTURE.md): orgs ← screening ← ledger ← review ← reports, and screening ← oversight ←
reports. A module of an app imports its own app and those LAYERS lets it, never another; demo/ and config/ may import
anything; nothing imports demo/.

Every module of the apps is read with ``ast`` (migrations aside, which name other apps only as strings), imports
inside functions included.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

# app: the apps beneath it, which it may import
LAYERS = {
    "orgs": (),
    "screening": ("orgs",),
    "ledger": ("orgs", "screening"),
    "oversight": ("orgs", "screening"),
    "review": ("orgs", "screening", "ledger"),
    "tips": ("orgs", "screening", "ledger"),
    "reports": ("orgs", "screening", "ledger", "review", "oversight", "tips"),
}
EXEMPT = ("demo", "config")  # they put the others together; only they may import everything
STANDALONE = ("backups",)  # saves every table and file, so it needs no domain app and none needs it
ROOT = Path(settings.BASE_DIR)


def modules(app: str) -> list[Path]:
    return sorted(path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.relative_to(ROOT).parts)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute name) of every import in the module, relative ones resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.append((node.lineno, target))
    return found


def upward_imports(app: str) -> list[str]:
    allowed = {app, *LAYERS[app]}
    wrong = []
    for path in modules(app):
        for line, target in imports(path):
            top = target.split(".")[0]
            if top == "demo" or (top in LAYERS and top not in allowed):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    return wrong


def test_no_app_imports_an_app_above_it_or_demo():
    wrong = [line for app in LAYERS for line in upward_imports(app)]
    assert not wrong, "Imports against the layers of ARCHITECTURE.md:\n" + "\n".join(wrong)


def test_the_standalone_apps_import_no_other_project_app_and_none_imports_them():
    project = set(LAYERS) | set(EXEMPT) | set(STANDALONE)
    wrong = [f"{path.relative_to(ROOT)}:{line} imports {target}" for app in STANDALONE for path in modules(app)
             for line, target in imports(path) if target.split(".")[0] in project - {app}]
    wrong += [f"{path.relative_to(ROOT)}:{line} imports {target}" for app in LAYERS for path in modules(app)
              for line, target in imports(path) if target.split(".")[0] in STANDALONE]
    assert not wrong, "\n".join(wrong)


def test_every_project_app_has_its_place_in_the_layers():
    project_apps = {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    assert project_apps == set(LAYERS) | {"demo"} | set(STANDALONE)
    assert all(modules(app) for app in LAYERS)


def test_the_walk_resolves_relative_imports():
    found = dict((target, line) for line, target in imports(ROOT / "review" / "views" / "clue.py"))
    assert "review.services.rating" in found and "review.selectors" in found and "ledger.models" in found
