"""The approval of submissions: the grid where the office approves, sends back or unapproves the units it oversees (and
which leaders read), and the page where staff declare their unit's data complete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orgs import permissions
from orgs import selectors as org_selectors
from orgs.formtools import submit
from orgs.permissions import Perm
from screening import selectors as screening_selectors
from screening.locks import EntryClosed, entry_state

from .. import submissions
from ..forms import ConfirmForm, ReasonForm
from ..selectors import approvals as selectors


# Approval of submissions ---------------------------------------------------------------------------------------------


def _following(request, slug: str):
    """The campaign and the government whose units the user follows, the jurisdiction of the active membership; and
    whether the user decides on them (the office) or only reads (the leaders)."""
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    membership = org_selectors.active_membership(request)
    if membership is None:
        raise PermissionDenied(_("You do not review any unit of this campaign."))
    jurisdiction = membership.unit.jurisdiction
    followed = permissions.require_follows_progress(request.user, jurisdiction)
    return campaign, jurisdiction, Perm.REVIEW in followed


@login_required
def approvals(request, slug):
    campaign, jurisdiction, decides = _following(request, slug)
    prefetch_related_objects([campaign], "phases")  # read by the grid's deadline and by the late units alike
    grid = selectors.approvals(campaign, jurisdiction, decides=decides)
    return render(request, "review/approvals.html", {
        "campaign": campaign,
        "jurisdiction": jurisdiction,
        "read_only": not decides,
        "lines": grid.lines,
        "own": grid.own if jurisdiction.parent_id else None,
        "overdue_units": selectors.overdue_units_followed(request.user, campaign),
    })


APPROVAL_ACTIONS = {
    "approve": (lambda actor, campaign, unit, reason: submissions.submission_approve(
        actor=actor, campaign=campaign, unit=unit), gettext_lazy("Approved: %(unit)s.")),
    "return": (lambda actor, campaign, unit, reason: submissions.submission_return(
        actor=actor, campaign=campaign, unit=unit, reason=reason), gettext_lazy("Sent back: %(unit)s.")),
    "unapprove": (lambda actor, campaign, unit, reason: submissions.submission_unapprove(
        actor=actor, campaign=campaign, unit=unit, reason=reason), gettext_lazy("Approval withdrawn: %(unit)s.")),
}


@login_required
@require_POST
def approval_action(request, slug, unit_pk):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    unit = selectors.unit_for_approval_or_404(request.user, campaign, unit_pk)
    action, done = APPROVAL_ACTIONS.get(request.POST.get("action", ""), (None, ""))
    if action is None:
        raise BadRequest
    form = ReasonForm(request.POST)
    if submit(form, lambda: action(request.user, campaign, unit, form.cleaned_data["reason"])):
        messages.success(request, done % {"unit": unit.name})
    else:
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
    return redirect(reverse("review:approvals", args=[campaign.slug]) + f"#unit-{unit.pk}")


# Declaring a unit's data complete (staff) ----------------------------------------------------------------------------


def _entering(request, slug: str):
    """The campaign and the active unit, for which the user enters data (else 403) and which reports in it (else 404)."""
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    membership = org_selectors.active_membership(request)
    if membership is None:
        raise PermissionDenied(_("You do not enter data for any unit."))
    unit = membership.unit
    permissions.require(request.user, Perm.ENTER, unit)
    if not unit.path.startswith(campaign.scope_unit.path):
        raise Http404
    return campaign, unit


@login_required
def declare(request, slug):
    campaign, unit = _entering(request, slug)
    form = ConfirmForm(request.POST if request.method == "POST" else None)

    def hand_in():
        try:
            submissions.submission_declare(actor=request.user, campaign=campaign, unit=unit)
        except EntryClosed as closed:
            raise ValidationError(closed.reason)

    if submit(form, hand_in):
        messages.success(request, _("The data of %(unit)s has been handed in.") % {"unit": unit.name})
        return redirect("review:declare", campaign.slug)
    return render(request, "review/declare.html", {
        "campaign": campaign,
        "unit": unit,
        "entry": entry_state(campaign, unit),
        "declaration": selectors.declaration(campaign, unit),
        "form": form,
    })
