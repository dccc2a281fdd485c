from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from . import selectors, services
from .admin_deletion import CountsOnlyDeletionMixin
from .models import CoordinationGroup, LeadingGroup, LeadingGroupPost, Membership, Unit, User
from .resources import UnitResource, UserResource


@admin.register(Unit)
class UnitAdmin(CountsOnlyDeletionMixin, ImportExportModelAdmin):
    resource_classes = [UnitResource]
    list_display = ("indented_name", "code", "level", "kind", "is_active")
    list_filter = ("level", "kind", "is_active")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    ordering = ("path",)
    list_per_page = 200

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, unit: Unit):
        # Indented by text, as in the unit pickers: the Content-Security-Policy refuses inline styles.
        return "\u3000" * unit.depth + unit.name

    def get_queryset(self, request):
        return selectors.units_managed_by(request.user).select_related("parent")

    def save_model(self, request, obj, form, change):
        services.unit_save(actor=request.user, unit=obj)

    def has_delete_permission(self, request, obj=None):
        # Units carry history; they are retired (inactive), never deleted from the screens.
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("unit", "role")
    readonly_fields = ("unit", "role")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(CountsOnlyDeletionMixin, ImportExportModelAdmin, auth_admin.UserAdmin):
    resource_classes = [UserResource]
    list_display = ("username", "full_name", "phone", "is_active", "is_staff")
    search_fields = ("username", "full_name", "phone")
    fieldsets = auth_admin.UserAdmin.fieldsets + ((_("Contact"), {"fields": ("full_name", "phone")}),)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(CountsOnlyDeletionMixin, admin.ModelAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role", "unit__level", "unit__kind")
    search_fields = ("user__username", "user__full_name", "unit__name", "unit__code")
    autocomplete_fields = ("user", "unit")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(unit__in=selectors.units_managed_by(request.user))

    def save_model(self, request, obj, form, change):
        if change and "unit" in form.changed_data:
            services.membership_remove(actor=request.user, membership=Membership.objects.get(pk=obj.pk))
            obj.pk = None
        services.membership_set(actor=request.user, user=obj.user, unit=obj.unit, role=obj.role)

    def delete_model(self, request, obj):
        services.membership_remove(actor=request.user, membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "unit"):
            services.membership_remove(actor=request.user, membership=membership)


class LeadingGroupPostInline(admin.TabularInline):
    model = LeadingGroupPost
    extra = 0


class CoordinationGroupInline(admin.TabularInline):
    model = CoordinationGroup
    extra = 0
    autocomplete_fields = ("lead_units",)


@admin.register(LeadingGroup)
class LeadingGroupAdmin(CountsOnlyDeletionMixin, admin.ModelAdmin):
    list_display = ("__str__", "office", "office_director")
    autocomplete_fields = ("government", "office", "members")
    inlines = [LeadingGroupPostInline, CoordinationGroupInline]


# The admins that Django and axes register, again with delete confirmations that count instead of naming.
for model in (Group, AccessLog, AccessFailureLog, AccessAttempt):
    admin.site.unregister(model)


@admin.register(Group)
class GroupAdmin(CountsOnlyDeletionMixin, auth_admin.GroupAdmin):
    pass


@admin.register(AccessLog)
class AccessLogAdmin(CountsOnlyDeletionMixin, axes_admin.AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(CountsOnlyDeletionMixin, axes_admin.AccessFailureLogAdmin):
    pass


@admin.register(AccessAttempt)
class AccessAttemptAdmin(CountsOnlyDeletionMixin, axes_admin.AccessAttemptAdmin):
    """Failed logins per account and address; a pair with ten failures is locked until unlocked here or cooled off."""

    actions = ["unlock", *axes_admin.AccessAttemptAdmin.actions]

    @admin.action(description=_("Unlock the selected logins"), permissions=["delete"])
    def unlock(self, request, queryset):
        # Axes locks a pair while its failed attempt is kept: forgetting the attempt is unlocking it.
        count = queryset.count()
        queryset.delete()
        self.message_user(request, _("%(count)d logins unlocked.") % {"count": count})
