"""The campaign's work beyond the ledger that units report on and the office follows: information reports (信息报送)
against their quotas, the summary report (总结报告) and the implementation plan (实施方案)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("Campaign work")
