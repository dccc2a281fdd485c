"""The home page of each role: staff see their unit's work in each open campaign, the office and leaders a unit's
campaign in figures (reports.dashboard), the admin the campaigns they configure."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from orgs import permissions
from orgs import selectors as org_selectors
from orgs.models import Membership
from orgs.permissions import Perm
from review.selectors import counties as county_selectors
from screening import selectors as screening_selectors
from screening.locks import today_local
from screening.models import Campaign

from .. import dashboard, selectors
from ..forms import UnitPickerForm
from .scope import chosen_unit

SHOWN_CAMPAIGNS = 3  # the open campaigns a unit works in at once: this year's special and normalised ones


def _open_campaigns(user):
    return (screening_selectors.campaigns_visible_to(user).filter(status=Campaign.Status.PUBLISHED)
            .prefetch_related("phases").order_by("-year", "-pk"))


@login_required
def home(request):
    membership = org_selectors.active_membership(request)
    context = {"active": membership}
    if membership is None:
        return render(request, "home.html", context)
    unit = permissions.grant_unit(membership)
    today = today_local()
    if membership.role == Membership.Role.STAFF:
        campaigns = [c for c in _open_campaigns(request.user)[:SHOWN_CAMPAIGNS]
                     if unit.path.startswith(c.scope_unit.path)]
        context["works"] = [dashboard.staff_work(campaign, unit, on=today) for campaign in campaigns]
    elif permissions.follows_progress(request.user, unit):
        context |= _office_context(request, today)
        context["across_counties"] = county_selectors.across_counties(request.user)
        if membership.role == Membership.Role.OFFICE:
            context["tip_months"] = dashboard.tip_months(request.user, year=today.year)
    elif membership.role == Membership.Role.ADMIN:
        context["managed"] = [c for c in screening_selectors.campaigns_visible_to(request.user).prefetch_related("phases")
                              if permissions.has(request.user, Perm.MANAGE, c.scope_unit)][:10]
    return render(request, "home.html", context)


def _office_context(request, today) -> dict:
    campaigns = list(_open_campaigns(request.user).select_related("scope_unit"))
    slug = request.GET.get("campaign")
    campaign = next((c for c in campaigns if c.slug == slug), None) if slug else (campaigns[0] if campaigns else None)
    if slug and campaign is None:
        raise Http404
    if campaign is None:
        return {"campaigns": campaigns}
    unit = chosen_unit(request, campaign)
    permissions.require_follows_progress(request.user, unit)
    figures = dashboard.office_figures(campaign, unit, on=today)
    return {
        "campaigns": campaigns, "campaign": campaign, "figures": figures,
        "sector_chart": dashboard.chart(figures.by_sector, "sector"),
        "behaviour_chart": dashboard.chart(figures.by_behaviour, "behaviours"),
        "unit_chart": dashboard.chart(figures.by_unit, "unit"),
        "unit_picker": UnitPickerForm(units=selectors.units_for_tables(request.user, campaign), unit=unit),
    }
