from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Unit


class Campaign(models.Model):
    """排查活动: a special (专项) or normalised (常态化) screening campaign issued by a leading-group office."""

    class Kind(models.TextChoices):
        SPECIAL = "special", _("Special screening")
        NORMALISED = "normalised", _("Normalised screening")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("campaign title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="issued_campaigns"
    )
    scope_unit = models.ForeignKey(
        Unit,
        verbose_name=_("scope"),
        on_delete=models.PROTECT,
        related_name="scoped_campaigns",
        help_text=_("The campaign covers this unit and every unit beneath it."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SPECIAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    reminder_days = models.PositiveSmallIntegerField(
        _("remind days before a deadline"), default=3, help_text=_("0 sends no early reminder.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("screening:campaign_detail", args=[self.slug])


class Phase(models.Model):
    """阶段. Phases may overlap. Entry for a screening phase stays open until 23:59:59 (Asia/Shanghai) of its deadline."""

    class Kind(models.TextChoices):
        MOBILISATION = "mobilisation", _("Mobilisation")
        SCREENING = "screening", _("Screening")
        SUPERVISION = "supervision", _("Supervision")
        SUMMARY = "summary", _("Summary report")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("As the notice words it."))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    deadline = models.DateField(_("deadline"), help_text=_("What is due in this phase is due by the end of this day."))

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["campaign", "start", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="screening_phase_end_after_start"),
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("start")), name="screening_phase_deadline_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()

    def clean(self) -> None:
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The end cannot be before the start.")
        if self.start and self.deadline and self.deadline < self.start:
            errors["deadline"] = _("The deadline cannot be before the start.")
        if errors:
            raise ValidationError(errors)


class LockException(models.Model):
    """The office reopens entry for one unit (and the units beneath it) until a new date, after the deadline."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="lock_exceptions")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="lock_exceptions")
    until = models.DateField(_("open until"))
    reason = models.CharField(_("reason"), max_length=200)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lock exception")
        verbose_name_plural = _("lock exceptions")
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.unit} → {self.until}"


class ExpectedUnit(models.Model):
    """A unit that must report in a campaign, whether or not anybody holds an account for it: the approval grid, the
    overdue lists and the deadline reminders go by this list (screening.selectors.reporting_units)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="expected_units")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="expected_in")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit expected to report")
        verbose_name_plural = _("units expected to report")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="screening_unit_expected_once")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit}"


class UnitSubmission(models.Model):
    """A unit's declaration that its data for a campaign is complete, and the office's decision on it."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="submissions")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="submissions")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    is_zero_report = models.BooleanField(_("zero report"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit submission")
        verbose_name_plural = _("unit submissions")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="screening_one_submission_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_status_display()}"


class Term(models.Model):
    """A node of one of a campaign's vocabularies. Sectors and behaviours are trees whose leaves take data; the other
    vocabularies are flat lists. A term that has data is retired, never deleted."""

    class Vocabulary(models.TextChoices):
        SECTOR = "sector", _("Key sectors")
        BEHAVIOUR = "behaviour", _("Key behaviours")
        PROBLEM = "problem", _("Problem types")
        MEASURE = "measure", _("Measures")
        METHOD = "method", _("Screening methods (clue sources)")
        AREA = "area", _("Key areas")
        MODE = "mode", _("Fundraising modes")

    TREES = (Vocabulary.SECTOR, Vocabulary.BEHAVIOUR)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="terms")
    vocabulary = models.CharField(_("vocabulary"), max_length=16, choices=Vocabulary.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["campaign", "vocabulary", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "vocabulary", "name"],
                condition=models.Q(parent__isnull=True),
                name="screening_term_unique_top_name",
            ),
            models.UniqueConstraint(fields=["parent", "name"], name="screening_term_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id:
            if self.vocabulary not in self.TREES:
                raise ValidationError({"parent": _("Only sectors and behaviours are trees.")})
            if self.parent.campaign_id != self.campaign_id or self.parent.vocabulary != self.vocabulary:
                raise ValidationError({"parent": _("The parent must belong to the same vocabulary.")})
            if self.parent.parent_id:
                raise ValidationError({"parent": _("Trees have two levels: a group and its items.")})


class Responsibility(models.Model):
    """Which department screens which sector in a campaign (seed 000). Townships screen everything in their territory."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responsibilities")
    sector = models.ForeignKey(
        Term, verbose_name=_("sector"), on_delete=models.CASCADE, related_name="responsibilities",
        limit_choices_to={"vocabulary": Term.Vocabulary.SECTOR},
    )
    unit = models.ForeignKey(Unit, verbose_name=_("responsible unit"), on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("duty"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["campaign", "sector__order", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["sector", "unit"], name="screening_responsibility_unique")]

    def __str__(self) -> str:
        return f"{self.sector} → {self.unit}"


class ReminderLog(models.Model):
    """A deadline reminder or overdue notice that went to a unit, so that running the daily job again sends it once."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder before the deadline")
        OVERDUE = "overdue", _("Overdue notice")

    phase = models.ForeignKey(Phase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="reminder_logs")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    day = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        # The day belongs to the key: a deadline that is moved earns its reminder again on the new date.
        constraints = [
            models.UniqueConstraint(fields=["phase", "unit", "kind", "day"], name="screening_reminder_sent_once")
        ]

    def __str__(self) -> str:
        return f"{self.phase} · {self.unit} · {self.get_kind_display()} · {self.day}"
