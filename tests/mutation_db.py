"""A pytest plugin for the mutation runs (``-p tests.mutation_db``, set by scripts/mutate).

Every mutant's run of the tests uses its own copy of one SQLite database that scripts/mutate migrated once, instead of
building the test database again (or even checking its migrations): the setup takes milliseconds instead of seconds.
"""

import os
import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    from django.db import connections

    template = Path(os.environ["MUTATION_DB_TEMPLATE"])
    own = template.with_name(f"run-{os.getpid()}.sqlite3")
    shutil.copyfile(template, own)
    connection = connections["default"]
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = str(own)
    yield
    connection.close()
    connection.settings_dict["NAME"] = original
    own.unlink(missing_ok=True)
