"""An entity's page: its history across campaigns and years (records, clues, disposals, the watch list, its people and
the entities that may be it under another name, 迁址后改头换面), scoped to what the user may see; staff and the office
name its people there, and the office puts it or them on the watch list and takes them off."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ledger import credit, hits
from ledger import selectors as ledger_selectors
from ledger.models import Entity
from orgs import permissions
from orgs.formtools import submit_section
from orgs.permissions import Perm

from ..forms import LeaveForm, PersonForm, WatchForm
from ..selectors import entity as selectors


def _render(request, entity: Entity, **bound):
    user = request.user
    whole = ledger_selectors.sees_whole_id_numbers(user, entity)
    clues = list(ledger_selectors.entity_clues(user, entity))
    disposals = selectors.disposals_of(user, clues)
    forms = {
        "person_form": PersonForm(),
        "watch_form": WatchForm(people=ledger_selectors.people_of(entity)),
        "leave_form": LeaveForm(),
    } | bound
    return render(request, "review/entity.html", {
        "entity": entity,
        "watch_hits": hits.hits_for([entity]).get(entity.pk, []),
        "records": ledger_selectors.entity_records(user, entity),
        "clue_lines": [(clue, disposals.get(clue.pk)) for clue in clues],
        "people": ledger_selectors.entity_people(entity, whole=whole),
        "whole_id_numbers": whole,
        "entries": ledger_selectors.watch_entries_of(entity),
        "related": ledger_selectors.related_entities(user, entity),
        "may_add_people": ledger_selectors.may_add_people(user, entity),
        "may_list": whole,
        **forms,
    })


def _act(request, entity: Entity, name: str, form, action, done: str):
    return submit_section(request, form, action, done=done, page_url=reverse("review:entity", args=[entity.pk]),
                          section=name, render_page=lambda **bound: _render(request, entity, **bound))


@login_required
@require_GET
def entity(request, pk):
    return _render(request, ledger_selectors.entity_for_user_or_404(request.user, pk))


@login_required
@require_POST
def person_add(request, pk):
    entity = ledger_selectors.entity_for_user_or_404(request.user, pk)
    if not ledger_selectors.may_add_people(request.user, entity):
        raise PermissionDenied(_("You do not record this entity."))
    form = PersonForm(request.POST)
    return _act(request, entity, "person", form,
                lambda: credit.person_add(actor=request.user, entity=entity, **form.cleaned_data),
                _("The person has been added."))


@login_required
@require_POST
def watch_add(request, pk):
    entity = ledger_selectors.entity_for_user_or_404(request.user, pk)
    unit = selectors.listing_unit(request.user, entity)
    if unit is None:
        raise PermissionDenied(_("Only the office puts an entity on the watch list."))
    form = WatchForm(request.POST, people=ledger_selectors.people_of(entity))

    def add():
        person = form.cleaned_data["person"]
        credit.watch_list_add(actor=request.user, unit=unit, entity=None if person else entity, person=person,
                              reason=form.cleaned_data["reason"], listed_on=form.cleaned_data["listed_on"])

    return _act(request, entity, "watch", form, add, _("The watch list has been updated."))


@login_required
@require_POST
def watch_leave(request, pk):
    entry, entity = ledger_selectors.watch_entry_or_404(request.user, pk)
    permissions.require(request.user, Perm.REVIEW, entry.unit)
    form = LeaveForm(request.POST)
    return _act(request, entity, "leave", form,
                lambda: credit.watch_leave(actor=request.user, entry=entry, reason=form.cleaned_data["reason"],
                                           left_on=form.cleaned_data["left_on"]),
                _("The entry has left the watch list."))
