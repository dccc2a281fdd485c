from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Unit
from screening.models import Campaign, Term

MONEY = {"max_digits": 14, "decimal_places": 2}


class Entity(models.Model):
    """市场主体: one per unified social credit code. Units reporting the same code share the entity."""

    name = models.CharField(_("entity name"), max_length=200)
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
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="ledger_entity_name")]

    def __str__(self) -> str:
        return self.name


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
        indexes = [models.Index(fields=["campaign", "unit"], name="ledger_record_campaign_unit")]

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
        indexes = [models.Index(fields=["campaign", "unit", "status"], name="ledger_clue_campaign_unit")]

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


class Assessment(models.Model):
    """The office's rating of a clue on the four factors of seed 001, its level, and the key-clue decision.
    Staff never see it."""

    class Level(models.TextChoices):
        HIGH = "high", "高"
        MEDIUM = "medium", "中"
        LOW = "low", "低"

    SCORE = [MinValueValidator(1), MaxValueValidator(5)]

    clue = models.OneToOneField(Clue, on_delete=models.CASCADE, related_name="assessment")
    public_reach = models.PositiveSmallIntegerField(_("public reach (涉众规模)"), validators=SCORE)
    risk_exposure = models.PositiveSmallIntegerField(_("risk exposure (风险敞口)"), validators=SCORE)
    opinion_heat = models.PositiveSmallIntegerField(_("public-opinion heat (舆论热度)"), validators=SCORE)
    stability_risk = models.PositiveSmallIntegerField(_("stability risk (涉稳隐患)"), validators=SCORE)
    computed_level = models.CharField(_("level by the rule"), max_length=8, choices=Level.choices)
    level_override = models.CharField(_("level set by the office"), max_length=8, choices=Level.choices, blank=True)
    override_reason = models.CharField(_("reason for the override"), max_length=300, blank=True)
    notes = models.TextField(_("rating notes"), blank=True)
    is_key = models.BooleanField(_("key risk clue"), default=False)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(_("rated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level_override="") | ~models.Q(override_reason=""),
                name="ledger_assessment_override_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.clue} · {self.get_level_display()}"

    @property
    def level(self) -> str:
        return self.level_override or self.computed_level

    def get_level_display(self) -> str:
        return self.Level(self.level).label


class Disposal(models.Model):
    """一事一策: how one clue is being dealt with."""

    class Track(models.TextChoices):
        RECTIFY = "rectify", _("Rectify (整改)")
        CLEAN_UP = "clean_up", _("Clean up (清理)")
        INVESTIGATE = "investigate", _("Investigate (立案查处)")
        NOT_HANDLED = "not_handled", _("Not yet handled (未整治)")

    class Stage(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_WAY = "under_way", _("Under way")
        FINISHED = "finished", _("Finished")

    class Refund(models.TextChoices):
        NONE = "", _("No refund")
        REFUNDING = "refunding", "正在清退"
        REFUNDED = "refunded", "清退完毕"

    clue = models.OneToOneField(Clue, on_delete=models.CASCADE, related_name="disposal")
    responsible_unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="disposals"
    )
    measures = models.ManyToManyField(Term, verbose_name=_("measures"), blank=True, related_name="+")
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    track = models.CharField(_("track"), max_length=16, choices=Track.choices)
    not_handled_reason = models.CharField(_("why not handled yet"), max_length=300, blank=True)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.PLANNED)
    case_filed_on = models.DateField(_("criminal case filed on"), null=True, blank=True)
    refund_status = models.CharField(_("refund"), max_length=16, choices=Refund.choices, blank=True, default="")
    refunded_share = models.DecimalField(
        _("refunded share (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    handling_result = models.CharField(
        _("handling result"), max_length=100, blank=True, help_text=_("e.g. 正在整改并正常营业, 停业整改")
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[measures])

    class Meta:
        verbose_name = _("disposal")
        verbose_name_plural = _("disposals")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(track="not_handled") | ~models.Q(not_handled_reason=""),
                name="ledger_disposal_not_handled_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_share__isnull=True)
                | models.Q(refunded_share__gte=0, refunded_share__lte=100),
                name="ledger_disposal_share_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clue} · {self.get_track_display()}"


class ProvinceNotice(models.Model):
    """省际间风险通报: the risk was notified to another province (possibly several times)."""

    disposal = models.ForeignKey(Disposal, on_delete=models.CASCADE, related_name="notices")
    province = models.CharField(_("province"), max_length=20)
    times = models.PositiveSmallIntegerField(_("times notified"), default=1, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("inter-province notice")
        verbose_name_plural = _("inter-province notices")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["disposal", "province"], name="ledger_notice_one_per_province")]

    def __str__(self) -> str:
        return f"{self.province} × {self.times}"


class ProgressNote(models.Model):
    """A dated note on how the disposal is going."""

    disposal = models.ForeignKey(Disposal, on_delete=models.CASCADE, related_name="notes")
    on = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.on}: {self.text[:20]}"


class CountyReturn(models.Model):
    """A county's answers for attachment 3 ("无非法集资区、县"), per year; filled by the county, not by departments."""

    county = models.ForeignKey(
        Unit, verbose_name=_("county"), on_delete=models.PROTECT, related_name="county_returns",
        limit_choices_to={"level": Unit.Level.COUNTY, "kind": Unit.Kind.GOVERNMENT},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    criminal_cases = models.PositiveIntegerField(_("criminal cases of illegal fundraising filed this year"))
    has_large_case = models.BooleanField(
        _("local residents took part in a criminal case with 50 or more participants")
    )
    has_petition_event = models.BooleanField(
        _("a petition or disturbance by 20 or more local participants happened")
    )
    remarks = models.CharField(_("remarks"), max_length=300, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("county return")
        verbose_name_plural = _("county returns")
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="ledger_one_return_per_county_year")]

    def __str__(self) -> str:
        return f"{self.county} {self.year}"

    @property
    def qualifies(self) -> bool:
        """Attachment 3 note 1: no criminal case filed, no 50-person case, no 20-person petition since 1 January."""
        return self.criminal_cases == 0 and not self.has_large_case and not self.has_petition_event
