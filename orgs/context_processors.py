from . import selectors
from .navigation import menu_for


def workspace(request):
    """The active unit, the user's other units (for the switch), the menu for the active role and the unread count
    the bell shows."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    active = selectors.active_membership(request)
    return {
        "memberships": selectors.request_memberships(request),
        "active_membership": active,
        "menu": menu_for(user, active),
        "unread_notifications": selectors.unread_notification_count(user),
    }
