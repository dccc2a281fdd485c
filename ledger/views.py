"""The staff screens of the risk ledger. Each view parses the request, asks a selector or a service, and renders."""

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from orgs.paging import KeysFirstPaginator
from django.http import FileResponse, Http404, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from orgs import permissions
from orgs.formtools import add_refusal, refused
from orgs import selectors as org_selectors
from orgs.permissions import Perm
from screening import selectors as screening_selectors
from screening.locks import EntryClosed, entry_state

from . import flags, hits, selectors, services
from .filters import ClueFilter, RecordFilter
from .forms import BulkSubmitForm, ClueForm, EvidenceForm, RecordForm, WithdrawForm, entity_values
from .models import Clue, Entity, ScreeningRecord
from .services import StaleEdit

PAGE_SIZE = 50


def _posted(request):
    return request.POST if request.method == "POST" else None


def _submit(form, action):
    """Run ``action`` when the form is bound and valid, and return its result. A refusal (data the service rejects,
    entry closed, an edit over someone else's later save) is shown on the form, at the field it names when the form has
    that field, and None comes back: nothing was saved."""
    if not form.is_valid():
        return None
    try:
        return action()
    except (EntryClosed, StaleEdit) as refusal:
        form.add_error(None, str(refusal))
    except ValidationError as error:
        add_refusal(form, error)
    return None


def _button(request, form, action, *, done: str) -> None:
    """Run the action of a button of the clue page; what happened, or why not, is said in a message."""
    if _submit(form, action) is None:
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
    else:
        messages.success(request, done)


# Lists ---------------------------------------------------------------------------------------------------------------


@login_required
def ledger_home(request):
    campaign = selectors.campaign_to_open(request.user)
    if campaign is None:
        return render(request, "ledger/no_campaign.html")
    return redirect("ledger:clue_list", campaign.slug)


@login_required
def clue_list(request, slug):
    user = request.user
    campaign = screening_selectors.campaign_for_user_or_404(user, slug)
    keywords = flags.active_keywords()
    clue_filter = ClueFilter(
        request.GET or None, selectors.clues_flagged(user, campaign), user=user, campaign=campaign, keywords=keywords
    )
    page = KeysFirstPaginator(clue_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    entering = set(selectors.units_entering_in(user, campaign).values_list("pk", flat=True))
    return render(
        request,
        "ledger/clue_list.html",
        {
            "campaign": campaign,
            "filter": clue_filter,
            "page": page,
            "rows": flags.flag_clues(page, keywords),
            "ordering": request.GET.get("o", ""),
            "entering": entering,
            "may_enter": bool(entering),
            "submittable": Clue.EDITABLE,
        },
    )


@login_required
@require_POST
def clues_submit(request, slug):
    """Submit the clues ticked in the list: first the count and the list to confirm, then all of them or none."""
    user = request.user
    campaign = screening_selectors.campaign_for_user_or_404(user, slug)
    form = BulkSubmitForm(request.POST, clues=selectors.clues_visible_to(user, campaign=campaign))
    # The list's filters, carried through both posts to come back to the same list (re-encoded: it is posted text).
    query = QueryDict(request.POST.get("query", "")).urlencode()
    back = reverse("ledger:clue_list", args=[campaign.slug]) + (f"?{query}" if query else "")
    if form.is_valid() and not form.cleaned_data["confirmed"]:
        return render(request, "ledger/clues_submit_confirm.html", {
            "campaign": campaign, "clues": form.cleaned_data["clue"], "query": query,
        })
    count = _submit(form, lambda: services.clues_submit(actor=user, clues=form.cleaned_data["clue"]))
    if count is None:
        refused(request, form, _("Nothing was submitted:"))
    else:
        messages.success(request, ngettext("%(count)d clue has been submitted to the office.",
                                           "%(count)d clues have been submitted to the office.", count)
                         % {"count": count})
    return redirect(back)


@login_required
def record_list(request, slug):
    user = request.user
    campaign = screening_selectors.campaign_for_user_or_404(user, slug)
    records = selectors.records_visible_to(user, campaign=campaign).select_related("clue")
    record_filter = RecordFilter(request.GET or None, records, user=user, campaign=campaign)
    entering = set(selectors.units_entering_in(user, campaign).values_list("pk", flat=True))
    return render(
        request,
        "ledger/record_list.html",
        {
            "campaign": campaign,
            "filter": record_filter,
            "page": KeysFirstPaginator(record_filter.qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "entering": entering,
            "may_enter": bool(entering),
        },
    )


# Entry forms ---------------------------------------------------------------------------------------------------------


def _new_entry_form(request, form_class, campaign):
    """The form of a new clue or record, for one of the units the user enters data for (403 when there is none)."""
    units = selectors.units_entering_in(request.user, campaign)
    # The unit the user works in (the unit switch) when they enter data for it, else the first one.
    membership = org_selectors.active_membership(request)
    default_unit = (membership and units.filter(pk=membership.unit_id).first()) or units.first()
    if default_unit is None:
        raise PermissionDenied(_("You do not enter data for any unit of this campaign."))
    return form_class(_posted(request), campaign=campaign, units=units, initial={"unit": default_unit})


def _warn_of_hits(request, entities) -> None:
    """After a save: each watch-list hit of the entities saved, and why, as a warning (the office is told as well)."""
    for found in hits.hits_for(entities).values():
        for hit in found:
            messages.warning(request, _("Watch-list hit: %(why)s") % {"why": hit.why})


def _watch_hits(entity) -> list[hits.Hit]:
    return hits.hits_for([entity]).get(entity.pk, [])


def _chosen_unit(form):
    return getattr(form, "cleaned_data", {}).get("unit") or form.initial["unit"]


def _render_entry_form(request, form, *, campaign, unit, heading, legend, cancel_url, **extra):
    """The clue and record forms; the entry state of the unit shows at the top."""
    return render(
        request,
        "ledger/entry_form.html",
        {
            "form": form,
            "campaign": campaign,
            "entry_unit": unit,
            "entry": entry_state(campaign, unit),
            "heading": heading,
            "entity_legend": capfirst(Entity._meta.verbose_name),
            "legend": capfirst(legend),
            "cancel_url": cancel_url,
            **extra,
        },
    )


@login_required
def clue_create(request, slug):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    form = _new_entry_form(request, ClueForm, campaign)
    clue = _submit(
        form,
        lambda: services.clue_create(
            actor=request.user, campaign=campaign, unit=form.cleaned_data["unit"], data=form.service_data()
        ),
    )
    if clue is not None:
        messages.success(request, _("The clue has been saved as a draft."))
        _warn_of_hits(request, [clue.entity])
        return redirect(clue)
    return _render_entry_form(
        request, form, campaign=campaign, unit=_chosen_unit(form), heading=_("New risk clue"),
        legend=Clue._meta.verbose_name, cancel_url=reverse("ledger:clue_list", args=[campaign.slug]),
    )


@login_required
def clue_edit(request, pk):
    clue = selectors.clue_for_user_or_404(request.user, pk)
    permissions.require(request.user, Perm.ENTER, clue.unit)
    form = ClueForm(_posted(request), campaign=clue.campaign, initial=ClueForm.initial_for(clue))
    saved = _submit(
        form,
        lambda: services.clue_update(
            actor=request.user, clue=clue, data=form.service_data(), expected_version=form.cleaned_data["version"]
        ),
    )
    if saved is not None:
        messages.success(request, _("The clue has been saved."))
        _warn_of_hits(request, [saved.entity])
        return redirect(saved)
    return _render_entry_form(
        request, form, campaign=clue.campaign, unit=clue.unit, heading=_("Edit risk clue"),
        legend=Clue._meta.verbose_name, cancel_url=clue.get_absolute_url(),
        notice=None if clue.status in Clue.EDITABLE else _("Only a draft or a returned clue can be changed."),
    )


@login_required
def record_create(request, slug):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    form = _new_entry_form(request, RecordForm, campaign)
    records = _submit(
        form,
        lambda: services.records_create(
            actor=request.user, campaign=campaign, unit=form.cleaned_data["unit"], rows=[form.service_data()]
        ),
    )
    if records is not None:
        messages.success(request, _("The screening record has been saved."))
        _warn_of_hits(request, [record.entity for record in records])
        return redirect("ledger:record_list", campaign.slug)
    return _render_entry_form(
        request, form, campaign=campaign, unit=_chosen_unit(form), heading=_("New screening record"),
        legend=ScreeningRecord._meta.verbose_name, cancel_url=reverse("ledger:record_list", args=[campaign.slug]),
    )


@login_required
def record_edit(request, pk):
    record = selectors.record_for_user_or_404(request.user, pk)
    permissions.require(request.user, Perm.ENTER, record.unit)
    clue = getattr(record, "clue", None)
    form = RecordForm(
        _posted(request), campaign=record.campaign, initial=RecordForm.initial_for(record), follows_clue=bool(clue)
    )
    saved = _submit(
        form,
        lambda: services.record_update(
            actor=request.user, record=record, data=form.service_data(), expected_version=form.cleaned_data["version"]
        ),
    )
    if saved is not None:
        messages.success(request, _("The screening record has been saved."))
        _warn_of_hits(request, [saved.entity])
        return redirect("ledger:record_list", record.campaign.slug)
    return _render_entry_form(
        request, form, campaign=record.campaign, unit=record.unit, heading=_("Edit screening record"),
        legend=ScreeningRecord._meta.verbose_name,
        cancel_url=reverse("ledger:record_list", args=[record.campaign.slug]), clue=clue,
        watch_entity=record.entity, watch_hits=_watch_hits(record.entity),
    )


@login_required
def entity_lookup(request):
    """Known entities matching what is typed, as JSON for static/js/ledger.js, with the other units that reported each
    in the campaign: named when the user may see them, else only counted. Even a count tells that an entity was
    reported, so a user who sees no unit's data (an admin, the superuser) gets nothing."""
    permissions.require_anywhere(request.user, Perm.VIEW)
    campaign = screening_selectors.campaign_for_user_or_404(request.user, request.GET.get("campaign", ""))
    entities = list(selectors.entities_matching(request.GET.get("q", "")))
    besides = request.GET.get("unit", "")
    known = selectors.reports_known_to(
        request.user, entities, campaign=campaign, besides_unit=int(besides) if besides.isdigit() else None
    )
    results = []
    for entity in entities:
        reports = known.get(entity.pk, selectors.KnownReports())
        results.append(
            {
                "fields": entity_values(entity),
                "reported_by": [unit.name for unit in reports.seen_units],
                "reported_unseen": reports.unseen,
            }
        )
    return JsonResponse({"results": results})


# The clue page -------------------------------------------------------------------------------------------------------


@login_required
def clue_detail(request, pk):
    return _render_clue(request, selectors.clue_for_user_or_404(request.user, pk))


def _render_clue(request, clue: Clue, *, evidence_form: EvidenceForm | None = None):
    user = request.user
    entry = entry_state(clue.campaign, clue.unit) if permissions.has(user, Perm.ENTER, clue.unit) else None
    writable = bool(entry and entry.is_open)
    standing = writable and clue.status != Clue.Status.WITHDRAWN
    [flagged] = flags.flag_clues([clue], flags.active_keywords())
    known = selectors.reports_known_to(user, [clue.entity], campaign=clue.campaign, besides_unit=clue.unit)
    return render(
        request,
        "ledger/clue_detail.html",
        {
            "clue": clue,
            "flagged": flagged,
            "known": known.get(clue.entity_id, selectors.KnownReports()),
            "evidence": clue.evidence.select_related("uploaded_by"),
            "history": selectors.clue_history(clue),
            "watch_hits": _watch_hits(clue.entity),
            "entry": entry,
            "entry_unit": clue.unit,
            "may_edit": writable and clue.status in Clue.EDITABLE,
            "may_withdraw": standing,
            "may_upload": standing,
            "evidence_form": evidence_form or EvidenceForm(),
            "withdraw_form": WithdrawForm(),
        },
    )


@login_required
@require_POST
def clue_submit(request, pk):
    clue = selectors.clue_for_user_or_404(request.user, pk)
    submit = partial(services.clue_submit, actor=request.user, clue=clue)
    _button(request, forms.Form(request.POST), submit, done=_("The clue has been submitted to the office."))
    return redirect(clue)


@login_required
@require_POST
def clue_withdraw(request, pk):
    clue = selectors.clue_for_user_or_404(request.user, pk)
    form = WithdrawForm(request.POST)
    _button(
        request, form,
        lambda: services.clue_withdraw(actor=request.user, clue=clue, reason=form.cleaned_data["reason"]),
        done=_("The clue has been withdrawn."),
    )
    return redirect(clue)


@login_required
@require_POST
def evidence_upload(request, pk):
    clue = selectors.clue_for_user_or_404(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    added = _submit(
        form, lambda: services.evidence_add(actor=request.user, clue=clue, uploaded_file=form.cleaned_data["file"])
    )
    if added is None:  # the page again, the reason at the file field
        return _render_clue(request, clue, evidence_form=form)
    messages.success(request, _("The file has been added."))
    return redirect(reverse("ledger:clue_detail", args=[clue.pk]) + "#evidence")


@login_required
def evidence_download(request, pk):
    """Evidence is served only here, to those who may see the clue: never from a public media URL."""
    evidence = selectors.evidence_for_user_or_404(request.user, pk)
    try:
        file = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(file, as_attachment=True, filename=evidence.name)
