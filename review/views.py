"""The office's workbench: the review queue, the clue page (review, rating, key clues, disposal, transfer, merge),
overdue disposals and the approval of submissions; and the page where staff declare their unit's data complete.

Each view parses the request, asks a selector (selectors) or a service (services, submissions), and renders.
Clues are looked up through the units the user reviews, so staff meet a 404 on every clue page and action.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from ledger.models import Clue
from orgs import permissions
from orgs import selectors as org_selectors
from orgs.formtools import submit
from orgs.permissions import Perm
from screening import selectors as screening_selectors
from screening.locks import EntryClosed, entry_state, today_local
from screening.models import Campaign

from . import selectors, services, submissions
from .filters import QueueFilter
from .forms import (
    HANDLING_RESULTS,
    BulkAcceptForm,
    ConfirmForm,
    DisposalForm,
    KeyForm,
    MergeForm,
    OverrideForm,
    ProgressForm,
    RatingForm,
    ReasonForm,
    TransferForm,
)
from .services import HIGH_SUM, MEDIUM_SUM

PAGE_SIZE = 50


def _reviewed_campaign(request, slug: str) -> Campaign:
    """A campaign the user may see (else 404) and reviews a unit of (else 403)."""
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    if not screening_selectors.units_reviewable_in(request.user, campaign).exists():
        raise PermissionDenied(_("You do not review any unit of this campaign."))
    return campaign


def _next_or(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else fallback


@login_required
def home(request):
    """The newest campaign's queue for the office; for staff, the campaigns whose data they declare complete."""
    campaign = selectors.campaigns_reviewable_by(request.user).filter(status=Campaign.Status.PUBLISHED).first()
    if campaign:
        return redirect("review:queue", campaign.slug)
    membership = org_selectors.active_membership(request)
    enters = membership and permissions.has(request.user, Perm.ENTER, membership.unit)
    return render(request, "review/home.html", {
        "declarable": selectors.campaigns_entered_for(request.user, membership.unit) if enters else None,
    })


# The queue -----------------------------------------------------------------------------------------------------------


@login_required
def queue(request, slug):
    campaign = _reviewed_campaign(request, slug)
    data = request.GET.copy()
    # The office's work is what is waiting for it; "any status" is an explicit choice (an empty value).
    data.setdefault("status", Clue.Status.SUBMITTED)
    clue_filter = QueueFilter(
        data,
        queryset=selectors.clues_for_review(request.user, campaign),
        units=screening_selectors.units_reviewable_in(request.user, campaign),
        campaign=campaign,
    )
    page = Paginator(clue_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "review/queue.html", {
        "campaign": campaign,
        "campaigns": selectors.campaigns_reviewable_by(request.user),
        "filter": clue_filter,
        "page": page,
        "rows": selectors.queue_rows(page),
    })


@login_required
@require_POST
def queue_accept(request, slug):
    campaign = _reviewed_campaign(request, slug)
    form = BulkAcceptForm(request.POST, clues=selectors.clues_reviewable_by(request.user, campaign))
    if submit(form, lambda: services.clues_accept(actor=request.user, clues=form.cleaned_data["clue"])):
        count = len(form.cleaned_data["clue"])
        messages.success(request, ngettext("%(count)d clue accepted.", "%(count)d clues accepted.", count)
                         % {"count": count})
    else:
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
    return redirect(_next_or(request, reverse("review:queue", args=[campaign.slug])))


# The clue page -------------------------------------------------------------------------------------------------------


def _render_clue(request, clue: Clue, **bound):
    """The clue page; ``bound`` holds the form that was posted and refused, shown with its errors."""
    user = request.user
    assessment = selectors.assessment_of(clue)
    disposal = selectors.disposal_of(clue)
    transfer = selectors.transfer_options(clue)
    merge_candidates = selectors.merge_candidates(user, clue)
    forms = {
        "accept_form": ConfirmForm(),
        "return_form": ReasonForm(),
        "rating_form": RatingForm(initial=_rating_initial(assessment)),
        "override_form": OverrideForm(initial={"level": assessment.level_override,
                                               "reason": assessment.override_reason} if assessment else None),
        "key_form": KeyForm(),
        "disposal_form": DisposalForm(clue=clue, units=selectors.responsible_unit_choices(user, clue),
                                      disposal=disposal),
        "progress_form": ProgressForm(initial={"on": today_local()}),
        "transfer_form": TransferForm(candidates=transfer.candidates),
        "merge_form": MergeForm(candidates=merge_candidates),
    } | bound
    return render(request, "review/clue.html", {
        "clue": clue,
        "flags": selectors.clue_flags(user, clue),
        "changes": selectors.changes_since_previous_submission(clue),
        "in_office": clue.status in (Clue.Status.SUBMITTED, Clue.Status.ACCEPTED),
        "assessment": assessment,
        "high_sum": HIGH_SUM,
        "medium_sum": MEDIUM_SUM,
        "disposal": disposal,
        "handling_results": HANDLING_RESULTS,
        "transfer_why_none": transfer.why_none,
        "may_merge": merge_candidates.exists(),
        "merged": clue.merged.select_related("unit"),
        "trail": selectors.trail(clue),
        **forms,
    })


def _rating_initial(assessment) -> dict | None:
    if assessment is None:
        return None
    names = ("public_reach", "risk_exposure", "opinion_heat", "stability_risk", "notes")
    return {name: getattr(assessment, name) for name in names}


def _act(request, clue: Clue, name: str, form, action: Callable[[], object], done: str):
    """Run one form of the clue page: back to its section when the service agreed, else the page with the errors."""
    if submit(form, action):
        messages.success(request, done)
        return redirect(reverse("review:clue", args=[clue.pk]) + f"#{name}")
    return _render_clue(request, clue, **{f"{name}_form": form})


@login_required
def clue(request, pk):
    return _render_clue(request, selectors.clue_for_reviewer_or_404(request.user, pk))


@login_required
@require_POST
def clue_accept(request, pk):
    clue = selectors.clue_for_reviewer_or_404(request.user, pk)
    return _act(request, clue, "accept", ConfirmForm(request.POST),
                lambda: services.clue_accept(actor=request.user, clue=clue), _("The clue has been accepted."))


@login_required
@require_POST
def clue_return(request, pk):
    clue = selectors.clue_for_reviewer_or_404(request.user, pk)
    form = ReasonForm(request.POST)
    return _act(request, clue, "return", form,
                lambda: services.clue_return(actor=request.user, clue=clue, reason=form.cleaned_data["reason"]),
                _("The clue has been returned to its unit."))


@login_required
@require_POST
def clue_rate(request, pk):
    clue = selectors.clue_for_reviewer_or_404(request.user, pk)
    form = RatingForm(request.POST)
    return _act(request, clue, "rating", form,
                lambda: services.clue_rate(actor=request.user, clue=clue, scores=form.scores(),
                                            notes=form.cleaned_data["notes"]),
                _("The rating has been saved."))


@login_required
@require_POST
def clue_override(request, pk):
    clue = selectors.clue_for_reviewer_or_404(request.user, pk)
    form = OverrideForm(request.POST)
    return _act(request, clue, "override", form,
                lambda: services.level_override(actor=request.user, clue=clue, **form.cleaned_data),
                _("The level has been saved."))


@login_required
@require_POST
def clue_key(request, pk):
    clue = selectors.clue_for_reviewer_or_404(request.user, pk)
    form = KeyForm(request.POST)
    return _act(request, clue, "key", form,
                lambda: services.clue_mark_key(actor=request.user, clue=clue, **form.cleaned_data),
                _("The key-clue decision has been saved."))


@login_required
@require_POST
def disposal_save(request, pk):
    clue = selectors.clue_for_reviewer_or_404(request.user, pk)
    form = DisposalForm(request.POST, clue=clue, units=selectors.responsible_unit_choices(request.user, clue),
                        disposal=selectors.disposal_of(clue))
    return _act(request, clue, "disposal", form,
                lambda: services.disposal_save(actor=request.user, clue=clue, plan=form.plan()),
                _("The disposal plan has been saved."))


@login_required
@require_POST
def progress_add(request, pk):
    clue = selectors.clue_for_reviewer_or_404(request.user, pk)
    form = ProgressForm(request.POST)
    return _act(request, clue, "progress", form,
                lambda: services.progress_add(actor=request.user, clue=clue, **form.cleaned_data),
                _("The progress note has been added."))


@login_required
@require_POST
def clue_transfer(request, pk):
    clue = selectors.clue_for_reviewer_or_404(request.user, pk)
    form = TransferForm(request.POST, candidates=selectors.transfer_options(clue).candidates)
    if submit(form, lambda: services.clue_transfer(actor=request.user, clue=clue, **form.cleaned_data)):
        to_unit = form.cleaned_data["to_unit"]
        messages.success(request, _("The clue has been handed to %(unit)s.") % {"unit": to_unit.name})
        if permissions.has(request.user, Perm.REVIEW, to_unit):
            return redirect("review:clue", clue.pk)
        return redirect("review:queue", clue.campaign.slug)
    return _render_clue(request, clue, transfer_form=form)


@login_required
@require_POST
def clue_merge(request, pk):
    clue = selectors.clue_for_reviewer_or_404(request.user, pk)
    form = MergeForm(request.POST, candidates=selectors.merge_candidates(request.user, clue))

    def merge():
        keep, duplicate = form.pair(clue)
        services.clues_merge(actor=request.user, keep=keep, duplicate=duplicate, reason=form.cleaned_data["reason"])

    return _act(request, clue, "merge", form, merge, _("The clues have been merged."))


# Overdue disposals ---------------------------------------------------------------------------------------------------


@login_required
def overdue(request, slug):
    campaign = _reviewed_campaign(request, slug)
    return render(request, "review/overdue.html", {
        "campaign": campaign, "lines": selectors.overdue_disposals(request.user, campaign),
    })


# Approval of submissions ---------------------------------------------------------------------------------------------


def _approving(request, slug: str):
    """The campaign and the government whose units the user approves: the jurisdiction of the active membership."""
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    membership = org_selectors.active_membership(request)
    if membership is None:
        raise PermissionDenied(_("You do not review any unit of this campaign."))
    jurisdiction = membership.unit.jurisdiction
    permissions.require(request.user, Perm.REVIEW, jurisdiction)
    return campaign, jurisdiction


@login_required
def approvals(request, slug):
    campaign, jurisdiction = _approving(request, slug)
    return render(request, "review/approvals.html", {
        "campaign": campaign,
        "jurisdiction": jurisdiction,
        "lines": selectors.approval_lines(campaign, jurisdiction),
        "own": selectors.own_submission(campaign, jurisdiction) if jurisdiction.parent_id else None,
        "overdue_units": selectors.overdue_units_reviewable(request.user, campaign),
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
