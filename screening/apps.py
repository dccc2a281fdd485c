"""Campaigns: their phases, deadlines and locks, the units expected to report and their submissions, the taxonomies,
the responsibility table and the deadline reminders."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = _("Campaigns")
