"""What staff enter: entities, screening records, risk clues with their evidence and their trail (ClueEvent), and the
Excel import and export."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Risk ledger")
