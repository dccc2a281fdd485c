from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Unit
from screening.models import Campaign, Term

from .validators import normalise_name

MONEY = {"max_digits": 14, "decimal_places": 2}
# Characters 9–17 of a unified social credit code: the organisation code, kept by a business moved elsewhere.
ORG_PART_START, ORG_PART_LENGTH = 9, 9


def org_part(field: str = "credit_code"):
    """The organisation part of a credit code, as an SQL expression over ``field``."""
    return Substr(field, ORG_PART_START, ORG_PART_LENGTH)


class Entity(models.Model):
    """市场主体: one per unified social credit code, or, without a code, one per normalised name. Units reporting the
    same code (or the same name without a code) share the entity."""

    name = models.CharField(_("entity name"), max_length=200)
    # What the name is matched by (ledger.validators.normalise_name), kept by every save so that the database itself
    # refuses a second entity without a code under the same name, whatever path wrote the name.
    name_key = models.CharField(max_length=200, editable=False)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, null=True, blank=True,
        help_text=_("Leave empty only for an unregistered business or a person."),
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    registered_address = models.CharField(_("registered address"), max_length=200, blank=True)
    registered_division = models.CharField(
        _("registered division"), max_length=12, blank=True, help_text=_("Administrative division code, e.g. 120115.")
    )
    operating_address = models.CharField(_("operating address"), max_length=200, blank=True)
    operating_division = models.CharField(_("operating division"), max_length=12, blank=True)
    business_scope = models.TextField(_("registered business scope"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["name_key"])

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="ledger_entity_name"),
            # The organisation part of the credit code (characters 9–17, the former organisation code), which stays
            # when a business re-registers elsewhere: the watch list's hits and the entity's history look it up.
            models.Index(Substr("credit_code", ORG_PART_START, ORG_PART_LENGTH), name="ledger_entity_org_part"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"], condition=models.Q(credit_code__isnull=True),
                name="ledger_one_uncoded_entity_per_name",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.fill_name_key()
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    def fill_name_key(self) -> None:
        """Called by save(), and by the bulk inserts of the import, which do not go through save()."""
        self.name_key = normalise_name(self.name)


class FlagKeyword(models.Model):
    """A word that flags an entity whose name or business scope contains it (扫楼排查, seed 003)."""

    word = models.CharField(_("keyword"), max_length=20, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("flag keyword")
        verbose_name_plural = _("flag keywords")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.word


class ScreeningRecord(models.Model):
    """排查记录: one institution screened by one unit in a campaign."""

    class Result(models.TextChoices):
        NO_PROBLEM = "no_problem", _("No problem found")
        PROBLEM = "problem", _("Problem found")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="screening_records")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="screening_records")
    entity = models.ForeignKey(Entity, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="screening_records")
    sector = models.ForeignKey(Term, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+")
    behaviours = models.ManyToManyField(Term, verbose_name=_("key behaviours"), blank=True, related_name="+")
    method = models.ForeignKey(
        Term, verbose_name=_("screening method"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        Term, verbose_name=_("key area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    screened_on = models.DateField(_("screening date"))
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, default=Result.NO_PROBLEM)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[behaviours])

    class Meta:
        verbose_name = _("screening record")
        verbose_name_plural = _("screening records")
        ordering = ["-screened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "entity", "sector"], name="ledger_one_record_per_entity_sector"
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "unit"], name="ledger_record_campaign_unit"),
            # The record list's order, with the unit for its scope: a page is read off the index at any depth.
            models.Index(fields=["campaign", "-screened_on", "-id"], include=["unit"], name="ledger_record_list_order"),
            # Attachment 1 counts the distinct entities screened per sector off this index alone, in its order (a
            # city's 500,000 records: 1.2 s → 0.33 s).
            models.Index(fields=["campaign", "sector", "entity"], include=["unit"], name="ledger_record_sector_entity"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} · {self.sector}"


class Clue(models.Model):
    """风险线索: a problem found at a screened institution. Its screening record says "problem found"."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Staff may change a clue, and hand it (again) to the office, only while it is in their hands.
    EDITABLE = (Status.DRAFT, Status.RETURNED)

    class Channel(models.TextChoices):
        ONLINE = "online", "线上"
        OFFLINE = "offline", "线下"
        BOTH = "both", "线上线下相结合"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="clues")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="clues")
    record = models.OneToOneField(ScreeningRecord, on_delete=models.PROTECT, related_name="clue")
    entity = models.ForeignKey(Entity, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="clues")
    sector = models.ForeignKey(Term, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+")
    behaviours = models.ManyToManyField(Term, verbose_name=_("key behaviours"), blank=True, related_name="+")
    fundraising_mode = models.ForeignKey(
        Term, verbose_name=_("fundraising mode"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("via the internet"), max_length=8, choices=Channel.choices, blank=True)
    amount_involved = models.DecimalField(
        _("amount involved (10,000 yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    people_involved = models.PositiveIntegerField(_("people involved"))
    unpaid_funds = models.DecimalField(
        _("unpaid funds (10,000 yuan)"), **MONEY, default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0"))]
    )
    cross_province = models.BooleanField(_("cross-province"), default=False)
    problems = models.ManyToManyField(Term, verbose_name=_("main problems"), blank=True, related_name="+")
    source = models.ForeignKey(
        Term, verbose_name=_("clue source"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    code_check_confirmed = models.BooleanField(
        _("credit code kept despite a wrong check character"), default=False,
    )
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)
    return_reason = models.CharField(_("reason for return"), max_length=500, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged",
        help_text=_("A clue on the same entity from another unit; the tables count the entity once, there."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[behaviours, problems])

    class Meta:
        verbose_name = _("risk clue")
        verbose_name_plural = _("risk clues")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unpaid_funds__lte=models.F("amount_involved")),
                name="ledger_clue_unpaid_not_above_amount",
            ),
            models.CheckConstraint(condition=models.Q(amount_involved__gte=0), name="ledger_clue_amount_not_negative"),
            models.CheckConstraint(condition=models.Q(unpaid_funds__gte=0), name="ledger_clue_unpaid_not_negative"),
        ]
        indexes = [
            models.Index(fields=["campaign", "unit", "status"], name="ledger_clue_campaign_unit"),
            # The clue list's order and the review queue's (the standing clues of a status by submission), with the
            # unit for their scope: a page is read off the index at any depth.
            models.Index(fields=["campaign", "-created_at", "-id"], include=["unit"], name="ledger_clue_list_order"),
            models.Index(fields=["campaign", "status", "submitted_at", "id"], include=["unit"],
                         condition=models.Q(merged_into__isnull=True), name="ledger_clue_queue_order"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} ({self.unit})"

    def get_absolute_url(self) -> str:
        return reverse("ledger:clue_detail", args=[self.pk])


class Evidence(models.Model):
    """A file backing a clue (photos, registration extracts, advertisements). Served only through a checked view."""

    clue = models.ForeignKey(Clue, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class ClueEvent(models.Model):
    """The audit trail of what was done to a clue beyond editing its fields: who, when, what, why."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        RATED = "rated", _("Rated")
        LEVEL_OVERRIDDEN = "level_overridden", _("Level overridden")
        MARKED_KEY = "marked_key", _("Marked as a key clue")
        UNMARKED_KEY = "unmarked_key", _("No longer a key clue")
        DISPOSAL_PLANNED = "disposal_planned", _("Disposal plan changed")
        PROGRESS = "progress", _("Progress noted")
        TRANSFERRED = "transferred", _("Transferred")
        MERGED = "merged", _("Merged")

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("action"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("clue event")
        verbose_name_plural = _("clue events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["clue", "kind"], name="ledger_event_clue_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.clue_id}"


# Credit records (seed 004: 非法集资主体（包括法人、实际控制人、代理人、中间人等）…信用记录; seed 002: 失信"黑名单") ---------------


class Person(models.Model):
    """A person behind entities. With a resident ID number the person is one row for every entity they stand behind
    (the keyed hash is unique); without one, a name alone identifies nobody, so each entry is a person of its own.
    The number is never stored readable (ledger/idnumbers.py)."""

    name = models.CharField(_("full name"), max_length=50)
    id_number_encrypted = models.TextField(editable=False, blank=True)
    id_number_hash = models.CharField(max_length=64, editable=False, null=True, unique=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["id_number_encrypted", "id_number_hash"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.id_number_masked}".strip()


class EntityPerson(models.Model):
    """A person's role at an entity."""

    class Role(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_representative", "法定代表人"
        ACTUAL_CONTROLLER = "actual_controller", "实际控制人"
        SENIOR_MANAGER = "senior_manager", "高级管理人员"
        AGENT = "agent", "代理人"
        INTERMEDIARY = "intermediary", "中间人"

    # The roles that make a person answerable for what the entity did (seed 002: 主要责任人): they go on the watch
    # list with the entity when its disposal is investigated or penalised.
    RESPONSIBLE = (Role.LEGAL_REPRESENTATIVE, Role.ACTUAL_CONTROLLER)

    entity = models.ForeignKey(Entity, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="people")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person of an entity")
        verbose_name_plural = _("people of entities")
        ordering = ["entity", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "person", "role"], name="ledger_one_role_per_person_entity")
        ]
        indexes = [models.Index(fields=["person", "entity"], name="ledger_entityperson_person")]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_role_display()} · {self.entity}"


class WatchEntry(models.Model):
    """An entity or a person on the watch list (失信名单): listed with a reason and a date, automatically when a
    disposal is investigated or penalised or by hand by the office, and taken off with a reason. Entries are never
    deleted, so the history stays; the database holds at most one open entry per entity and per person."""

    class Source(models.TextChoices):
        INVESTIGATED = "investigated", _("Disposal investigated (立案查处)")
        PENALISED = "penalised", _("Disposal penalised (行政处罚/刑事打击)")
        OFFICE = "office", _("Listed by the office")

    entity = models.ForeignKey(
        Entity, verbose_name=_("entity"), null=True, blank=True, on_delete=models.PROTECT, related_name="watch_entries"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="watch_entries"
    )
    source = models.CharField(_("listed because"), max_length=16, choices=Source.choices)
    reason = models.CharField(_("reason for listing"), max_length=300)
    listed_on = models.DateField(_("listed on"))
    # The unit whose clue or record led to the listing: the offices above it may take the entry off.
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    clue = models.ForeignKey(
        Clue, verbose_name=_("risk clue"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    left_on = models.DateField(_("taken off on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for taking off"), max_length=300, blank=True)
    left_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("watch-list entry")
        verbose_name_plural = _("watch-list entries")
        ordering = ["-listed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entity__isnull=False, person__isnull=True)
                | models.Q(entity__isnull=True, person__isnull=False),
                name="ledger_watch_entity_or_person",
            ),
            models.UniqueConstraint(
                fields=["entity"], condition=models.Q(left_on__isnull=True, entity__isnull=False),
                name="ledger_watch_one_open_per_entity",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(left_on__isnull=True, person__isnull=False),
                name="ledger_watch_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | ~models.Q(leave_reason=""),
                name="ledger_watch_left_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return str(self.entity or self.person)

    @property
    def is_open(self) -> bool:
        return self.left_on is None
