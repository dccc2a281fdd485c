"""The filters of the ledger's lists. Their choices depend on the campaign and on who is looking."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from orgs.forms import UnitTreeChoiceField
from orgs.models import Unit
from screening import selectors as screening_selectors
from screening.models import Campaign, Term

from . import selectors, validators
from .forms import AmountField, label_of
from .models import Clue, ScreeningRecord


def term_choices_of(campaign: Campaign, vocabularies: list[str]) -> dict[str, list[tuple[int, str]]]:
    """By vocabulary, every group and item of each vocabulary, items indented under their group: one query."""
    return {
        vocabulary: [(term.pk, f"\u3000{term.name}" if term.parent_id else term.name) for term in terms]
        for vocabulary, terms in screening_selectors.terms_of(campaign, vocabularies).items()
    }


class TermFilter(django_filters.ChoiceFilter):
    """A term of a vocabulary: a group finds what is filed under any of its items."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        filed_under = Q(**{self.field_name: value}) | Q(**{f"{self.field_name}__parent": value})
        # A subquery, so that an entry filed under two items of the group comes once.
        return qs.filter(pk__in=qs.model.objects.filter(filed_under).values("pk"))


ANY = _("Any")


class YesNoFilter(django_filters.BooleanFilter):
    """是 or 否 after an empty 全部, on which the list opens: a filter form sent for another field leaves this one
    alone."""

    def __init__(self, **kwargs):
        choices = [("", ANY), ("True", _("Yes")), ("False", _("No"))]
        super().__init__(widget=forms.Select(choices=choices), **kwargs)


class UnitTreeFilter(django_filters.ModelChoiceFilter):
    """A unit and the units beneath it, chosen in the tree (searchable)."""

    field_class = UnitTreeChoiceField

    def __init__(self, **kwargs):
        super().__init__(method=self.beneath, empty_label=ANY, **kwargs)

    @staticmethod
    def beneath(queryset, name, unit: Unit):
        # A unit stands for the villages or centres beneath it too, as its grants do.
        return queryset.filter(unit__path__startswith=unit.path)


class AmountFilter(django_filters.Filter):
    field_class = AmountField


class FlagFilter(django_filters.BooleanFilter):
    """A tick box that narrows the list when ticked and leaves it whole when not."""

    def __init__(self, *, label, method):
        super().__init__(label=label, method=method, widget=forms.CheckboxInput)


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorting in which rows equal on the sorted column keep one order, so that pages neither repeat nor skip a row."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordered = super().filter(qs, value)
        return ordered.order_by(*ordered.query.order_by, "-pk")


class EntryFilter(django_filters.FilterSet):
    unit = UnitTreeFilter(label=label_of(Clue, "unit"), queryset=Unit.objects.none())
    sector = TermFilter(label=label_of(Clue, "sector"), empty_label=ANY)
    text = django_filters.CharFilter(label=_("Entity name or code"), method="filter_text")

    TERM_FILTERS = {"sector": Term.Vocabulary.SECTOR}

    def __init__(self, data, queryset, *, user, campaign: Campaign):
        super().__init__(data, queryset)
        self.filters["unit"].queryset = selectors.units_visible_in(user, campaign)
        choices = term_choices_of(campaign, list(self.TERM_FILTERS.values()))
        for name, vocabulary in self.TERM_FILTERS.items():
            self.filters[name].extra["choices"] = choices[vocabulary]

    def filter_text(self, queryset, name, text: str):
        code = validators.normalise_credit_code(text)
        return queryset.filter(Q(entity__name__icontains=text) | Q(entity__credit_code__contains=code))


class RecordFilter(EntryFilter):
    result = django_filters.ChoiceFilter(
        label=label_of(ScreeningRecord, "result"), choices=ScreeningRecord.Result.choices, empty_label=ANY
    )


class ClueFilter(EntryFilter):
    behaviours = TermFilter(label=label_of(Clue, "behaviours"), empty_label=ANY)
    status = django_filters.ChoiceFilter(label=label_of(Clue, "status"), choices=Clue.Status.choices, empty_label=ANY)
    channel = django_filters.ChoiceFilter(
        label=label_of(Clue, "channel"), choices=Clue.Channel.choices, empty_label=ANY
    )
    cross_province = YesNoFilter(label=label_of(Clue, "cross_province"))
    amount_min = AmountFilter(field_name="amount_involved", lookup_expr="gte", label=_("Amount from (10,000 yuan)"))
    amount_max = AmountFilter(field_name="amount_involved", lookup_expr="lte", label=_("Amount up to (10,000 yuan)"))
    keyword_flag = FlagFilter(label=_("Finance keyword in the name or scope"), method="filter_keywords")
    code_warning = FlagFilter(label=_("Check character doubtful"), method="filter_code_warning")
    reported_elsewhere = FlagFilter(label=_("Already reported by another unit"), method="filter_reported_elsewhere")
    o = StableOrderingFilter(
        label=_("Sort by"),
        fields=[("amount_involved", "amount"), ("people_involved", "people"), ("created_at", "date"),
                ("entity__name", "entity")],
        field_labels={
            "amount_involved": _("Amount, smallest first"), "-amount": _("Amount, largest first"),
            "people_involved": _("People, fewest first"), "-people": _("People, most first"),
            "created_at": _("Entered, oldest first"), "-date": _("Entered, newest first"),
            "entity__name": _("Entity name, ascending"), "-entity": _("Entity name, descending"),
        },
    )

    TERM_FILTERS = {"sector": Term.Vocabulary.SECTOR, "behaviours": Term.Vocabulary.BEHAVIOUR}

    def __init__(self, data, queryset, *, user, campaign: Campaign, keywords: list[str]):
        super().__init__(data, queryset, user=user, campaign=campaign)
        self.keywords = keywords

    def filter_keywords(self, queryset, name, wanted: bool):
        if not wanted:
            return queryset
        found = Q(pk__in=[])  # without any active keyword, nothing is flagged
        for word in self.keywords:
            found |= Q(entity__name__contains=word) | Q(entity__business_scope__contains=word)
        return queryset.filter(found)

    def filter_code_warning(self, queryset, name, wanted: bool):
        return queryset.filter(code_check_confirmed=True) if wanted else queryset

    def filter_reported_elsewhere(self, queryset, name, wanted: bool):
        return queryset.filter(reported_elsewhere=True) if wanted else queryset

