"""The attachment tables of seed 001 (one computation, drawn as an HTML preview and as .xlsx), and the report runs that
build them in Celery."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
