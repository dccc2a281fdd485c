from . import selectors
from .navigation import menu_for


def workspace(request):
    """The active unit, the user's other units (for the switch) and the menu for the active role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    active = selectors.active_membership(request)
    return {
        "memberships": selectors.request_memberships(request),
        "active_membership": active,
        "menu": menu_for(user, active),
    }
