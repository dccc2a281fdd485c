"""The filters of the office's review queue. The queryset comes from ``selectors.clues_for_review``, whose
annotations (level, flags) the filters use."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ledger.filters import UnitTreeFilter, term_choices_of
from ledger.models import Clue
from screening.forms import DateInput
from screening.models import Campaign, Term

from .models import Assessment

FLAGS = {
    "keyword": ("has_keyword", _("Finance keyword")),
    "cross_region": ("is_cross_region", _("Cross-region")),
    "code_warning": ("code_check_confirmed", _("Credit code warning")),
    "elsewhere": ("reported_elsewhere", _("Reported by another unit")),
    "overdue": ("disposal_overdue", _("Disposal overdue")),
    "watch_listed": ("hit_listed", _("On the watch list")),
    "watch_person": ("hit_person", _("A person on the watch list")),
    "watch_org_part": ("hit_org_part", _("Organisation code of a listed entity")),
}


class QueueFilter(django_filters.FilterSet):
    unit = UnitTreeFilter(label=_("Unit"), queryset=None)
    sector = django_filters.ChoiceFilter(label=_("sector"), empty_label=_("Any"), method="filter_sector")
    behaviour = django_filters.ChoiceFilter(label=_("key behaviours"), empty_label=_("Any"), method="filter_behaviour")
    status = django_filters.ChoiceFilter(
        label=_("status"), empty_label=_("Any status"),
        choices=[(value, label) for value, label in Clue.Status.choices if value != Clue.Status.DRAFT],
    )
    level = django_filters.ChoiceFilter(label=_("Risk level"), empty_label=_("Any level"), choices=Assessment.Level.choices)
    flags = django_filters.MultipleChoiceFilter(
        label=_("Flags"), choices=[(key, label) for key, (_field, label) in FLAGS.items()],
        widget=forms.CheckboxSelectMultiple, method="filter_flags",
    )
    due_by = django_filters.DateFilter(
        label=_("Disposal due by"), field_name="disposal__deadline", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = Clue
        fields = []

    def __init__(self, data=None, *, queryset, units, campaign: Campaign, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["unit"].queryset = units
        filtered = {"sector": Term.Vocabulary.SECTOR, "behaviour": Term.Vocabulary.BEHAVIOUR}
        choices = term_choices_of(campaign, list(filtered.values()))
        for name, vocabulary in filtered.items():
            self.filters[name].extra["choices"] = choices[vocabulary]

    # Choosing a group takes every item in it.
    def filter_sector(self, queryset, name, pk):
        return queryset.filter(Q(sector_id=pk) | Q(sector__parent_id=pk))

    def filter_behaviour(self, queryset, name, pk):
        return queryset.filter(Q(behaviours__id=pk) | Q(behaviours__parent_id=pk)).distinct()

    def filter_flags(self, queryset, name, chosen):
        return queryset.filter(**{FLAGS[flag][0]: True for flag in chosen})
