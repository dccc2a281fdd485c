"""The test database of the mutation runs (tests/conftest.py uses it when scripts/mutate sets MUTATION_DB_TEMPLATE).

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
    # The default alias and those that mirror it (the stand-in read replica) all read the copy.
    aliases = [alias for alias in connections
               if alias == "default" or connections[alias].settings_dict.get("TEST", {}).get("MIRROR") == "default"]
    originals = {alias: connections[alias].settings_dict["NAME"] for alias in aliases}
    for alias in aliases:
        connections[alias].close()
        connections[alias].settings_dict["NAME"] = str(own)
    yield
    for alias, name in originals.items():
        connections[alias].close()
        connections[alias].settings_dict["NAME"] = name
    own.unlink(missing_ok=True)
