from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from orgs.models import Unit
from screening.models import Campaign


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
