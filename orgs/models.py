from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

PATH_SEPARATOR = "/"


class User(AbstractUser):
    """A person who logs in. The name and telephone fill the 填报人 / 电话 lines of the official tables."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class Unit(models.Model):
    """A node of the organisation tree: a government, one of its departments, its office, or an institution.

    ``path`` is a materialised path of primary keys ("/1/4/17/"), so "everything beneath" is one indexed
    ``LIKE 'prefix%'`` whatever the depth.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County / district")
        TOWNSHIP = "township", _("Township / street")
        VILLAGE = "village", _("Village / community")

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        DEPARTMENT = "department", _("Department")
        OFFICE = "office", _("Leading-group office")
        INSTITUTION = "institution", _("Financial institution")

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("Administrative division code for governments, a stable code for other units."),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.GOVERNMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, default="")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="orgs_unit_path_like", opclasses=["varchar_pattern_ops"])]
        permissions = [
            ("view_unit_data", _("See the data of the unit and the units beneath")),
            ("enter_unit_data", _("Enter data for the unit and the units beneath")),
            ("review_unit_data", _("Review the data of the unit and the units beneath")),
            ("export_unit_data", _("Export the tables of the unit and the units beneath")),
            ("manage_unit", _("Configure the unit, the units beneath and their users")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count(PATH_SEPARATOR) - 1

    @property
    def lineage_ids(self) -> list[int]:
        """The ids of the unit's ancestors, top first, then its own, read from its path: no query."""
        return [int(part) for part in self.path.split(PATH_SEPARATOR) if part]

    @property
    def jurisdiction(self) -> "Unit":
        """The government a role acts for: an office acts for the government it serves, any other unit for itself."""
        if self.kind == self.Kind.OFFICE and self.parent_id:
            return self.parent
        return self

    def clean(self) -> None:
        if self.parent_id and self.pk:
            if self.parent_id == self.pk or self.parent.path.startswith(self.path):
                raise ValidationError({"parent": _("A unit cannot be placed beneath itself.")})

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            if self.pk is None:
                super().save(*args, **kwargs)
                self.path = self._computed_path()
                type(self).objects.filter(pk=self.pk).update(path=self.path)
                return
            old_path = type(self).objects.filter(pk=self.pk).values_list("path", flat=True).first()
            self.path = self._computed_path()
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                self._move_descendants(old_path)

    def _computed_path(self) -> str:
        prefix = self.parent.path if self.parent_id else PATH_SEPARATOR
        return f"{prefix}{self.pk}{PATH_SEPARATOR}"

    def _move_descendants(self, old_path: str) -> None:
        # One UPDATE rewrites the prefix of every descendant, however deep.
        type(self).objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
            path=Concat(Value(self.path), Substr("path", Length(Value(old_path)) + 1))
        )


class UnitUserPermission(UserObjectPermissionBase):
    """Guardian's direct foreign-key table for permissions granted to a user on a unit."""

    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("unit permission")
        verbose_name_plural = _("unit permissions")


class Membership(models.Model):
    """A user's place in a unit. The role decides which object permissions the user holds (orgs.permissions)."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Data entry staff")
        OFFICE = "office", _("Leading-group office")
        LEADER = "leader", _("Leading-group leader or member")
        ADMIN = "admin", _("System administrator")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["unit__path", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="orgs_membership_one_role_per_unit")]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class LeadingGroup(models.Model):
    """防范和处置非法集资工作领导小组 of one government."""

    government = models.OneToOneField(
        Unit,
        verbose_name=_("government"),
        on_delete=models.CASCADE,
        related_name="leading_group",
        limit_choices_to={"kind": Unit.Kind.GOVERNMENT},
    )
    name = models.CharField(_("name"), max_length=100, default="防范和处置非法集资工作领导小组")
    office = models.OneToOneField(
        Unit,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="office_of",
        limit_choices_to={"kind": Unit.Kind.OFFICE},
    )
    office_location = models.CharField(_("office located at"), max_length=100, blank=True)
    office_director = models.CharField(_("office director"), max_length=50, blank=True)
    members = models.ManyToManyField(Unit, verbose_name=_("member units"), blank=True, related_name="member_of_groups")

    class Meta:
        verbose_name = _("leading group")
        verbose_name_plural = _("leading groups")

    def __str__(self) -> str:
        return f"{self.government.name}{self.name}"


class LeadingGroupPost(models.Model):
    """A named leader of the group: 组长, 常务副组长 or 副组长."""

    class Post(models.TextChoices):
        LEADER = "leader", _("Leader")
        EXECUTIVE_DEPUTY = "executive_deputy", _("Executive deputy leader")
        DEPUTY = "deputy", _("Deputy leader")

    group = models.ForeignKey(LeadingGroup, on_delete=models.CASCADE, related_name="posts")
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    person_name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("leading-group post")
        verbose_name_plural = _("leading-group posts")
        ordering = ["group", "order"]

    def __str__(self) -> str:
        return f"{self.get_post_display()} {self.person_name}"


class CoordinationGroup(models.Model):
    """专项协调小组 (宣传教育, 监测预警, 案件侦办, 执行处置, 信访维稳) with its lead departments."""

    group = models.ForeignKey(LeadingGroup, on_delete=models.CASCADE, related_name="coordination_groups")
    name = models.CharField(_("name"), max_length=50)
    lead_units = models.ManyToManyField(Unit, verbose_name=_("lead departments"), related_name="leads_coordination")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("coordination group")
        verbose_name_plural = _("coordination groups")
        ordering = ["group", "order"]
        constraints = [models.UniqueConstraint(fields=["group", "name"], name="orgs_coordination_group_unique_name")]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """A message for one user, shown under the bell in the header; ``read_at`` stays empty until the user reads it."""

    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    # A path inside the site, such as a campaign's page, which a URLField would refuse.
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="orgs_notification_unread")]

    def __str__(self) -> str:
        return self.title
