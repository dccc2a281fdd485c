from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from orgs.models import Unit
from screening.models import Campaign, Phase


class BriefingQuota(models.Model):
    """How many information reports a kind of unit owes in a campaign (seed 001: each county government 2, each
    department 1). A unit of a kind without a quota owes none."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="briefing_quotas")
    unit_level = models.CharField(_("unit level"), max_length=16, choices=Unit.Level.choices)
    unit_kind = models.CharField(_("unit kind"), max_length=16, choices=Unit.Kind.choices)
    minimum = models.PositiveSmallIntegerField(_("at least"))

    class Meta:
        verbose_name = _("information report quota")
        verbose_name_plural = _("information report quotas")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit_level", "unit_kind"], name="one_quota_per_kind_of_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.get_unit_level_display()} {self.get_unit_kind_display()}: {self.minimum}"


class Briefing(models.Model):
    """信息报送: what a unit reports on its work during the campaign. Filed once; nothing is deleted."""

    class Kind(models.TextChoices):
        HIGHLIGHTS = "highlights", _("Highlights and results")
        RISKS = "risks", _("Serious risks and the measures taken")
        CASE = "case", _("Typical case")
        DIFFICULTIES = "difficulties", _("Problems and difficulties")
        SUGGESTIONS = "suggestions", _("Opinions and suggestions")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="briefings")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="briefings")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(pgettext_lazy("of a document", "title"), max_length=200)
    text = models.TextField(_("text"))
    day = models.DateField(_("date"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("information report")
        verbose_name_plural = _("information reports")
        ordering = ["-day", "-pk"]
        indexes = [models.Index(fields=["campaign", "unit"], name="briefing_campaign_unit")]

    def __str__(self) -> str:
        return self.title


class Filing(models.Model):
    """A unit's summary report or implementation plan for a campaign: text, files or both, due by the deadline of
    the phase that asks for it. One of each per unit, corrected in place; the history keeps every version."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("Implementation plan")
        SUMMARY = "summary", _("Summary report")

    PHASE_OF_KIND = {Kind.PLAN: Phase.Kind.MOBILISATION, Kind.SUMMARY: Phase.Kind.SUMMARY}

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="filings")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="filings")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("text"), blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report on the work")
        verbose_name_plural = _("reports on the work")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit", "kind"], name="one_filing_of_a_kind_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()}"


class _File(models.Model):
    name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class BriefingFile(_File):
    briefing = models.ForeignKey(Briefing, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("file"), upload_to="briefings/%Y/%m/")


class FilingFile(_File):
    """The report as a document, or its evidence (pictures, tables)."""

    filing = models.ForeignKey(Filing, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("file"), upload_to="filings/%Y/%m/")


class Chase(models.Model):
    """催报: the office reminding a unit of what it has not yet handed in, as sent."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="chases")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    missing = models.TextField(_("what was missing"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder from the office")
        verbose_name_plural = _("reminders from the office")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["campaign", "unit"], name="chase_campaign_unit")]


class Bulletin(models.Model):
    """工作简报: a numbered issue the office compiles from the units' information reports. Numbered per issuing
    government and year (第 N 期), as the offices number their bulletins."""

    issuer = models.ForeignKey(Unit, verbose_name=_("issued for"), on_delete=models.PROTECT, related_name="bulletins")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="bulletins")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("issue number"))
    title = models.CharField(pgettext_lazy("of a document", "title"), max_length=100)
    day = models.DateField(_("date"))
    send_to = models.CharField(_("sent to"), max_length=500, blank=True)
    copy_to = models.CharField(_("copied to"), max_length=500, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "number"], name="one_bulletin_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.year}年第{self.number}期"


class BulletinItem(models.Model):
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="items")
    briefing = models.ForeignKey(Briefing, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "briefing"], name="a_briefing_once_per_bulletin"),
        ]


class InspectingUnit(models.Model):
    """A unit the campaign names to inspect beside the offices (seed 000: 督导检查 by 区综治办). It inspects the units
    of the government it belongs to, as the office of that government does."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="inspecting_units")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("inspecting unit")
        verbose_name_plural = _("inspecting units")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="one_naming_per_inspecting_unit")]

    def __str__(self) -> str:
        return self.unit.name


class Inspection(models.Model):
    """督导检查: a visit of the office (or of the unit the campaign names) to a unit, with what it found."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="inspections")
    unit = models.ForeignKey(Unit, verbose_name=_("unit inspected"), on_delete=models.PROTECT,
                             related_name="inspections")
    day = models.DateField(_("date of the visit"))
    inspectors = models.CharField(_("inspectors"), max_length=300)
    findings = models.TextField(_("findings"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # The named unit that made the visit; empty when the office above the unit did.
    inspecting_unit = models.ForeignKey(Unit, verbose_name=_("inspected by"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="inspections_made")

    class Meta:
        verbose_name = _("inspection visit")
        verbose_name_plural = _("inspection visits")
        ordering = ["-day", "-pk"]
        indexes = [models.Index(fields=["campaign", "unit"], name="inspection_campaign_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.day:%Y-%m-%d}"


class InspectionActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def overdue(self, on):
        """Not closed, and its deadline (the whole day) over by ``on``."""
        return self.open().filter(deadline__lt=on)


class InspectionAction(models.Model):
    """What an inspection requires of the unit, by a deadline: the unit answers it, the office closes it."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(_("action required"), max_length=500)
    deadline = models.DateField(_("deadline"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The last day an overdue notice went out, so that the daily job tells it once a day.
    overdue_told_on = models.DateField(null=True, blank=True)

    objects = InspectionActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("required action")
        verbose_name_plural = _("required actions")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def state(self) -> str:
        if self.closed_at:
            return "closed"
        return "answered" if self.answered_at else "open"


class WorkResults(models.Model):
    """量化统计: what a unit's work in a campaign amounted to, in the figures the summary reports must quantify (seed
    000 四(三)). One row per unit and campaign, corrected in place; the history keeps every version."""

    # (field, group) in the order of the form and of the office's table
    FIGURES = (
        ("publicity_events", "publicity"), ("people_reached", "publicity"), ("materials_handed_out", "publicity"),
        ("media_items", "publicity"), ("ads_removed", "advertising"), ("online_items_removed", "advertising"),
        ("letters_signed", "long_term"), ("signs_put_up", "long_term"), ("supervisors_named", "long_term"),
        ("rules_made", "rules"),
    )

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="work_results")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="work_results")
    publicity_events = models.PositiveIntegerField(_("publicity events held"), default=0)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    materials_handed_out = models.PositiveIntegerField(_("materials handed out"), default=0)
    media_items = models.PositiveIntegerField(_("items in the media"), default=0)
    ads_removed = models.PositiveIntegerField(_("advertisements and leaflets removed"), default=0)
    online_items_removed = models.PositiveIntegerField(_("online items taken down"), default=0)
    letters_signed = models.PositiveIntegerField(
        _("responsibility letters and guarantees signed"), default=0,
        help_text=_("With communities, markets and office buildings."))
    signs_put_up = models.PositiveIntegerField(_("slogans and warning signs put up"), default=0)
    supervisors_named = models.PositiveIntegerField(_("social supervisors and grid inspectors named"), default=0)
    rules_made = models.PositiveIntegerField(_("rules and regulations made"), default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quantified work results")
        verbose_name_plural = _("quantified work results")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="one_set_of_work_results_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.campaign}"
