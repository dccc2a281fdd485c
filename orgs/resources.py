"""Excel import and export of units and users (staff lists arrive as spreadsheets). Rows are saved through services."""

from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from . import services
from .models import Membership, Unit

User = get_user_model()

LIST_SEPARATORS = ("、", ",", "，")


class ChoiceWidget(widgets.Widget):
    """Reads a choice by its stored value or by its label in Chinese or English; writes the Chinese label."""

    def __init__(self, choices_class, **kwargs):
        self.choices_class = choices_class
        super().__init__(**kwargs)

    def _lookup(self) -> dict[str, str]:
        table = {}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                table.update({str(label): value for value, label in self.choices_class.choices})
        table.update({value: value for value in self.choices_class.values})
        return table

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return self._lookup()[text]
        except KeyError:
            allowed = "、".join(str(label) for label in self.choices_class.labels)
            raise ValueError(_("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": allowed})

    def render(self, value, obj=None, **kwargs):
        with translation.override("zh-hans"):
            return str(self.choices_class(value).label) if value else ""


def split_list(text) -> list[str]:
    items = [str(text or "")]
    for separator in LIST_SEPARATORS:
        items = [part for item in items for part in item.split(separator)]
    return [item.strip() for item in items if item.strip()]


class AllOrNothingResource(resources.ModelResource):
    """An import saves every row or none: one bad row, even one that only fails validation, rolls the whole file back."""

    def import_data(self, dataset, **kwargs):
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)


class UnitResource(AllOrNothingResource):
    code = fields.Field(attribute="code", column_name="单位代码")
    name = fields.Field(attribute="name", column_name="单位名称")
    level = fields.Field(attribute="level", column_name="层级", widget=ChoiceWidget(Unit.Level))
    kind = fields.Field(attribute="kind", column_name="类别", widget=ChoiceWidget(Unit.Kind))
    parent = fields.Field(
        attribute="parent", column_name="上级单位代码", widget=widgets.ForeignKeyWidget(Unit, field="code")
    )

    class Meta:
        model = Unit
        fields = ("code", "name", "level", "kind", "parent")
        import_id_fields = ("code",)
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return super().get_queryset().select_related("parent").order_by("path")

    def save_instance(self, instance, is_create, row, **kwargs):
        services.unit_save(actor=kwargs.get("user"), unit=instance)


class UserResource(AllOrNothingResource):
    """One row per user; several units are listed in one cell with their roles in the same order (A、B / 填报员、填报员)."""

    username = fields.Field(attribute="username", column_name="用户名")
    full_name = fields.Field(attribute="full_name", column_name="姓名")
    phone = fields.Field(attribute="phone", column_name="电话")
    email = fields.Field(attribute="email", column_name="邮箱")
    units = fields.Field(column_name="单位代码", readonly=False)
    roles = fields.Field(column_name="角色", readonly=False)
    password = fields.Field(column_name="初始密码", readonly=False)

    class Meta:
        model = User
        fields = ("username", "full_name", "phone", "email", "units", "roles", "password")
        import_id_fields = ("username",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("memberships__unit").order_by("username")

    def dehydrate_units(self, user) -> str:
        return "、".join(m.unit.code for m in user.memberships.all())

    def dehydrate_roles(self, user) -> str:
        return "、".join(ChoiceWidget(Membership.Role).render(m.role) for m in user.memberships.all())

    def dehydrate_password(self, user) -> str:
        return ""

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute:
            super().import_field(field, instance, row, is_m2m, **kwargs)

    def before_import_row(self, row, **kwargs):
        row["_memberships"] = self._memberships_in(row)

    def _memberships_in(self, row) -> list[tuple[Unit, str]]:
        codes = split_list(row.get("单位代码"))
        roles = [ChoiceWidget(Membership.Role).clean(role) for role in split_list(row.get("角色"))]
        if len(roles) == 1 and len(codes) > 1:
            roles *= len(codes)
        if len(roles) != len(codes):
            raise ValueError(_("Give one role for each unit code, or one role for all of them."))
        units = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in units]
        if unknown:
            raise ValueError(_("Unknown unit code: %(codes)s.") % {"codes": "、".join(unknown)})
        return [(units[code], role) for code, role in zip(codes, roles)]

    def save_instance(self, instance, is_create, row, **kwargs):
        actor = kwargs.get("user")
        services.user_save(actor=actor, user=instance, password=str(row.get("初始密码") or "").strip() or None)
        for unit, role in row["_memberships"]:
            services.membership_set(actor=actor, user=instance, unit=unit, role=role)
