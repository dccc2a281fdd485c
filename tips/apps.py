"""Public tips (群众举报): the public page and its tracking codes, the county office's handling of each tip (register,
verify, assign to a unit, turn into a clue or close) and its reward decision."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    name = "tips"
    verbose_name = _("Public tips")
