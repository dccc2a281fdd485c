"""Choosing units: the tree in tree order, each unit indented under the one above it (so that a township's villages
read as its own), in a select that static/js/app.js makes searchable and that works as a plain select without it."""

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

INDENT = "\u3000"  # a full-width space: browsers keep it at the start of an option, where they drop ordinary spaces


class UnitTreeIterator(ModelChoiceIterator):
    """The units of the queryset (in path order) indented by their depth below the shallowest of them."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        units = list(self.queryset)
        top = min((unit.depth for unit in units), default=0)
        for unit in units:
            value = ModelChoiceIteratorValue(self.field.prepare_value(unit), unit)
            yield (value, INDENT * (unit.depth - top) + self.field.label_from_instance(unit))


class UnitTreeWidgetMixin:
    """Each option carries its unit's depth, for the search to keep a match's parents in sight. The options are
    written here rather than by Django's option template: a province's tree has hundreds of units, and a template per
    option made the filter form the slowest part of every list page. The markup is the template's."""

    def __init__(self, attrs=None):
        super().__init__({"data-unit-search": _("Type part of a unit's name"), **(attrs or {})})

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        unit = getattr(value, "instance", None)
        if unit is not None:
            option["attrs"]["data-depth"] = unit.depth
        return option

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "", "<option value=\"{}\"{}>{}</option>",
            ((option["value"], flatatt(option["attrs"]), option["label"])
             for _group, group_options, _index in widget["optgroups"] for option in group_options),
        )
        return format_html("<select name=\"{}\"{}>{}</select>", widget["name"], flatatt(widget["attrs"]), options)


class UnitTreeSelect(UnitTreeWidgetMixin, forms.Select):
    pass


class UnitTreeSelectMultiple(UnitTreeWidgetMixin, forms.SelectMultiple):
    pass


class UnitTreeChoiceField(forms.ModelChoiceField):
    """Pass a queryset ordered by path."""

    iterator = UnitTreeIterator
    widget = UnitTreeSelect


class UnitTreeMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = UnitTreeIterator
    widget = UnitTreeSelectMultiple
