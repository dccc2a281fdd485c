"""The office's lists of a campaign: the review queue (with accepting or returning several clues at once) and the
overdue disposals, which leaders read as well; and the workbench's home page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ledger import flags
from ledger.models import Clue
from orgs import permissions
from orgs import selectors as org_selectors
from orgs.formtools import refused, submit
from orgs.paging import KeysFirstPaginator, ListedKeysPaginator
from orgs.permissions import Perm
from screening import selectors as screening_selectors
from screening.locks import today_local
from screening.models import Campaign

from .. import services
from ..filters import QueueFilter
from ..forms import BulkAcceptForm, BulkReturnForm
from ..selectors import queue as selectors

PAGE_SIZE = 50


def _reviewed_campaign(request, slug: str, reviewed: list[Campaign] = ()) -> Campaign:
    """A campaign the user may see (else 404) and reviews a unit of (else 403); taken from ``reviewed`` (the
    published and archived campaigns the user reviews) when it is there, which saves a page the two queries."""
    campaign = next((campaign for campaign in reviewed if campaign.slug == slug), None)
    if campaign is not None:
        return campaign
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    if not screening_selectors.units_reviewable_in(request.user, campaign).exists():
        raise PermissionDenied(_("You do not review any unit of this campaign."))
    return campaign


def _followed_campaign(request, slug: str) -> Campaign:
    """A campaign the user may see (else 404) and follows a unit of (else 403): the office, or a leader."""
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    if not screening_selectors.units_followed_in(request.user, campaign).exists():
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
    campaigns = list(selectors.campaigns_reviewable_by(request.user))  # the campaign switch
    campaign = _reviewed_campaign(request, slug, campaigns)
    data = request.GET.copy()
    # The office's work is what is waiting for it; "any status" is an explicit choice (an empty value).
    data.setdefault("status", Clue.Status.SUBMITTED)
    keywords = flags.active_keywords()
    clue_filter = QueueFilter(
        data,
        queryset=selectors.clues_for_review(request.user, campaign, keywords=keywords),
        units=screening_selectors.units_reviewable_in(request.user, campaign),
        campaign=campaign,
    )
    page = ListedKeysPaginator(clue_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "review/queue.html", {
        "campaign": campaign,
        "campaigns": campaigns,
        "filter": clue_filter,
        "page": page,
        "rows": selectors.queue_rows(page, keywords),
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
        refused(request, form, _("Nothing was accepted:"))
    return redirect(_next_or(request, reverse("review:queue", args=[campaign.slug])))


@login_required
@require_POST
def queue_return(request, slug):
    campaign = _reviewed_campaign(request, slug)
    form = BulkReturnForm(request.POST, clues=selectors.clues_reviewable_by(request.user, campaign))
    if submit(form, lambda: services.clues_return(actor=request.user, clues=form.cleaned_data["clue"],
                                                  reason=form.cleaned_data["reason"])):
        count = len(form.cleaned_data["clue"])
        messages.success(request, ngettext("%(count)d clue returned to its unit.",
                                           "%(count)d clues returned to their units.", count) % {"count": count})
    else:
        refused(request, form, _("Nothing was returned:"))
    return redirect(_next_or(request, reverse("review:queue", args=[campaign.slug])))


# Overdue disposals ---------------------------------------------------------------------------------------------------


@login_required
def overdue(request, slug):
    campaign = _followed_campaign(request, slug)
    on = today_local()
    page = KeysFirstPaginator(selectors.overdue_disposals(request.user, campaign, on=on), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "review/overdue.html", {
        "campaign": campaign,
        "read_only": not screening_selectors.units_reviewable_in(request.user, campaign).exists(),
        "page": page,
        "lines": selectors.overdue_lines(page, on=on),
    })
