#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    if sys.argv[1:2] == ["version"]:
        # Django answers `version` itself, with its own release, before it looks for a command of that name; this
        # project's (orgs/management/commands/version.py) prints the project's release and commit.
        import django
        from django.core.management import call_command

        django.setup()
        call_command(*sys.argv[1:])
    else:
        execute_from_command_line(sys.argv)
