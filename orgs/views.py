from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import permissions, selectors, services
from .models import Membership
from .permissions import Perm


@login_required
def unit_tree(request):
    permissions.require_anywhere(request.user, Perm.VIEW)
    units = list(selectors.units_visible_to(request.user).order_by("path"))
    top = min((unit.depth for unit in units), default=0)
    rows = [(unit, unit.depth - top) for unit in units]
    return render(request, "orgs/unit_tree.html", {"rows": rows})


@login_required
def manage(request):
    permissions.require_anywhere(request.user, Perm.MANAGE)
    units = selectors.units_managed_by(request.user).order_by("path")
    memberships = (
        Membership.objects.filter(unit__in=units).select_related("user", "unit").order_by("unit__path", "role")
    )
    return render(request, "orgs/manage.html", {"units": units, "memberships": memberships})


@login_required
@require_POST
def switch_unit(request):
    """Make another of the user's memberships the active one."""
    try:
        chosen = int(request.POST.get("membership", ""))
    except ValueError:
        raise Http404
    if not any(m.pk == chosen for m in selectors.memberships_of(request.user)):
        raise Http404
    request.session[selectors.ACTIVE_MEMBERSHIP_SESSION_KEY] = chosen
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "home"
    return redirect(next_url)


@login_required
def notifications(request):
    page = Paginator(selectors.notifications_of(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "orgs/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_mark_read(request):
    services.notifications_mark_read(user=request.user)
    return redirect("orgs:notifications")
