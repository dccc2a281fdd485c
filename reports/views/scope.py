from django.http import Http404

from orgs import selectors as org_selectors
from orgs.models import Unit

from .. import selectors


def chosen_unit(request, campaign) -> Unit:
    """The unit asked for, else the user's active unit (or the nearest one whose tables they may see)."""
    units = selectors.units_for_tables(request.user, campaign)
    if "unit" in request.GET or "unit" in request.POST:
        try:
            chosen = int(request.GET.get("unit") or request.POST.get("unit"))
        except ValueError:
            raise Http404
        return selectors.unit_for_tables_or_404(request.user, campaign, chosen)
    active = org_selectors.active_membership(request)
    if active is not None:
        preferred = units.filter(pk=active.unit.jurisdiction.pk).first()
        if preferred:
            return preferred
    first = units.first()
    if first is None:
        raise Http404
    return first
