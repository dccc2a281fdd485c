"""Forms of the office's workbench. They parse and check the shape of what is posted; the services in
review.services and review.submissions decide whether it may be done."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from ledger.forms import ClueSelectionForm
from ledger.models import Clue, EntityPerson, Person
from orgs.forms import UnitTreeChoiceField
from screening.forms import DateInput
from screening.models import Term

from .models import Assessment, Disposal
from .services import DisposalPlan, Scores

# The guidance for each score, in the offices' own working terms (like the official table wording, it is not
# translated). Amounts are in 万元, as on the clue.
GUIDANCE = {
    "public_reach": ("10人以下", "10至49人", "50至199人", "200至499人", "500人以上"),
    "risk_exposure": (
        "无未兑付资金",
        "未兑付资金不足100万元",
        "未兑付资金100万至1000万元",
        "未兑付资金1000万至5000万元",
        "未兑付资金5000万元以上，或未兑付资金超过涉及金额的一半",
    ),
    "opinion_heat": ("无报道", "个别网络讨论", "本地媒体报道或网络热议", "省级媒体报道或多地转载", "全国性舆情"),
    "stability_risk": ("无", "个别投诉", "多人投诉或信访", "有聚集维权苗头", "已发生群体性事件"),
}

# Seed 001, attachment 2 note 3: 处理结果 says how the entity stands now.
HANDLING_RESULTS = (
    "正在整改并正常营业", "整改完毕并正常营业", "停业整改", "已停业", "已注销", "已吊销营业执照", "已移送公安机关", "已立案侦查",
)

PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省", "浙江省",
    "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市",
    "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
    "香港特别行政区", "澳门特别行政区", "台湾省",
)


class ConfirmForm(forms.Form):
    """A button and nothing else; it carries a service's refusal back to the page."""


class SharedPageForm(forms.Form):
    """One of the several forms of the clue page: its element ids start with ``id_prefix``, so that two forms' fields of
    the same name (a reason) do not share an id."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class ReasonForm(SharedPageForm):
    id_prefix = "return"
    # Optional here: the service says when a reason is needed, in its own words.
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BulkAcceptForm(ClueSelectionForm):
    nothing_ticked = _("Tick the clues to accept.")


class BulkReturnForm(ClueSelectionForm):
    nothing_ticked = _("Tick the clues to return.")
    # Optional here: the service says when a reason is needed, in its own words.
    reason = forms.CharField(label=_("Reason for returning the ticked clues"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RatingForm(SharedPageForm):
    id_prefix = "rating"
    notes = forms.CharField(label=_("rating notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        factors = {name: forms.TypedChoiceField(
            label=Assessment._meta.get_field(name).verbose_name,
            choices=[("", "—")] + [(score, f"{score} — {text}") for score, text in enumerate(texts, start=1)],
            coerce=int,
        ) for name, texts in GUIDANCE.items()}
        self.fields = factors | self.fields

    def scores(self) -> Scores:
        return Scores(*(self.cleaned_data[name] for name in GUIDANCE))


class OverrideForm(SharedPageForm):
    id_prefix = "override"
    level = forms.ChoiceField(
        label=_("level set by the office"), required=False,
        choices=[("", _("As the rule gives"))] + Assessment.Level.choices,
    )
    reason = forms.CharField(label=_("reason for the override"), max_length=300, required=False)


class KeyForm(SharedPageForm):
    id_prefix = "key"
    is_key = forms.TypedChoiceField(choices=[("1", _("Key risk clue")), ("0", _("Not a key clue"))],
                                    coerce=lambda value: value == "1")
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class NoticeForm(forms.Form):
    province = forms.ChoiceField(label=_("province"), required=False, choices=[("", "—")] + [(p, p) for p in PROVINCES])
    times = forms.IntegerField(label=_("times notified"), min_value=1, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("province") and not cleaned.get("times"):
            self.add_error("times", _("Say how many times the province was notified."))
        return cleaned


class BaseNoticeFormSet(forms.BaseFormSet):
    def clean(self):
        provinces = [form.cleaned_data.get("province") for form in self.forms if form.cleaned_data.get("province")]
        if len(provinces) != len(set(provinces)):
            raise ValidationError(_("Each province takes one row; add up the times."))

    def notices(self) -> dict[str, int]:
        return {
            form.cleaned_data["province"]: form.cleaned_data["times"]
            for form in self.forms if form.cleaned_data.get("province")
        }


NoticeFormSet = forms.formset_factory(NoticeForm, formset=BaseNoticeFormSet, extra=2)

PLAN_FIELDS = [
    "responsible_unit", "measures", "deadline", "instructions", "track", "not_handled_reason", "stage", "case_filed_on",
    "refund_status", "refunded_share", "handling_result",
]


class ResponsibleUnitField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return _("%(unit)s (responsible for the sector)") % {"unit": unit.name} if unit.suggested else unit.name


class DisposalForm(forms.Form):
    """The disposal plan (一事一策) with its inter-province notices, which are rows of their own (``notices``)."""

    def __init__(self, data=None, *, clue: Clue, units, disposal: Disposal | None, **kwargs):
        initial = _plan_initial(disposal) if disposal else {"responsible_unit": units.first()}
        super().__init__(data, initial=initial, **kwargs)
        self.fields.update(fields_for_model(
            Disposal, fields=PLAN_FIELDS,
            widgets={
                "deadline": DateInput, "case_filed_on": DateInput, "measures": forms.CheckboxSelectMultiple,
                "track": forms.RadioSelect, "handling_result": forms.TextInput(attrs={"list": "handling-results"}),
                "instructions": forms.Textarea(attrs={"rows": 3}),
            },
            field_classes={"responsible_unit": ResponsibleUnitField},
        ))
        self.fields["responsible_unit"].queryset = units
        self.fields["track"].choices = Disposal.Track.choices  # a radio list needs no blank entry
        self.fields["measures"].queryset = Term.objects.filter(
            campaign=clue.campaign_id, vocabulary=Term.Vocabulary.MEASURE, is_retired=False
        ).order_by("order", "pk")
        # Posted rows are the whole list: compared with an initial list, a row left as it was would count as empty.
        notices = [{"province": n.province, "times": n.times} for n in disposal.notices.all()] if disposal else []
        self.notices = NoticeFormSet(data, prefix="notice", initial=None if data is not None else notices)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return self.notices.is_valid() and valid

    def plan(self) -> DisposalPlan:
        return DisposalPlan(
            **{name: self.cleaned_data[name] for name in PLAN_FIELDS if name != "measures"},
            measures=list(self.cleaned_data["measures"]),
            notices=self.notices.notices(),
        )


def _plan_initial(disposal: Disposal) -> dict:
    initial = {name: getattr(disposal, name) for name in PLAN_FIELDS if name != "measures"}
    return initial | {"measures": list(disposal.measures.all())}


class ProgressForm(SharedPageForm):
    id_prefix = "progress"
    on = forms.DateField(label=_("date"), widget=DateInput)
    text = forms.CharField(label=_("progress"), widget=forms.Textarea(attrs={"rows": 2}))


class StageReportForm(SharedPageForm):
    """The responsible unit reports a stage reached: one of the stages after the task's own."""

    id_prefix = "stage"
    stage = forms.ChoiceField(label=_("Stage reached"), choices=())
    text = forms.CharField(label=_("What has been done"), widget=forms.Textarea(attrs={"rows": 3}))
    case_filed_on = forms.DateField(label=_("criminal case filed on"), required=False, widget=DateInput)

    def __init__(self, *args, disposal: Disposal, **kwargs):
        super().__init__(*args, **kwargs)
        later = list(Disposal.Stage)[list(Disposal.Stage).index(disposal.stage) + 1:]
        self.fields["stage"].choices = [(stage.value, stage.label) for stage in later]
        # Only an investigation records a case, once.
        if disposal.track != Disposal.Track.INVESTIGATE or disposal.case_filed_on:
            del self.fields["case_filed_on"]


class TransferForm(SharedPageForm):
    id_prefix = "transfer"
    to_unit = UnitTreeChoiceField(label=_("Hand over to"), queryset=None)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = candidates


class MergeTarget(forms.ModelChoiceField):
    def label_from_instance(self, clue):
        return f"{clue.unit.name} · {clue.sector.name} · {clue.get_status_display()}"


class MergeForm(SharedPageForm):
    id_prefix = "merge"
    KEEP_THIS, KEEP_OTHER = "this", "other"

    other = MergeTarget(label=_("The other clue"), queryset=None)
    keep = forms.ChoiceField(
        label=_("Counted under"), widget=forms.RadioSelect, initial=KEEP_THIS,
        choices=[(KEEP_THIS, _("this clue")), (KEEP_OTHER, _("the other clue"))],
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = candidates

    def pair(self, clue: Clue) -> tuple[Clue, Clue]:
        """(kept, merged)"""
        other = self.cleaned_data["other"]
        return (clue, other) if self.cleaned_data["keep"] == self.KEEP_THIS else (other, clue)


# The entity's page: its people and the watch list -------------------------------------------------------------------


class PersonForm(SharedPageForm):
    id_prefix = "person"
    name = forms.CharField(label=_("full name"), max_length=50)
    role = forms.ChoiceField(label=_("role"), choices=EntityPerson.Role.choices)
    id_number = forms.CharField(
        label=_("resident ID number"), max_length=30, required=False,
        help_text=_("18 characters, where known. Stored encrypted; others see it masked."),
    )


class WatchForm(SharedPageForm):
    id_prefix = "watch"
    person = forms.ModelChoiceField(label=_("person"), queryset=Person.objects.none(), required=False,
                                    empty_label=_("The entity itself"))
    reason = forms.CharField(label=_("reason for listing"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             required=False)
    listed_on = forms.DateField(label=_("listed on"), widget=DateInput, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people if people is not None else Person.objects.none()


class LeaveForm(SharedPageForm):
    id_prefix = "leave"
    reason = forms.CharField(label=_("reason for taking off"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    left_on = forms.DateField(label=_("taken off on"), widget=DateInput, required=False)


# Across counties ----------------------------------------------------------------------------------------------------


class CountyToNotify(forms.ModelChoiceField):
    def label_from_instance(self, county):
        if getattr(county, "suggested", False):
            return _("%(county)s (where the entity is registered or operates)") % {"county": county.name}
        return county.name


class NoticeForm(SharedPageForm):
    id_prefix = "notice"
    to_county = CountyToNotify(
        label=_("County to notify"), queryset=None,
        help_text=_("Where the entity is registered or operates, outside your county."),
        error_messages={"invalid_choice": _("Choose another county (district) with a leading-group office.")},
    )
    note = forms.CharField(label=_("Note to its office"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_county"].queryset = counties


class CampaignSector(forms.ModelChoiceField):
    def label_from_instance(self, term):
        return f"{term.campaign.title} · {term.name}"


class OwnClueForm(forms.Form):
    """The clue the notified office opens: where it belongs and its figures, prefilled from the notice."""

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=None)
    unit = UnitTreeChoiceField(label=_("Unit the clue belongs to"), queryset=None)
    sector = CampaignSector(label=_("Sector"), queryset=None)
    amount_involved = forms.DecimalField(label=_("amount involved (10,000 yuan)"), max_digits=14, decimal_places=2,
                                         min_value=0)
    unpaid_funds = forms.DecimalField(label=_("unpaid funds (10,000 yuan)"), max_digits=14, decimal_places=2,
                                      min_value=0)
    people_involved = forms.IntegerField(label=_("people involved"), min_value=0)

    def __init__(self, *args, campaigns, units, notice=None, **kwargs):
        sectors = (Term.objects.filter(campaign__in=campaigns, vocabulary=Term.Vocabulary.SECTOR, is_retired=False,
                                       children__isnull=True).select_related("campaign").order_by("campaign", "order"))
        if notice is not None:
            kwargs["initial"] = {
                "campaign": campaigns.first(), "amount_involved": notice.amount_involved,
                "unpaid_funds": notice.unpaid_funds, "people_involved": notice.people_involved,
                "sector": sectors.filter(name=notice.sector_name, campaign=campaigns.first()).first(),
            }
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["unit"].queryset = units
        self.fields["sector"].queryset = sectors

    def clean(self):
        data = super().clean()
        campaign, sector = data.get("campaign"), data.get("sector")
        if campaign and sector and sector.campaign_id != campaign.pk:
            self.add_error("sector", _("Choose a sector of the campaign chosen."))
        return data


class CaseCountiesForm(forms.Form):
    lead = forms.ModelChoiceField(label=_("Lead county (牵头县)"), queryset=None)
    assisting = forms.ModelMultipleChoiceField(label=_("Assisting counties (协办县)"), queryset=None,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = counties
        self.fields["assisting"].queryset = counties


class CaseForm(CaseCountiesForm):
    title = forms.CharField(label=_("case name"), max_length=200)
    description = forms.CharField(label=_("what the counties are asked to do"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    clues = forms.CharField(
        label=_("Clue numbers"), max_length=2000,
        help_text=_("The numbers of the case's clues (shown on each clue's page), separated by spaces or commas."),
    )
    field_order = ["title", "description", "clues", "lead", "assisting"]

    def __init__(self, *args, clues, **kwargs):
        super().__init__(*args, **kwargs)
        self.clue_choices = clues

    def clean_clues(self) -> list[Clue]:
        words = self.cleaned_data["clues"].replace("，", ",").replace(",", " ").split()
        wrong = [word for word in words if not word.isdigit()]
        if wrong:
            raise ValidationError(_("“%(value)s” is not a clue number.") % {"value": wrong[0]})
        numbers = {int(word) for word in words}
        found = list(self.clue_choices.filter(pk__in=numbers))
        missing = sorted(numbers - {clue.pk for clue in found})
        if missing:
            raise ValidationError(_("No clue of your city is numbered %(numbers)s.")
                                  % {"numbers": "、".join(str(number) for number in missing)})
        return found
