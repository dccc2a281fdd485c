from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.forms import UnitTreeChoiceField, UnitTreeSelect
from orgs.models import Unit


class UnitPickerForm(forms.Form):
    """The unit whose tables the page shows, sent as soon as it is chosen."""

    unit = UnitTreeChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), empty_label=None,
        widget=UnitTreeSelect(attrs={"id": "report-unit", "data-autosubmit": ""}),
    )

    def __init__(self, *, units, unit: Unit):
        super().__init__(initial={"unit": unit})
        self.fields["unit"].queryset = units


class CountyReturnForm(forms.Form):
    criminal_cases = forms.IntegerField(label="今年非法集资刑事立案数", min_value=0)
    has_large_case = forms.TypedChoiceField(
        label="是否存在本地常住人口参与非法集资刑事案件达 50 人以上的情况",
        choices=[("0", "否"), ("1", "是")], coerce=lambda value: value == "1", widget=forms.RadioSelect,
    )
    has_petition_event = forms.TypedChoiceField(
        label="是否发生 20 人以上的本地集资参与人集访、闹访等影响社会稳定的事件",
        choices=[("0", "否"), ("1", "是")], coerce=lambda value: value == "1", widget=forms.RadioSelect,
    )
    remarks = forms.CharField(label=_("Remarks"), required=False, max_length=300)
