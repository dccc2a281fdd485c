"""The campaign screens. Each view parses the request, asks a selector or a service, and renders."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orgs import permissions
from orgs.formtools import submit
from orgs import selectors as org_selectors
from orgs.models import Membership, Unit
from orgs.permissions import Perm

from . import locks, selectors, services
from .forms import (
    CampaignCopyForm,
    CampaignCreateForm,
    CampaignForm,
    ExpectedUnitsForm,
    LockExceptionForm,
    PhaseFormSet,
    ResponsibilityForm,
    TermAddForm,
)
from .models import Campaign, Term


def _posted(request):
    return request.POST if request.method == "POST" else None


def _managed_campaign(request, slug: str) -> Campaign:
    """A campaign the user may see (else 404) and configure (else 403)."""
    campaign = selectors.campaign_for_user_or_404(request.user, slug)
    permissions.require(request.user, Perm.MANAGE, campaign.scope_unit)
    return campaign


def _render_form(request, form, *, heading: str, cancel_url: str):
    return render(request, "screening/campaign_form.html", {"form": form, "heading": heading, "cancel_url": cancel_url})


# Campaigns -----------------------------------------------------------------------------------------------------------


@login_required
def campaign_list(request):
    return render(
        request,
        "screening/campaign_list.html",
        {
            "campaigns": selectors.campaigns_visible_to(request.user),
            "may_create": permissions.has_anywhere(request.user, Perm.MANAGE),
        },
    )


@login_required
def campaign_detail(request, slug):
    campaign = selectors.campaign_for_user_or_404(request.user, slug)
    return _render_detail(request, campaign, LockExceptionForm(user=request.user, campaign=campaign))


def _render_detail(request, campaign: Campaign, grant_form: LockExceptionForm):
    user = request.user
    membership = org_selectors.active_membership(request)
    # The entry state concerns those who enter data: staff, for the unit they work in.
    enters = membership and membership.role == Membership.Role.STAFF
    unit = membership.unit if enters and membership.unit.path.startswith(campaign.scope_unit.path) else None
    may_review = selectors.units_reviewable_in(user, campaign).exists()
    may_manage = permissions.has(user, Perm.MANAGE, campaign.scope_unit)
    return render(
        request,
        "screening/campaign_detail.html",
        {
            "campaign": campaign,
            "phase_lines": selectors.phase_lines(campaign),
            "unit": unit,
            "entry": locks.entry_state(campaign, unit) if unit else None,
            "own_sectors": selectors.sectors_of(campaign, unit) if unit and unit.kind == Unit.Kind.DEPARTMENT else None,
            "may_manage": may_manage,
            # An admin who does not manage the scope (a county admin on the city's campaign) only reads it.
            "managed_elsewhere": not may_manage and permissions.has_anywhere(user, Perm.MANAGE),
            "may_review": may_review,
            "follows": selectors.units_followed_in(user, campaign).exists(),
            "speaks": bool(membership) and permissions.speaks_for(user, permissions.grant_unit(membership)),
            "lock_exceptions": selectors.open_lock_exceptions_visible_to(user, campaign) if may_review else (),
            "grant_form": grant_form,
        },
    )


@login_required
def campaign_create(request):
    permissions.require_anywhere(request.user, Perm.MANAGE)
    form = CampaignCreateForm(_posted(request), user=request.user, initial={"year": locks.today_local().year})

    def create():
        services.campaign_create(actor=request.user, campaign=form.instance, form=form.cleaned_data["start_from"])

    if submit(form, create):
        return redirect(form.instance)
    return _render_form(request, form, heading=_("New campaign"), cancel_url=reverse("screening:campaign_list"))


@login_required
def campaign_edit(request, slug):
    campaign = _managed_campaign(request, slug)
    # Taken before the form writes the posted values onto the campaign.
    cancel_url, scope_id = campaign.get_absolute_url(), campaign.scope_unit_id
    form = CampaignForm(_posted(request), instance=campaign, user=request.user)
    if submit(form, lambda: services.campaign_save(actor=request.user, campaign=campaign)):
        if campaign.scope_unit_id != scope_id:
            messages.info(request, _("The scope has changed: the units expected to report are now the default list "
                                     "of the new scope."))
        return redirect(campaign)
    return _render_form(request, form, heading=_("Edit campaign"), cancel_url=cancel_url)


@login_required
def campaign_copy(request, slug):
    source = _managed_campaign(request, slug)
    form = CampaignCopyForm(_posted(request), initial={"title": source.title, "year": source.year + 1})

    def copy():
        data = form.cleaned_data
        form.instance = services.campaign_copy(
            actor=request.user, source=source, title=data["title"], slug=data["slug"], year=data["year"],
            shift_days=form.shift_days,
        )

    if submit(form, copy):
        return redirect(form.instance)
    heading = _("Copy “%(campaign)s”") % {"campaign": source.title}
    return _render_form(request, form, heading=heading, cancel_url=source.get_absolute_url())


# Phases --------------------------------------------------------------------------------------------------------------


@login_required
def phases_edit(request, slug):
    campaign = _managed_campaign(request, slug)
    formset = PhaseFormSet(_posted(request), queryset=campaign.phases.all())
    if request.method == "POST" and formset.is_valid():
        saved = formset.save(commit=False)
        services.phases_save(actor=request.user, campaign=campaign, saved=saved, deleted=formset.deleted_objects)
        messages.success(request, _("The phases have been saved."))
        return redirect(campaign)
    return render(request, "screening/phases.html", {"campaign": campaign, "formset": formset})


# Taxonomy ------------------------------------------------------------------------------------------------------------


@login_required
def taxonomy(request, slug, vocabulary):
    campaign = _managed_campaign(request, slug)
    if vocabulary not in Term.Vocabulary.values:
        raise Http404
    form = TermAddForm(_posted(request), campaign=campaign, vocabulary=vocabulary)
    add = partial(services.term_add, actor=request.user, campaign=campaign, vocabulary=vocabulary)
    if submit(form, lambda: add(**form.cleaned_data)):
        parent = form.cleaned_data.get("parent")
        messages.success(request, (_("“%(name)s” has been added under “%(parent)s”.") if parent else
                                   _("“%(name)s” has been added at the top level."))
                         % {"name": form.cleaned_data["name"].strip(), "parent": parent})
        return redirect("screening:taxonomy", campaign.slug, vocabulary)
    return render(
        request,
        "screening/taxonomy.html",
        {
            "campaign": campaign,
            "vocabulary": Term.Vocabulary(vocabulary),
            "vocabularies": Term.Vocabulary,
            "terms": selectors.terms(campaign, vocabulary),
            "add_form": form,
        },
    )


def _rename(actor, term: Term, data) -> str:
    old = term.name
    renamed = services.term_rename(actor=actor, term=term, name=data.get("name", ""))
    return _("“%(old)s” is now named “%(new)s”.") % {"old": old, "new": renamed.name}


def _move(step: int):
    def move(actor, term: Term, data) -> str:
        moved = services.term_move(actor=actor, term=term, step=step)
        if not moved:
            return (_("“%(name)s” is already the first of its list.") if step < 0 else
                    _("“%(name)s” is already the last of its list.")) % {"name": term.name}
        return (_("“%(name)s” has moved up.") if step < 0 else _("“%(name)s” has moved down.")) % {"name": term.name}
    return move


def _retire(actor, term: Term, data) -> str:
    services.term_set_retired(actor=actor, term=term, retired=True)
    return _("“%(name)s” is retired: it is no longer offered for new entries, and what was entered under it stays "
             "in the tables.") % {"name": term.name}


def _restore(actor, term: Term, data) -> str:
    services.term_set_retired(actor=actor, term=term, retired=False)
    return _("“%(name)s” is offered for new entries again.") % {"name": term.name}


def _delete(actor, term: Term, data) -> str:
    services.term_delete(actor=actor, term=term)
    return _("“%(name)s” has been deleted.") % {"name": term.name}


# Each action returns what it did, in words.
TERM_ACTIONS = {
    "rename": _rename, "up": _move(-1), "down": _move(1), "retire": _retire, "restore": _restore, "delete": _delete,
}


@login_required
@require_POST
def term_action(request, slug, pk):
    campaign = _managed_campaign(request, slug)
    term = get_object_or_404(campaign.terms, pk=pk)
    action = TERM_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        raise BadRequest
    try:
        messages.success(request, action(request.user, term, request.POST))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("screening:taxonomy", args=[campaign.slug, term.vocabulary]) + f"#term-{term.pk}")


# Responsibilities ----------------------------------------------------------------------------------------------------


@login_required
def responsibilities(request, slug):
    campaign = _managed_campaign(request, slug)
    assigned = selectors.responsibilities_by_sector(campaign)
    rows = [(sector, assigned.get(sector.pk, [])) for sector in selectors.terms(campaign, Term.Vocabulary.SECTOR)]
    return render(
        request,
        "screening/responsibilities.html",
        {"campaign": campaign, "rows": rows, "departments": selectors.departments_in(campaign)},
    )


@login_required
@require_POST
def responsibility_set(request, slug, pk):
    campaign = _managed_campaign(request, slug)
    sector = get_object_or_404(campaign.terms, pk=pk, vocabulary=Term.Vocabulary.SECTOR)
    form = ResponsibilityForm(request.POST, campaign=campaign)

    def save():
        data = form.cleaned_data
        services.responsibilities_set(
            actor=request.user, campaign=campaign, sector=sector, units=list(data["units"]), note=data["note"]
        )

    if not submit(form, save):
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
    return redirect(reverse("screening:responsibilities", args=[campaign.slug]) + f"#sector-{sector.pk}")


# Units expected to report --------------------------------------------------------------------------------------------


EXPECTED_UNIT_ACTIONS = {
    # action: (the units it may be applied to, the service, what the message says it did)
    "add": (selectors.expected_unit_candidates, services.expected_units_add,
            gettext_lazy("Added to the units expected to report: %(units)s.")),
    "remove": (selectors.reporting_units, services.expected_units_remove,
               gettext_lazy("Removed from the units expected to report: %(units)s. Their data stays in the tables.")),
}


@login_required
def expected_units(request, slug):
    campaign = _managed_campaign(request, slug)
    if request.method == "POST":
        return _change_expected_units(request, campaign)
    return render(request, "screening/expected_units.html", {
        "campaign": campaign,
        "lines": selectors.expected_lines(campaign),
        "add_form": ExpectedUnitsForm(units=selectors.expected_unit_candidates(campaign), campaign=campaign),
    })


def _change_expected_units(request, campaign: Campaign):
    choices, change, done = EXPECTED_UNIT_ACTIONS.get(request.POST.get("action", ""), (None, None, ""))
    if change is None:
        raise BadRequest
    form = ExpectedUnitsForm(request.POST, units=choices(campaign), campaign=campaign)
    changed = []

    def apply():
        changed.extend(change(actor=request.user, campaign=campaign, units=list(form.cleaned_data["units"])))

    if not submit(form, apply):
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
    elif changed:
        messages.success(request, done % {"units": "、".join(unit.name for unit in changed)})
    else:
        messages.info(request, _("The list is unchanged."))
    return redirect("screening:expected_units", campaign.slug)


# Lock exceptions -----------------------------------------------------------------------------------------------------


@login_required
@require_POST
def lock_exception_grant(request, slug):
    permissions.require_anywhere(request.user, Perm.REVIEW)
    campaign = selectors.campaign_for_user_or_404(request.user, slug)
    form = LockExceptionForm(request.POST, user=request.user, campaign=campaign)
    if submit(form, lambda: services.lock_exception_grant(actor=request.user, campaign=campaign, **form.cleaned_data)):
        messages.success(request, _("Entry has been reopened for %(unit)s.") % {"unit": form.cleaned_data["unit"].name})
        return redirect(campaign)
    return _render_detail(request, campaign, form)
