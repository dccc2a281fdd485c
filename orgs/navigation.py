"""The main menu. Each entry names the permission that makes it useful; the menu shows what the active role holds."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Membership
from .permissions import ROLE_PERMISSIONS, Perm


@dataclass(frozen=True)
class NavItem:
    label: Promise
    url_name: str
    perm: Perm | None = None


MENU = (
    NavItem(_("Home"), "home"),
    NavItem(_("Campaigns"), "screening:campaign_list"),
    NavItem(_("Risk ledger"), "ledger:home", Perm.VIEW),
    NavItem(_("Review"), "review:home", Perm.REVIEW),
    NavItem(_("Public tips"), "tips:list", Perm.REVIEW),
    # The offices and the leaders follow the notices and joint cases between counties (review.selectors.counties).
    NavItem(_("Across counties"), "review:notices", Perm.EXPORT),
    NavItem(_("Reports"), "reports:index", Perm.VIEW),
    NavItem(_("Units"), "orgs:unit_tree", Perm.VIEW),
    NavItem(_("Units and users"), "orgs:manage", Perm.MANAGE),
)


def menu_for(user, membership: Membership | None) -> list[NavItem]:
    held = set(ROLE_PERMISSIONS[membership.role]) if membership else set()
    if user.is_superuser:
        held.add(Perm.MANAGE)
    return [item for item in MENU if item.perm is None or item.perm in held]
