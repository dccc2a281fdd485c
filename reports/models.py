from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from simple_history.models import HistoricalRecords

from orgs.models import Unit
from screening.models import Campaign, Term


class ReportRun(models.Model):
    """One request to build a workbook, followed from the queue to the file (or the reason it failed)."""

    class Kind(models.TextChoices):
        ATTACHMENT1 = "attachment1", _("Attachment 1: screening statistics")
        ATTACHMENT2 = "attachment2", _("Attachment 2: key risk clues")
        ATTACHMENT3 = "attachment3", _("Attachment 3: no illegal fundraising counties")
        ALL = "all", _("All three attachments in one workbook")
        RESULTS = "results", _("Quantified work results")
        LEDGER = "ledger", _("The risk ledger")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("report"), max_length=16, choices=Kind.choices)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="report_runs")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="report_runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="report_runs"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    # A run that writes rows (the ledger) tells how many of how many; the tables are done in two steps.
    rows_written = models.PositiveIntegerField(_("rows written"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="reports/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("reports:run", args=[self.pk])


MONEY = {"max_digits": 14, "decimal_places": 2, "default": 0}


class ReceivedReturn(models.Model):
    """Attachment 1 or 2 of a unit that does not report in the system, received as a spreadsheet in the official layout
    (以报表形式报送). Its figures are the unit's return for the campaign, kept apart from the ledger; a corrected file
    replaces them."""

    class Attachment(models.IntegerChoices):
        ATTACHMENT1 = 1, _("Attachment 1: screening statistics")
        ATTACHMENT2 = 2, _("Attachment 2: key risk clues")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="received_returns")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="received_returns")
    attachment = models.PositiveSmallIntegerField(_("attachment"), choices=Attachment.choices)
    file = models.FileField(_("file"), upload_to="received/")
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("table received")
        verbose_name_plural = _("tables received")
        ordering = ["unit__path", "attachment"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit", "attachment"],
                                               name="reports_one_received_table_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_attachment_display()}"


class ReceivedRow(models.Model):
    """One sector or behaviour row of a received attachment 1, its columns named as the table's."""

    received = models.ForeignKey(ReceivedReturn, on_delete=models.CASCADE, related_name="rows")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    screened = models.DecimalField(**MONEY)
    problem_count = models.DecimalField(**MONEY)
    problems = models.TextField(blank=True)
    people = models.DecimalField(**MONEY)
    amount = models.DecimalField(**MONEY)
    measures = models.TextField(blank=True)
    rectified = models.DecimalField(**MONEY)
    cleaned = models.DecimalField(**MONEY)
    investigated = models.DecimalField(**MONEY)
    unhandled = models.DecimalField(**MONEY)
    unhandled_reasons = models.TextField(blank=True)
    remarks = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["received", "term"], name="reports_one_received_row_per_term")]


class ReceivedKeyClue(models.Model):
    """One row of a received attachment 2: a key clue as the unit wrote it, never a clue of the ledger."""

    received = models.ForeignKey(ReceivedReturn, on_delete=models.CASCADE, related_name="key_clues")
    position = models.PositiveIntegerField()
    entity = models.CharField(max_length=200)
    sector = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=50, blank=True)
    amount = models.DecimalField(**MONEY)
    people = models.DecimalField(**MONEY)
    unpaid = models.DecimalField(**MONEY)
    cross_province = models.CharField(max_length=10, blank=True)
    measures = models.TextField(blank=True)
    refund = models.TextField(blank=True)
    result = models.TextField(blank=True)
    notices = models.TextField(blank=True)
    remarks = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]
