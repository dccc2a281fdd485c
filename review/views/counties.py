"""Across counties: the notices a county received (通报), each read as a summary, acknowledged and turned into a clue of
its own; and the joint cases (多县案件) whose lead and assisting counties the city office names."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ledger import selectors as ledger_selectors
from orgs import permissions
from orgs.formtools import submit, submit_section
from orgs.paging import KeysFirstPaginator

from .. import services
from ..forms import CaseCountiesForm, CaseForm, ConfirmForm, OwnClueForm
from ..models import CountyNotice, JointCase
from ..selectors import counties as selectors

PAGE_SIZE = 50


def _require_follows_counties(user) -> None:
    # The lists are those of the offices and the leaders, who follow the governments' work; staff and administrators
    # follow none, and are refused them (403) rather than shown an empty list.
    if not permissions.units_followed(user).exists():
        raise PermissionDenied(_("Only the offices and leading groups follow the work across counties."))


# Notices -------------------------------------------------------------------------------------------------------------


def _notice_list(request, notices, *, sent: bool):
    _require_follows_counties(request.user)
    page = KeysFirstPaginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "review/notices.html",
                  {"page": page, "sent": sent, "current": "notices_sent" if sent else "notices"})


@login_required
@require_GET
def notices(request):
    return _notice_list(request, selectors.notices_received(request.user), sent=False)


@login_required
@require_GET
def notices_sent(request):
    return _notice_list(request, selectors.notices_sent(request.user), sent=True)


def _own_clue_form(notice: CountyNotice, data=None) -> OwnClueForm:
    county = notice.to_county
    return OwnClueForm(data, campaigns=selectors.campaigns_of(county), units=selectors.units_of(county),
                       notice=None if data is not None else notice)


def _render_notice(request, notice: CountyNotice, **bound):
    acts = permissions.acts_for(request.user, notice.to_county)
    return render(request, "review/notice.html", {
        "notice": notice,
        # The people behind the entity as its credit record holds them now, their ID numbers masked: the county
        # notified is not the office that recorded them.
        "people": ledger_selectors.entity_people(notice.entity, whole=False),
        "acts": acts,
        "acknowledge_form": ConfirmForm(),
        "clue_form": _own_clue_form(notice) if acts and not notice.opened_clue_id else None,
        **bound,
    })


def _act_on_notice(request, notice: CountyNotice, section: str, form, action, done: str):
    return submit_section(request, form, action, done=done, page_url=reverse("review:notice", args=[notice.pk]),
                          section=section, render_page=lambda **bound: _render_notice(request, notice, **bound))


@login_required
@require_GET
def notice(request, pk):
    return _render_notice(request, selectors.notice_for_user_or_404(request.user, pk))


@login_required
@require_POST
def notice_acknowledge(request, pk):
    notice = selectors.notice_for_user_or_404(request.user, pk)
    permissions.require_acts_for(request.user, notice.to_county)
    return _act_on_notice(request, notice, "acknowledge", ConfirmForm(request.POST),
                          lambda: services.notice_acknowledge(actor=request.user, notice=notice),
                          _("The notice has been acknowledged; the notifying county sees it."))


@login_required
@require_POST
def notice_clue(request, pk):
    notice = selectors.notice_for_user_or_404(request.user, pk)
    permissions.require_acts_for(request.user, notice.to_county)
    form = _own_clue_form(notice, request.POST)
    return _act_on_notice(request, notice, "clue", form,
                          lambda: services.notice_open_clue(actor=request.user, notice=notice,
                                                            data=services.OwnClue(**form.cleaned_data)),
                          _("The clue has been opened in your county's review queue."))


# Joint cases ---------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def cases(request):
    _require_follows_counties(request.user)
    page = KeysFirstPaginator(selectors.cases_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "review/cases.html", {
        "page": page, "lines": selectors.case_lines(request.user, page.object_list),
        "may_open": selectors.cities_led(request.user).exists(), "current": "cases",
    })


def _city_led(user):
    city = selectors.cities_led(user).first()
    if city is None:
        raise PermissionDenied(_("Only a city's office names the counties of a joint case."))
    return city


@login_required
def case_create(request):
    city = _city_led(request.user)
    form = CaseForm(request.POST or None, counties=selectors.counties_of(city),
                    clues=selectors.case_clues_for(request.user, city))
    opened = []
    if request.method == "POST" and submit(
            form, lambda: opened.append(services.case_open(actor=request.user, city=city, **form.cleaned_data))):
        messages.success(request, _("The joint case has been opened; its counties have been told."))
        return redirect("review:case", opened[0].pk)
    return render(request, "review/case_create.html", {"form": form, "city": city})


def _render_case(request, case: JointCase, **bound):
    clues = list(selectors.case_clues(case))
    line = selectors.case_lines(request.user, JointCase.objects.filter(pk=case.pk))[0]
    assign_form = None
    if permissions.acts_for(request.user, case.city):
        assign_form = bound.get("assign_form") or CaseCountiesForm(
            counties=selectors.counties_of(case.city), initial={"lead": line.lead, "assisting": line.assisting})
    return render(request, "review/case.html", {
        "case": case,
        "line": line,
        "parts": selectors.case_parts(case),
        "clues": clues,
        "reviewed": selectors.clues_reviewed_among(request.user, clues),
        "assign_form": assign_form,
    })


@login_required
@require_GET
def case(request, pk):
    return _render_case(request, selectors.case_for_user_or_404(request.user, pk))


@login_required
@require_POST
def case_assign(request, pk):
    case = selectors.case_for_user_or_404(request.user, pk)
    permissions.require_acts_for(request.user, case.city)
    form = CaseCountiesForm(request.POST, counties=selectors.counties_of(case.city))
    return submit_section(request, form,
                          lambda: services.case_assign(actor=request.user, case=case, **form.cleaned_data),
                          done=_("The counties of the case have been changed; they have been told."),
                          page_url=reverse("review:case", args=[case.pk]), section="assign",
                          render_page=lambda **bound: _render_case(request, case, **bound))
