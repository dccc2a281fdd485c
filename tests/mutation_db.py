"""A pytest plugin for the mutation runs (``-p tests.mutation_db``, set by scripts/mutate).

Every mutant's run of the tests starts from its own copy of one SQLite file that was migrated once, instead of building
the test database again: 0.7 s a run instead of 5. The file is built on the first run, before mutmut starts.
"""

import os
import shutil
from pathlib import Path


def _directory() -> Path:
    return Path(os.environ["MUTATION_DB_DIR"])


def pytest_configure(config):
    from django.db import connections

    template = _directory() / "template.sqlite3"
    test_settings = connections["default"].settings_dict["TEST"]
    if template.exists():
        own = _directory() / f"run-{os.getpid()}.sqlite3"
        shutil.copyfile(template, own)
        config.mutation_db = own
        test_settings["NAME"] = str(own)
    else:
        test_settings["NAME"] = str(template)


def pytest_unconfigure(config):
    own = getattr(config, "mutation_db", None)
    if own:
        own.unlink(missing_ok=True)
