from django import forms
from django.utils.translation import gettext_lazy as _

from orgs import uploads
from orgs.models import Unit
from screening.forms import DateInput

from .models import Briefing, Filing, Inspection, WorkResults


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Any number of files, chosen at once; each is then checked by the service under the upload rules."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": uploads.ACCEPTED}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(FilesField, self).clean(each, initial) for each in files]


class BriefingForm(forms.ModelForm):
    files = FilesField(label=_("Attachments"))

    class Meta:
        model = Briefing
        fields = ["kind", "title", "text", "day"]
        widgets = {"day": DateInput(), "text": forms.Textarea(attrs={"rows": 8})}


class FilingForm(forms.Form):
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("Write the report here, or attach it as a document below."))
    files = FilesField(label=_("The report as a document, and its evidence (pictures, tables)"))

    def __init__(self, *args, filing: Filing | None = None, **kwargs):
        super().__init__(*args, initial={"text": filing.text} if filing else None, **kwargs)


class QuotasForm(forms.Form):
    """One number per kind of unit expected to report."""

    def __init__(self, *args, kinds: list[tuple[str, str]], current: dict[tuple[str, str], int], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = {f"{level}__{kind}": (level, kind) for level, kind in kinds}
        for name, (level, kind) in self.kinds.items():
            label = f"{Unit.Level(level).label} · {Unit.Kind(kind).label}"
            self.fields[name] = forms.IntegerField(label=label, min_value=0, max_value=99,
                                                   initial=current.get((level, kind), 0))

    def minimums(self) -> dict[tuple[str, str], int]:
        return {pair: self.cleaned_data[name] for name, pair in self.kinds.items()}


class InspectingUnitsForm(forms.Form):
    units = forms.ModelMultipleChoiceField(label=_("Inspecting units"), queryset=Unit.objects.none(), required=False,
                                           help_text=_("Hold Ctrl to choose several."))

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = departments
        self.fields["units"].label_from_instance = lambda unit: f"{unit.parent.name} · {unit.name}"


class BulletinForm(forms.Form):
    """The office's choice of reports, each with its place in the bulletin (1, 2, 3…; ticked reports without a place
    follow in the list's order)."""

    title = forms.CharField(label=_("Title"), max_length=100, initial="防范和处置非法集资工作简报")
    day = forms.DateField(label=_("Date"), widget=DateInput())
    send_to = forms.CharField(label=_("Sent to (发)"), max_length=500, required=False)
    copy_to = forms.CharField(label=_("Copied to (抄送)"), max_length=500, required=False)
    briefings = forms.ModelMultipleChoiceField(label=_("Information reports"), queryset=Briefing.objects.none(),
                                               widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, briefings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["briefings"].queryset = briefings
        self.fields["briefings"].label_from_instance = lambda b: f"{b.day:%Y-%m-%d} {b.unit.name}：{b.title}"

    def ordered_briefings(self) -> list[Briefing]:
        chosen = list(self.cleaned_data["briefings"])

        def place(briefing: Briefing) -> tuple[int, int]:
            given = str(self.data.get(f"order_{briefing.pk}", "")).strip()
            return (int(given) if given.isdigit() else 10_000, chosen.index(briefing))

        return sorted(chosen, key=place)


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["unit", "day", "inspectors", "findings", "score"]
        widgets = {"day": DateInput(), "findings": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Action required"), max_length=500, required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput(), required=False)

    def clean(self):
        data = super().clean()
        if data.get("text") and not data.get("deadline"):
            self.add_error("deadline", _("Give the action a deadline."))
        if data.get("deadline") and not data.get("text"):
            self.add_error("text", _("Say what the unit must do."))
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=3)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("What the unit has done"), widget=forms.Textarea(attrs={"rows": 3}))


class WorkResultsForm(forms.ModelForm):
    class Meta:
        model = WorkResults
        fields = [name for name, _group in WorkResults.FIGURES]

    def figures(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
