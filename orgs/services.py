"""Writes to the organisation: units, users, memberships, the object permissions memberships imply, notifications.

``actor`` is the user doing the work; ``None`` means the system itself (a management command run by the operator).
"""

import operator
from collections.abc import Iterable
from functools import reduce

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from guardian.shortcuts import assign_perm

from . import permissions
from .models import Membership, Notification, Unit, UnitUserPermission
from .permissions import Perm

User = get_user_model()


def _require_manage(actor, unit: Unit | None) -> None:
    if actor is None:
        return
    if unit is None:
        permissions.require_anywhere(actor, Perm.MANAGE)
    else:
        permissions.require(actor, Perm.MANAGE, unit)


@transaction.atomic
def unit_save(*, actor, unit: Unit) -> Unit:
    """Create or change a unit. The actor must manage the unit's new parent (or, for a root, be a superuser)."""
    if unit.parent_id:
        _require_manage(actor, unit.parent)
    elif actor is not None and not actor.is_superuser:
        permissions.require(actor, Perm.MANAGE, unit)
    if unit.pk:
        _require_manage(actor, Unit.objects.get(pk=unit.pk))
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def sync_user_grants(user) -> None:
    """Make the user's object permissions, and their access to the admin site, exactly what their memberships imply."""
    UnitUserPermission.objects.filter(user=user).delete()
    memberships = list(Membership.objects.filter(user=user).select_related("unit__parent"))
    for perm, units in permissions.grants_for(memberships).items():
        assign_perm(perm.value, user, list(units))
    _sync_admin_site_access(user, any(m.role == Membership.Role.ADMIN for m in memberships))


def _sync_admin_site_access(user, is_admin: bool) -> None:
    pairs = [name.split(".") for name in permissions.ADMIN_SITE_PERMISSIONS]
    site_permissions = Permission.objects.filter(
        reduce(operator.or_, (Q(content_type__app_label=app, codename=codename) for app, codename in pairs))
    )
    if is_admin:
        user.user_permissions.add(*site_permissions)
    else:
        user.user_permissions.remove(*site_permissions)
    staff = is_admin or user.is_superuser
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def membership_set(*, actor, user, unit: Unit, role: str) -> Membership:
    """Give ``user`` ``role`` in ``unit`` (replacing any other role they had there)."""
    _require_manage(actor, unit)
    membership, _created = Membership.objects.update_or_create(user=user, unit=unit, defaults={"role": role})
    sync_user_grants(user)
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    _require_manage(actor, membership.unit)
    user = membership.user
    membership.delete()
    sync_user_grants(user)


@transaction.atomic
def user_save(*, actor, user, password: str | None = None):
    """Create or change a user account; a given password is set (hashed), an absent one left as it is.

    An existing account may be changed only by someone who manages every unit it belongs to.
    """
    _require_manage(actor, None)
    if user.pk is not None:
        for membership in Membership.objects.filter(user=user).select_related("unit"):
            _require_manage(actor, membership.unit)
    if password:
        user.set_password(password)
    elif user.pk is None:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def notify(*, users: Iterable, title: str, body: str, link: str = "") -> list[Notification]:
    """Tell each user something: one notification under their bell and, when they have an address, one e-mail."""
    recipients = list({user.pk: user for user in users}.values())
    notifications = Notification.objects.bulk_create(
        Notification(recipient=user, title=title, body=body, link=link) for user in recipients
    )
    text = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{link}" if link and settings.SITE_URL else body
    messages = [mail.EmailMessage(title, text, to=[user.email]) for user in recipients if user.email]
    if messages:
        # Mail only what the database kept; a mail server that is down must not take the notifications with it.
        transaction.on_commit(lambda: mail.get_connection().send_messages(messages), robust=True)
    return notifications


def notifications_mark_read(*, user) -> int:
    """Mark every unread notification of ``user`` read; nobody marks another user's."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
