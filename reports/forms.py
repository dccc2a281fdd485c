from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ledger.excel import XLSX_CONTENT_TYPE
from orgs import uploads
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


class ReceivedTableForm(forms.Form):
    """A workbook of attachment 1 or 2 (or both) that a unit sent, and which unit sent it."""

    sender = UnitTreeChoiceField(label=_("Unit that sent the table"), queryset=Unit.objects.none(),
                                 widget=UnitTreeSelect(attrs={"id": "received-sender"}))
    file = forms.FileField(
        label=_("Workbook (.xlsx) in the official layout"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def __init__(self, *args, senders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender"].queryset = senders

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            uploads.check_upload(uploaded)
        except ValidationError as refused:
            raise ValidationError(refused.message_dict["file"])
        if PurePath(uploaded.name).suffix.lower() != ".xlsx":
            raise ValidationError(_("Only a workbook (.xlsx) can be read: open the file in Excel or WPS and save it as "
                                    "“Excel 工作簿 (*.xlsx)”."))
        return uploaded
