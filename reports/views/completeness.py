"""Reporting completeness of the units beneath a unit, and the office's reminders (催报)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orgs import permissions
from orgs.permissions import Perm
from oversight import services as oversight_services
from screening import selectors as screening_selectors

from .. import completeness, selectors
from ..forms import UnitPickerForm
from .scope import chosen_unit


@login_required
def completeness_page(request, slug):
    """Reporting completeness of the units expected to report beneath the chosen unit, with the reminders (催报)."""
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    unit = chosen_unit(request, campaign)
    followed = permissions.require_follows_progress(request.user, unit)
    return render(request, "reports/completeness.html", {
        "campaign": campaign, "unit": unit, "found": completeness.completeness(campaign, unit),
        "may_chase": Perm.REVIEW in followed,
        "unit_picker": UnitPickerForm(units=selectors.units_for_tables(request.user, campaign), unit=unit),
    })


@login_required
@require_POST
def chase(request, slug):
    """Remind one unit (``target``: its id) or every late one (``target=late``) of what it owes."""
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    unit = chosen_unit(request, campaign)
    permissions.require(request.user, Perm.REVIEW, unit)
    found = completeness.completeness(campaign, unit)
    target = request.POST.get("target", "")
    lines = found.late if target == "late" else [line for line in found.lines if str(line.unit.pk) == target]
    if not lines and target != "late":
        raise Http404
    chased, refused = [], []
    for line in lines:
        try:
            oversight_services.chase(actor=request.user, campaign=campaign, unit=line.unit, missing=line.missing)
            chased.append(line.unit.name)
        except ValidationError as error:
            refused.extend(error.messages)
    if chased:
        messages.success(request, _("Reminded: %(units)s.") % {"units": "、".join(chased)})
    if refused or not chased:
        messages.error(request, "\n".join(refused) or _("No unit is late."))
    return redirect(f"{reverse('reports:completeness', args=[campaign.slug])}?unit={unit.pk}")
