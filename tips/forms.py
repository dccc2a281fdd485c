from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ledger import validators
from orgs import uploads
from orgs.models import Unit
from screening.forms import DateInput
from screening.models import Campaign, Term

from .models import Tip

MAX_FILES = 5


class LocalCaptchaInput(CaptchaTextInput):
    """The captcha's picture, drawn by this server at /tips/captcha/<key>.png (no outside service)."""

    def fetch_captcha_store(self, name, value, attrs=None, generator=None):
        self._key = CaptchaStore.generate_key(generator)
        self._value = [self._key, ""]
        self.id_ = self.build_attrs(attrs).get("id", None)

    def image_url(self):
        return reverse("tips:captcha", args=[self._key])

    def audio_url(self):
        return None


class ManyFilesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class TipFilesField(forms.Field):
    """The files sent with a tip, as a list; the service checks each under the evidence rules."""

    widget = ManyFilesInput(attrs={"accept": uploads.ACCEPTED})

    def to_python(self, value):
        return [each for each in (value or []) if each]

    def validate(self, value):
        if len(value) > MAX_FILES:
            raise forms.ValidationError(_("Send at most %(n)d files.") % {"n": MAX_FILES})


class TipForm(forms.ModelForm):
    files = TipFilesField(label=_("Files (pictures, leaflets, contracts)"), required=False,
                          help_text=_("PDF, pictures, Office or WPS documents or plain text, 20 MB each at most."))
    captcha = CaptchaField(label=_("Characters in the picture"), widget=LocalCaptchaInput(),
                           error_messages={"invalid": _("The characters do not match the picture. Type the new "
                                                        "picture's characters.")})

    class Meta:
        model = Tip
        fields = ["county", "what", "place", "entity_name", "credit_code", "amount", "people", "reporter_name",
                  "reporter_phone"]
        widgets = {"what": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "county": _("The county or district where it happens: its office handles the tip."),
            "credit_code": _("If you know it: 18 characters, on the business licence."),
            "amount": _("About how much money was collected, in 10,000 yuan, if you know."),
            "reporter_name": _("Optional. Only the county office handling the tip can read it."),
            "reporter_phone": _("Optional, so that the office can ask you more. Kept confidential."),
        }

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
        self.fields["county"].empty_label = _("Choose the county or district")

    def clean_credit_code(self):
        code = validators.normalise_credit_code(self.cleaned_data["credit_code"])
        if code:
            validators.validate_credit_code_format(code)
        return code


class StatusForm(forms.Form):
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=16)
    secret = forms.CharField(label=_("Secret"), max_length=64, widget=forms.PasswordInput(render_value=False))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit to verify it"), queryset=Unit.objects.none())
    text = forms.CharField(label=_("What to verify"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ConvertForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    unit = forms.ModelChoiceField(label=_("Unit the clue belongs to"), queryset=Unit.objects.none())
    sector = forms.CharField(label=_("Sector"), max_length=100,
                             help_text=_("The name of a key sector of the campaign, e.g. 民间投融资中介机构."))
    amount = forms.DecimalField(label=_("amount involved (10,000 yuan)"), max_digits=14, decimal_places=2,
                                min_value=0)
    people = forms.IntegerField(label=_("people involved"), min_value=0)

    def __init__(self, *args, campaigns, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["unit"].queryset = units
        self.fields["sector"].widget.attrs["list"] = f"{self.prefix or 'convert'}-sectors"

    def sector_names(self) -> list[str]:
        """The key sectors (leaves) of the campaigns offered, for the sector field's suggestions."""
        return list(Term.objects.filter(campaign__in=self.fields["campaign"].queryset,
                                        vocabulary=Term.Vocabulary.SECTOR, is_retired=False, children__isnull=True)
                    .order_by("name").values_list("name", flat=True).distinct())

    def clean(self):
        data = super().clean()
        campaign, name = data.get("campaign"), data.get("sector")
        if campaign and name:
            leaf = Term.objects.filter(campaign=campaign, vocabulary=Term.Vocabulary.SECTOR, name=name.strip(),
                                       is_retired=False, children__isnull=True).first()
            if leaf is None:
                self.add_error("sector", _("“%(name)s” is not a key sector of this campaign.") % {"name": name})
            data["sector"] = leaf
        return data


class RewardForm(forms.Form):
    amount = forms.DecimalField(label=_("reward (yuan)"), max_digits=14, decimal_places=2, min_value=0)
    on = forms.DateField(label=_("reward decided on"), widget=DateInput())
    paid = forms.BooleanField(label=_("reward paid"), required=False)

