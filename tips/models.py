"""A tip from the public, its files, what was done with it, who read its reporter's identity, and the counters that
limit how often one network address may file tips or look their status up."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ledger.models import Clue
from orgs.models import Unit

MONEY = {"max_digits": 14, "decimal_places": 2}


class Tip(models.Model):
    """群众举报. The reporter's name and telephone are read only by the office of the county the reporter chose, each
    reading logged (IdentityView); everyone else working on the tip sees it without them."""

    class Status(models.TextChoices):
        # The four states the reporter may read with the tracking code (and nothing else).
        RECEIVED = "received", _("Received")
        VERIFYING = "verifying", _("Under verification")
        HANDLED = "handled", _("Handled")
        REWARDED = "rewarded", _("Rewarded")

    class Outcome(models.TextChoices):
        OPEN = "", _("Not handled yet")
        CLUE = "clue", _("Turned into a clue")
        CLOSED = "closed", _("Closed without a clue")

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    # Only a hash of the secret is kept (django.contrib.auth.hashers): the reporter holds the secret itself.
    secret_hash = models.CharField(max_length=128)
    county = models.ForeignKey(Unit, verbose_name=_("county / district"), on_delete=models.PROTECT,
                               related_name="tips")
    what = models.TextField(_("what happened"))
    place = models.CharField(_("where"), max_length=200)
    entity_name = models.CharField(_("entity name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    amount = models.DecimalField(_("amount involved (10,000 yuan)"), **MONEY, null=True, blank=True,
                                 validators=[MinValueValidator(Decimal("0"))])
    people = models.PositiveIntegerField(_("people involved"), null=True, blank=True)
    reporter_name = models.CharField(_("your name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("your telephone"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True, default="")
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    assigned_unit = models.ForeignKey(Unit, verbose_name=_("unit verifying"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="assigned_tips")
    finding = models.TextField(_("verification finding"), blank=True)
    clue = models.OneToOneField(Clue, verbose_name=_("clue"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="tip")
    closed_reason = models.CharField(_("reason for closing"), max_length=500, blank=True)
    reward_amount = models.DecimalField(_("reward (yuan)"), **MONEY, null=True, blank=True,
                                        validators=[MinValueValidator(Decimal("0"))])
    reward_on = models.DateField(_("reward decided on"), null=True, blank=True)
    reward_paid = models.BooleanField(_("reward paid"), default=False)

    class Meta:
        verbose_name = _("public tip")
        verbose_name_plural = _("public tips")
        ordering = ["-pk"]
        indexes = [
            # The office's list: its county's tips of a status, newest first, read by key.
            models.Index(fields=["county", "status", "-id"], name="tips_tip_county_status"),
            models.Index(fields=["county", "-id"], name="tips_tip_county"),
            models.Index(fields=["assigned_unit", "-id"], name="tips_tip_assigned"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(reward_amount__gte=0) | models.Q(reward_amount__isnull=True),
                                   name="tips_reward_not_negative"),
            models.CheckConstraint(condition=~models.Q(outcome="clue") | models.Q(clue__isnull=False),
                                   name="tips_clue_outcome_has_clue"),
        ]

    def __str__(self) -> str:
        return _("Tip %(number)s") % {"number": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("tips:detail", args=[self.pk])


class TipFile(models.Model):
    """A file the reporter sent with the tip, kept under the evidence rules (orgs.uploads)."""

    tip = models.ForeignKey(Tip, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("file"), upload_to="tips/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)

    class Meta:
        verbose_name = _("tip file")
        verbose_name_plural = _("tip files")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class TipEvent(models.Model):
    """What was done to a tip: who, when, what, with the note or reason."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        VERIFIED = "verified", _("Verification noted")
        ASSIGNED = "assigned", _("Assigned to a unit for verification")
        FINDING = "finding", _("Verification finding recorded")
        CONVERTED = "converted", _("Turned into a clue")
        CLOSED = "closed", _("Closed")
        REWARD = "reward", _("Reward decision recorded")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("action"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    text = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("tip event")
        verbose_name_plural = _("tip events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.tip_id}"


class IdentityView(models.Model):
    """One reading of a tip's reporter identity and contact by a member of the handling office."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="identity_views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("reading of a reporter's identity")
        verbose_name_plural = _("readings of reporters' identities")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.viewer} · {self.tip_id}"


class PublicCounter(models.Model):
    """How many tips (or status look-ups) one network address made on one day. The address is kept only as a keyed
    hash; the count is in the database so that every worker process counts the same."""

    class Kind(models.TextChoices):
        FILE = "file", _("tips filed")
        LOOKUP = "lookup", _("status look-ups")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    address_key = models.CharField(max_length=64)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "address_key", "day"], name="tips_one_counter_per_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.day} {self.count}"
