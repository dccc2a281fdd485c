"""Reads of the organisation that depend on who is asking."""

from django.db.models import QuerySet
from django.http import HttpRequest

from . import permissions
from .models import Membership, Notification, Unit
from .permissions import Perm

ACTIVE_MEMBERSHIP_SESSION_KEY = "active_membership_id"


def units_visible_to(user) -> QuerySet[Unit]:
    return permissions.units(user, Perm.VIEW)


def units_managed_by(user) -> QuerySet[Unit]:
    return permissions.units(user, Perm.MANAGE)


def memberships_of(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    # The unit's parent too: an office acts for the government above it (``Unit.jurisdiction``).
    return list(Membership.objects.filter(user=user).select_related("unit__parent"))


def request_memberships(request: HttpRequest) -> list[Membership]:
    """The requesting user's memberships, read once per request."""
    if not hasattr(request, "_memberships"):
        request._memberships = memberships_of(request.user)
    return request._memberships


def active_membership(request: HttpRequest) -> Membership | None:
    """The membership the user currently works in: the one chosen with the unit switch, else the first."""
    memberships = request_memberships(request)
    chosen = request.session.get(ACTIVE_MEMBERSHIP_SESSION_KEY)
    for membership in memberships:
        if membership.pk == chosen:
            return membership
    return memberships[0] if memberships else None


def notifications_of(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user)


def unread_notification_count(user) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()
