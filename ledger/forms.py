"""The forms of the ledger's staff screens. They read what people type; the services decide what is accepted."""

from dataclasses import MISSING, Field, fields

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator, model_to_dict
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from orgs import uploads
from orgs.forms import UnitTreeChoiceField
from orgs.models import Unit
from screening import selectors as screening_selectors
from screening.forms import DateInput
from screening.models import Campaign, Term

from . import services, validators
from .models import Clue, Entity, Evidence, ScreeningRecord
from .services import ENTITY_DETAIL_FIELDS, ClueData, EntityData, RecordData

V = Term.Vocabulary


def label_of(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


def model_field(model, name: str, **overrides) -> forms.Field:
    """The form field Django derives from a model field (label, length, choices); further checks are the services'."""
    return model._meta.get_field(name).formfield(**overrides)


class TermTreeIterator(ModelChoiceIterator):
    """The choices as the campaign's tree draws them (``field.tree``, from the parent links): a group's items under its
    name (an <optgroup>, or a nested list), a term without items at the top level beside the groups. Retired terms,
    and groups left without items, are not offered."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for top, items in self.field.tree:
            if not items:
                if not top.is_retired:
                    yield self.choice(top)
                continue
            offered = [self.choice(item) for item in items if not item.is_retired]
            if offered:
                yield (top.name, offered)


class TermTreeMixin:
    """A choice of the leaves of a tree vocabulary, drawn as the tree."""

    iterator = TermTreeIterator
    tree: list[tuple[Term, list[Term]]] = ()

    def draw(self, campaign: Campaign, vocabulary: str) -> None:
        self.tree = screening_selectors.term_tree(campaign, vocabulary)


class TermTreeChoiceField(TermTreeMixin, forms.ModelChoiceField):
    pass


class TermTreeMultipleChoiceField(TermTreeMixin, forms.ModelMultipleChoiceField):
    pass


class TermTreeCheckboxes(forms.CheckboxSelectMultiple):
    """Tick boxes nested as the tree: a group's items in a list of their own under its name, which browsers indent
    even without the style sheet, so that a top-level term never reads as the item of the group above it."""

    template_name = "forms/widgets/term_tree.html"


class AmountField(forms.CharField):
    """An amount in 万元 as people type it: "1,234.50", full-width digits; more than two decimals are refused."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        return validators.parse_amount(text, field_label=self.label) if text else None


class CountField(forms.CharField):
    """A head count as people type it: "1,200", full-width digits."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.TextInput(attrs={"inputmode": "numeric"}), **kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        return validators.parse_count(text, field_label=self.label) if text else None


ENTITY_FIELDS = ["name", "credit_code", "confirm_code_warning", *ENTITY_DETAIL_FIELDS]


def entity_values(entity: Entity) -> dict:
    """What the entity fields of the forms show for a known entity."""
    return model_to_dict(entity, fields=ENTITY_FIELDS) | {"credit_code": entity.credit_code or ""}


class EntryForm(forms.Form):
    """The entity part of the clue and record forms, and either the unit a new entry is for or, for an edit, the
    version the user opened (a save over someone else's later save is refused)."""

    DATA: type  # the service's dataclass; the form's field names are its field names
    VOCABULARIES: dict[str, str]  # field name: vocabulary whose terms it offers

    unit = UnitTreeChoiceField(label=label_of(Clue, "unit"), queryset=Unit.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = model_field(Entity, "name")
    # Longer than a code: people paste codes with spaces, which the service takes out.
    credit_code = model_field(Entity, "credit_code", max_length=40, empty_value="")
    confirm_code_warning = forms.BooleanField(label=_("The code is correct as written"), required=False)
    legal_representative = model_field(Entity, "legal_representative")
    registered_address = model_field(Entity, "registered_address")
    registered_division = model_field(Entity, "registered_division")
    operating_address = model_field(Entity, "operating_address")
    operating_division = model_field(Entity, "operating_division")
    business_scope = model_field(Entity, "business_scope", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, campaign: Campaign, units: QuerySet[Unit] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units
            del self.fields["version"]
        for name, vocabulary in self.VOCABULARIES.items():
            field = self.fields[name]
            # What may be chosen; how it is drawn comes from the tree.
            field.queryset = screening_selectors.leaves(campaign, vocabulary).order_by("order", "pk")
            if isinstance(field, TermTreeMixin):
                field.draw(campaign, vocabulary)

    @classmethod
    def initial_for(cls, entry) -> dict:
        """The form's initial values for editing a clue or a record."""
        code = entry.entity.credit_code or ""
        # A stored code that fails the check was confirmed when it was entered: the box shows, ticked.
        confirmed = bool(code) and not validators.credit_code_check_passes(code)
        own = [f.name for f in fields(cls.DATA) if f.name != "entity"]
        return (
            entity_values(entry.entity)
            | {"confirm_code_warning": confirmed, "version": entry.version}
            | model_to_dict(entry, fields=own)
        )

    @property
    def show_code_confirm(self) -> bool:
        """The tick box shows once the service found the check character wrong, and stays while it is ticked."""
        return self.has_error("credit_code", "credit_code_check") or bool(self["confirm_code_warning"].value())

    @property
    def entity_part(self) -> list[forms.BoundField]:
        shown = [name for name in ENTITY_FIELDS if name != "confirm_code_warning" or self.show_code_confirm]
        return [self[name] for name in shown]

    @property
    def entry_part(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if field.name not in ENTITY_FIELDS and field.name != "unit"]

    def clean(self):
        cleaned = super().clean()
        # The service's checks of what did parse, now: a wrong credit code shows beside a wrong amount, not after the
        # amount is put right. What only saving can tell (a duplicate, a stale edit) waits for the save.
        try:
            services.check_entry(self.service_data(), services.TermChecker(self.campaign))
        except ValidationError as refusal:
            for field, errors in refusal.error_dict.items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, errors)
        return cleaned

    def service_data(self):
        """The cleaned data as the service takes it; a field that did not parse takes the service's default."""
        data = self.cleaned_data
        entity = EntityData(**({"name": ""} | {name: data[name] for name in ENTITY_FIELDS if name in data}))
        own = {f.name: data.get(f.name, _default(f)) for f in fields(self.DATA) if f.name != "entity"}
        chosen_terms = {name: list(value) for name, value in own.items() if isinstance(value, QuerySet)}
        return self.DATA(entity=entity, **(own | chosen_terms))


def _default(field: Field):
    if field.default_factory is not MISSING:
        return field.default_factory()
    return None if field.default is MISSING else field.default


class ClueForm(EntryForm):
    DATA = ClueData
    VOCABULARIES = {
        "sector": V.SECTOR, "behaviours": V.BEHAVIOUR, "fundraising_mode": V.MODE, "problems": V.PROBLEM,
        "source": V.METHOD,
    }

    sector = model_field(Clue, "sector", form_class=TermTreeChoiceField, queryset=Term.objects.none())
    behaviours = model_field(
        Clue, "behaviours", form_class=TermTreeMultipleChoiceField, queryset=Term.objects.none(),
        widget=TermTreeCheckboxes,
    )
    fundraising_mode = model_field(Clue, "fundraising_mode", queryset=Term.objects.none())
    channel = model_field(Clue, "channel")
    amount_involved = AmountField(label=label_of(Clue, "amount_involved"))
    people_involved = CountField(label=label_of(Clue, "people_involved"))
    unpaid_funds = AmountField(label=label_of(Clue, "unpaid_funds"), required=False)
    cross_province = model_field(Clue, "cross_province")
    problems = model_field(Clue, "problems", queryset=Term.objects.none(), widget=forms.CheckboxSelectMultiple)
    source = model_field(Clue, "source", queryset=Term.objects.none())
    description = model_field(Clue, "description", widget=forms.Textarea(attrs={"rows": 4}))


class RecordForm(EntryForm):
    DATA = RecordData
    VOCABULARIES = {"sector": V.SECTOR, "behaviours": V.BEHAVIOUR, "method": V.METHOD, "area": V.AREA}

    sector = model_field(ScreeningRecord, "sector", form_class=TermTreeChoiceField, queryset=Term.objects.none())
    behaviours = model_field(
        ScreeningRecord, "behaviours", form_class=TermTreeMultipleChoiceField, queryset=Term.objects.none(),
        widget=TermTreeCheckboxes,
    )
    method = model_field(ScreeningRecord, "method", queryset=Term.objects.none())
    area = model_field(ScreeningRecord, "area", queryset=Term.objects.none())
    # Left empty, the service takes today.
    screened_on = model_field(ScreeningRecord, "screened_on", widget=DateInput, required=False)
    result = model_field(ScreeningRecord, "result")

    def __init__(self, *args, follows_clue: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if follows_clue:
            # The entity and sector of a record with a clue change with the clue (services.record_update).
            for name in [*ENTITY_FIELDS, "sector"]:
                self.fields[name].disabled = True


class ClueSelectionForm(forms.Form):
    """The clues ticked in a list, among ``clues`` (those the list may offer); what may be done to each is the
    service's question. Each use says what to tick in ``nothing_ticked``."""

    nothing_ticked: str
    clue = forms.ModelMultipleChoiceField(queryset=Clue.objects.none())

    def __init__(self, *args, clues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clue"].queryset = clues
        self.fields["clue"].error_messages["required"] = self.nothing_ticked


class BulkSubmitForm(ClueSelectionForm):
    """Submitting several clues takes two posts: the ticked clues, then the same once the user has seen them counted
    and confirmed."""

    nothing_ticked = _("Tick the clues to submit.")
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class EvidenceForm(forms.Form):
    # The storage shortens long names itself; the form must not refuse them.
    file = model_field(Evidence, "file", max_length=None,
                       widget=forms.ClearableFileInput(attrs={"accept": uploads.ACCEPTED}))


class WithdrawForm(forms.Form):
    reason = model_field(Clue, "withdrawn_reason", required=True)
