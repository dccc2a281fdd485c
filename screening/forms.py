import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from orgs import selectors as org_selectors
from orgs.forms import UnitTreeChoiceField, UnitTreeMultipleChoiceField, UnitTreeSelectMultiple
from orgs.models import Unit

from . import selectors
from .models import Campaign, Phase, Term


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and expects ISO dates whatever the interface language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CampaignFieldsForm(forms.ModelForm):
    # "new" would be shadowed by the URL of the create page.
    RESERVED_SLUGS = {"new"}
    SLUG = re.compile(r"[a-z0-9_-]+")

    # What people type: full-width letters and digits, capitals and spaces are read as the short name's own
    # characters; left empty, the service makes one (screening.services.free_slug).
    slug = forms.CharField(
        label=capfirst(Campaign._meta.get_field("slug").verbose_name),
        max_length=Campaign._meta.get_field("slug").max_length, required=False,
        error_messages={"unique": _("Another campaign already has this short name; choose another, or leave it empty.")},
        help_text=_("Used in the campaign's web addresses and file names: Latin letters, digits and hyphens, such as "
                    "2026-zhuanxiang. Leave it empty and one is made from the year, such as 2026-zhuanxiang-1."),
    )

    class Meta:
        model = Campaign
        fields = ["title", "slug", "year"]
        # The model's "title" msgid is already translated as a person's job title (orgs.LeadingGroup).
        labels = {"title": _("Campaign title")}

    def clean_slug(self):
        slug = "-".join(unicodedata.normalize("NFKC", self.cleaned_data["slug"]).lower().split())
        if slug and not self.SLUG.fullmatch(slug):
            raise ValidationError(
                _("A short name may hold only Latin letters, digits, hyphens (-) and underscores (_), such as "
                  "2026-zhuanxiang: Chinese characters do not go into web addresses. Leave it empty to have one made.")
            )
        if slug in self.RESERVED_SLUGS:
            raise ValidationError(_("This short name is reserved; choose another."))
        return slug


class CampaignForm(CampaignFieldsForm):
    class Meta(CampaignFieldsForm.Meta):
        fields = [
            "title", "slug", "year", "document_number", "issuing_unit", "scope_unit", "kind", "status", "reminder_days",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        managed = org_selectors.units_managed_by(user).order_by("path")
        self.fields["issuing_unit"].queryset = managed
        self.fields["scope_unit"].queryset = managed


class CampaignCreateForm(CampaignForm):
    start_from = forms.ChoiceField(
        label=_("Start the taxonomy from"),
        choices=[("2018", _("the 2018 form")), ("2017", _("the 2017 form")), ("", _("an empty taxonomy"))],
        initial="2018",
        required=False,
        widget=forms.RadioSelect,
    )


class CampaignCopyForm(CampaignFieldsForm):
    MOVE_TO_YEAR, MOVE_BY_DAYS = "year", "days"

    move = forms.ChoiceField(
        label=_("Phase dates"),
        choices=[(MOVE_TO_YEAR, _("the same days in the new year")), (MOVE_BY_DAYS, _("moved by a number of days"))],
        initial=MOVE_TO_YEAR,
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(label=_("Number of days"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("move") == self.MOVE_BY_DAYS and cleaned.get("days") is None:
            self.add_error("days", _("Say by how many days the dates move."))
        return cleaned

    @property
    def shift_days(self) -> int | None:
        return self.cleaned_data["days"] if self.cleaned_data["move"] == self.MOVE_BY_DAYS else None


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["kind", "name", "start", "end", "deadline"]
        widgets = {"start": DateInput, "end": DateInput, "deadline": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("deadline") and cleaned.get("end"):
            cleaned["deadline"] = cleaned["end"]
        return cleaned


PhaseFormSet = forms.modelformset_factory(Phase, form=PhaseForm, extra=3, can_delete=True)


class TermAddForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    parent = forms.ModelChoiceField(
        label=_("Under"), queryset=Term.objects.none(), required=False, empty_label=_("(top level)")
    )

    def __init__(self, *args, campaign: Campaign, vocabulary: str, **kwargs):
        super().__init__(*args, **kwargs)
        if vocabulary in Term.TREES:
            self.fields["parent"].queryset = selectors.groups(campaign, vocabulary)
        else:
            del self.fields["parent"]


class ResponsibilityForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Responsible departments"), queryset=Unit.objects.none(), required=False
    )
    note = forms.CharField(label=_("Duty"), max_length=200, required=False)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = selectors.departments_in(campaign)


class LockExceptionForm(forms.Form):
    unit = UnitTreeChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    until = forms.DateField(label=_("Open until"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, user, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.units_reviewable_in(user, campaign)


class ExpectedUnitsForm(forms.Form):
    """Units to put on, or take off, a campaign's list of units expected to report."""

    def __init__(self, *args, units, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"] = UnitTreeMultipleChoiceField(
            units.order_by("path"), label=_("Units"), widget=UnitTreeSelectMultiple(attrs={"size": 15}),
            error_messages={"required": _("Choose at least one unit.")},
        )
