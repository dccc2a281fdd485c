"""The office's records on clues: the rating, the disposal (一事一策) with its notices and progress notes, and the
county return of attachment 3."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ledger.models import Clue, Entity
from orgs.models import Unit
from screening.models import Term


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


class DisposalQuerySet(models.QuerySet):
    def unfinished(self) -> "DisposalQuerySet":
        return self.exclude(stage=Disposal.Stage.FINISHED)

    def open(self) -> "DisposalQuerySet":
        """Still to be carried out: not finished, and the clue not withdrawn."""
        return self.unfinished().exclude(clue__status=Clue.Status.WITHDRAWN)

    def overdue(self, on: date, *, of: models.QuerySet[Clue] | None = None) -> "DisposalQuerySet":
        """Open past the deadline: the deadline (the whole day) is over by ``on``; of the clues ``of`` when given.

        Given the clues, each overdue disposal looks its own clue up (a scalar subquery, which PostgreSQL keeps per
        row): joined to the clues instead, a city's 3,355 overdue disposals were matched against the 95,000 clues of
        its scope read whole (a sequential scan, 35 ms), where looking up 3,355 clues by key takes 10 ms."""
        if of is None:
            return self.open().filter(deadline__lt=on)
        standing = of.filter(pk=models.OuterRef("clue_id")).exclude(status=Clue.Status.WITHDRAWN)
        of_a_standing_clue = models.Subquery(standing.values(found=models.Value(True)),
                                             output_field=models.BooleanField())
        return self.unfinished().filter(deadline__lt=on).filter(of_a_standing_clue)


class Disposal(models.Model):
    """一事一策: how one clue is being dealt with. The office plans it; the responsible unit carries it out (its
    "disposal task"), noting progress, adding files and reporting each stage done."""

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
    instructions = models.TextField(
        _("what the office asks"), blank=True,
        help_text=_("Shown to the responsible unit with its task, e.g. what to check and what to report by when."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[measures])

    objects = DisposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("disposal")
        verbose_name_plural = _("disposals")
        # The overdue list and the daily overdue notices: open disposals by deadline.
        indexes = [models.Index(fields=["deadline", "id"], condition=~models.Q(stage="finished"),
                                name="review_disposal_open_deadline")]
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
    stage_reported = models.CharField(
        _("stage reported"), max_length=16, choices=Disposal.Stage.choices, blank=True,
        help_text=_("The stage the responsible unit reported reached with this note, if any."),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.on}: {self.text[:20]}"


class DisposalFile(models.Model):
    """A file the responsible unit adds to its task (a record of the talk, a penalty decision, a rectification report).

    It belongs to the disposal, not to the clue's evidence (ledger.Evidence): the reporting unit does not see what the
    responsible unit files, nor the responsible unit the reporting unit's evidence. Served only through a checked view.
    """

    disposal = models.ForeignKey(Disposal, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("file"), upload_to="disposal/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("disposal file")
        verbose_name_plural = _("disposal files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class OverdueNotice(models.Model):
    """An overdue disposal was notified on ``day``, so that running the daily job again that day sends nothing."""

    disposal = models.ForeignKey(Disposal, on_delete=models.CASCADE, related_name="overdue_notices")
    day = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("overdue notice sent")
        verbose_name_plural = _("overdue notices sent")
        constraints = [models.UniqueConstraint(fields=["disposal", "day"], name="review_overdue_notice_once_a_day")]

    def __str__(self) -> str:
        return f"{self.disposal} · {self.day}"


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


# Across counties (seed 001 六(二): 本地注册异地经营、异地注册本地经营; seeds 002/004: 牵头县（区）/协办县（区）) ---------------


class CountyNotice(models.Model):
    """通报: a county's office tells another county's office of one of its clues on an entity registered or operating
    there. What was notified is kept as it stood when sent: the receiving office reads this summary, never the sending
    county's clue, and the summary does not change under it when the sender edits the clue afterwards.

    A notice is open until the receiving office acknowledges it; the database holds one open notice per clue and county
    notified, so that a second click does not notify twice, while news after an acknowledgement is a notice of its own.
    """

    clue = models.ForeignKey(Clue, verbose_name=_("risk clue"), on_delete=models.PROTECT, related_name="county_notices")
    from_county = models.ForeignKey(Unit, verbose_name=_("notifying county"), on_delete=models.PROTECT,
                                    related_name="notices_sent")
    to_county = models.ForeignKey(Unit, verbose_name=_("county notified"), on_delete=models.PROTECT,
                                  related_name="notices_received")
    note = models.TextField(_("note to the county notified"), blank=True)
    entity = models.ForeignKey(Entity, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="+")
    entity_name = models.CharField(_("entity name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    sector_name = models.CharField(_("sector"), max_length=100)
    behaviour_names = models.CharField(_("key behaviours"), max_length=500, blank=True)
    amount_involved = models.DecimalField(_("amount involved (10,000 yuan)"), max_digits=14, decimal_places=2)
    unpaid_funds = models.DecimalField(_("unpaid funds (10,000 yuan)"), max_digits=14, decimal_places=2)
    people_involved = models.PositiveIntegerField(_("people involved"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("notified at"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    opened_clue = models.OneToOneField(Clue, verbose_name=_("clue opened from the notice"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="source_notice")

    class Meta:
        verbose_name = _("cross-county notice")
        verbose_name_plural = _("cross-county notices")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["to_county", "-id"], name="review_notice_received")]
        constraints = [
            models.UniqueConstraint(fields=["clue", "to_county"], condition=models.Q(acknowledged_at__isnull=True),
                                    name="review_one_open_notice_per_county"),
            models.CheckConstraint(condition=~models.Q(to_county=models.F("from_county")),
                                   name="review_notice_to_another_county"),
            models.CheckConstraint(
                condition=models.Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | models.Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="review_notice_acknowledged_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_county} → {self.to_county} · {self.entity_name}"


class JointCase(models.Model):
    """多县案件: a case involving several counties, grouping their clues. The city office names the lead county and the
    assisting counties (CaseCounty); each of them follows the case."""

    city = models.ForeignKey(Unit, verbose_name=_("city"), on_delete=models.PROTECT, related_name="joint_cases")
    title = models.CharField(_("case name"), max_length=200)
    description = models.TextField(_("what the counties are asked to do"), blank=True)
    clues = models.ManyToManyField(Clue, verbose_name=_("risk clues"), related_name="joint_cases")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("joint case")
        verbose_name_plural = _("joint cases")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class CaseCounty(models.Model):
    """A county's part in a joint case, from when the city office named it until it changed the assignment: rows are
    ended rather than deleted, so the case keeps who named whom, and when."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead county (牵头县)")
        ASSISTING = "assisting", _("Assisting county (协办县)")

    case = models.ForeignKey(JointCase, on_delete=models.CASCADE, related_name="counties")
    county = models.ForeignKey(Unit, verbose_name=_("county"), on_delete=models.PROTECT, related_name="case_parts")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    named_at = models.DateTimeField(_("named at"), auto_now_add=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("county of a joint case")
        verbose_name_plural = _("counties of joint cases")
        ordering = ["named_at", "pk"]
        indexes = [models.Index(fields=["county", "case"], condition=models.Q(ended_at__isnull=True),
                                name="review_casecounty_current")]
        constraints = [
            models.UniqueConstraint(fields=["case", "county"], condition=models.Q(ended_at__isnull=True),
                                    name="review_case_county_once"),
            models.UniqueConstraint(fields=["case"], condition=models.Q(ended_at__isnull=True, role="lead"),
                                    name="review_case_one_lead"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.county} · {self.get_role_display()}"
