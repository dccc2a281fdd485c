"""What the office does with what staff enter: the review queue, rating, key clues, disposal (一事一策), transfers and
merges, the approval of units' submissions, and the county return of attachment 3."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Review")
