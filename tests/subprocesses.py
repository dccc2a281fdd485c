"""What a test needs to run the project's commands in a process of their own, on the test's database."""

import os
import sys
from urllib.parse import quote

from django.conf import settings
from django.db import connection

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]


def database_url(name: str | None = None) -> str:
    """The test database (or another of the same server, by name) as a DATABASE_URL; PostgreSQL only, since the
    test database on SQLite lives in the test process's memory."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name or db['NAME']}"


def environment(**variables) -> dict[str, str]:
    """This process's environment with the test database and the given variables (None removes one)."""
    env = os.environ | {"DATABASE_URL": database_url(), "DEBUG": "1"}
    for key, value in variables.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    return env
