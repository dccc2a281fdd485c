"""Backups: the database (pg_dump) and the uploaded and generated files in one archive, and their restore. It knows
no domain app: what it saves is every table and every file."""

from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "backups"
