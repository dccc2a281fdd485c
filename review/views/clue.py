"""The clue page of the office: review (accept, return), rating and the level, the key-clue decision, the disposal plan
(一事一策) and its progress, transfer and merge. Each action posts one form of the page."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ledger import hits
from ledger.models import Clue
from orgs import permissions
from orgs.models import Unit
from orgs.formtools import submit, submit_section
from orgs.permissions import Perm
from screening.locks import today_local

from .. import services
from ..forms import (
    HANDLING_RESULTS,
    ConfirmForm,
    DisposalForm,
    KeyForm,
    MergeForm,
    NoticeForm,
    OverrideForm,
    ProgressForm,
    RatingForm,
    ReasonForm,
    TransferForm,
)
from ..selectors import clue as selectors
from ..selectors import counties as county_selectors
from ..services.rating import HIGH_SUM, MEDIUM_SUM


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
        "notices_form": NoticeForm(counties=_counties_to_notify(user, clue)),
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
        "watch_hits": hits.hits_for([clue.entity]).get(clue.entity_id, []),
        "county_notices": county_selectors.notices_of_clue(clue),
        "source_notice": county_selectors.source_notice_of(clue),
        **forms,
    })


def _counties_to_notify(user, clue: Clue):
    """The counties the user's office may notify of the clue: none unless the user is of the clue's county's office."""
    county = county_selectors.county_of(clue.unit)
    if county is None or not permissions.acts_for(user, county):
        return Unit.objects.none()
    return county_selectors.where_entity_is(county_selectors.counties_notified(county), clue.entity)


def _rating_initial(assessment) -> dict | None:
    if assessment is None:
        return None
    names = ("public_reach", "risk_exposure", "opinion_heat", "stability_risk", "notes")
    return {name: getattr(assessment, name) for name in names}


def _act(request, clue: Clue, name: str, form, action: Callable[[], object], done: str):
    return submit_section(request, form, action, done=done, page_url=reverse("review:clue", args=[clue.pk]),
                          section=name, render_page=lambda **bound: _render_clue(request, clue, **bound))


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


@login_required
@require_POST
def clue_notify(request, pk):
    clue = selectors.clue_for_reviewer_or_404(request.user, pk)
    form = NoticeForm(request.POST, counties=_counties_to_notify(request.user, clue))
    return _act(request, clue, "notices", form,
                lambda: services.notice_send(actor=request.user, clue=clue, **form.cleaned_data),
                _("The county has been notified; its office sees the notice."))
