"""A unit's campaign work page (its information reports, summary report and implementation plan, and the forms to file
them), the pages of one briefing or report, the list of briefings the user may see, and the file downloads. Objects
are looked up among the units the user may see, so others meet a 404."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orgs import permissions
from orgs import selectors as org_selectors
from orgs.formtools import submit, submit_section
from orgs.permissions import Perm
from screening import locks
from screening import selectors as screening_selectors
from screening.locks import today_local

from . import bulletin_docx as bulletin_docx_module
from . import selectors, services
from .forms import (
    ActionFormSet, AnswerForm, BriefingForm, BulletinForm, FilingForm, InspectingUnitsForm, InspectionForm, QuotasForm,
    WorkResultsForm,
)
from .models import BriefingQuota, Filing, WorkResults

PAGE_SIZE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _reporting_unit(request):
    """The unit the user files for: their active membership's unit, or for an office the government it serves."""
    membership = org_selectors.active_membership(request)
    unit = membership and permissions.grant_unit(membership)
    if not unit or not permissions.speaks_for(request.user, unit):
        raise PermissionDenied(_("You do not report for any unit."))
    return unit


def _render_work(request, campaign, unit, **bound):
    filings = selectors.own_filings(campaign, unit)
    briefings = list(selectors.own_briefings(campaign, unit))
    reports = []
    for kind, label in Filing.Kind.choices:
        filing = filings.get(kind)
        reports.append({
            "kind": kind, "label": label, "filing": filing,
            "state": locks.filing_state(campaign, unit, [Filing.PHASE_OF_KIND[kind]]),
            "phase": next((p for p in campaign.phases.all() if p.kind == Filing.PHASE_OF_KIND[kind]), None),
            "form": bound.get(f"{kind}_form") or FilingForm(filing=filing, auto_id=f"{kind}-%s"),
        })
    return render(request, "oversight/work.html", {
        "campaign": campaign,
        "unit": unit,
        "inspects": selectors.is_named_inspector(campaign, unit),
        "briefings": briefings,
        "quota": selectors.quotas(campaign, [unit])[unit.pk],
        "briefing_state": locks.filing_state(campaign, unit, services.BRIEFING_PHASES),
        "briefing_form": bound.get("briefing_form") or BriefingForm(initial={"day": today_local()},
                                                                    auto_id="briefing-%s"),
        "reports": reports,
        "results_form": bound.get("results_form") or WorkResultsForm(
            instance=WorkResults.objects.filter(campaign=campaign, unit=unit).first(), auto_id="results-%s"),
    })


@login_required
def work(request, slug):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    return _render_work(request, campaign, _reporting_unit(request))


@login_required
@require_POST
def briefing_add(request, slug):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    unit = _reporting_unit(request)
    form = BriefingForm(request.POST, request.FILES, auto_id="briefing-%s")
    return submit_section(
        request, form,
        lambda: services.briefing_file(actor=request.user, campaign=campaign, unit=unit, **form.cleaned_data),
        done=_("The information report has been filed; the office has been told."),
        page_url=reverse("oversight:work", args=[campaign.slug]), section="briefing",
        render_page=lambda **bound: _render_work(request, campaign, unit, **bound),
    )


@login_required
@require_POST
def filing_save(request, slug, kind):
    if kind not in Filing.Kind.values:
        raise Http404
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    unit = _reporting_unit(request)
    form = FilingForm(request.POST, request.FILES, auto_id=f"{kind}-%s")
    return submit_section(
        request, form,
        lambda: services.filing_save(actor=request.user, campaign=campaign, unit=unit, kind=kind,
                                     **form.cleaned_data),
        done=_("The report has been filed; the office has been told."),
        page_url=reverse("oversight:work", args=[campaign.slug]), section=kind,
        render_page=lambda **bound: _render_work(request, campaign, unit, **bound),
    )


@login_required
@require_POST
def results_save(request, slug):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    unit = _reporting_unit(request)
    form = WorkResultsForm(request.POST, auto_id="results-%s")
    return submit_section(
        request, form,
        lambda: services.results_save(actor=request.user, campaign=campaign, unit=unit, figures=form.figures()),
        done=_("The work results have been saved."),
        page_url=reverse("oversight:work", args=[campaign.slug]), section="results",
        render_page=lambda **bound: _render_work(request, campaign, unit, **bound),
    )


@login_required
def briefings(request, slug):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    permissions.require_anywhere(request.user, Perm.VIEW)
    found = selectors.briefings_visible_to(request.user, campaign).order_by("unit__path", "-day", "-pk")
    unit_id = request.GET.get("unit", "")
    if unit_id.isdigit():
        found = found.filter(unit_id=int(unit_id))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "oversight/briefings.html", {"campaign": campaign, "page": page})


@login_required
def briefing(request, pk):
    found = selectors.briefing_for_user_or_404(request.user, pk)
    return render(request, "oversight/briefing.html", {"briefing": found, "files": found.files.all()})


@login_required
def filing(request, pk):
    found = selectors.filing_for_user_or_404(request.user, pk)
    return render(request, "oversight/filing.html", {"filing": found, "files": found.files.all()})


def _download(stored):
    try:
        file = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(file, as_attachment=True, filename=stored.name)


@login_required
def briefing_file(request, pk):
    """Files are served only here and below, never from a public media URL."""
    return _download(selectors.briefing_file_for_user_or_404(request.user, pk))


@login_required
def filing_file(request, pk):
    return _download(selectors.filing_file_for_user_or_404(request.user, pk))


@login_required
def quotas(request, slug):
    """The admin's page of the campaign's quotas of information reports and of the units it names to inspect."""
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    permissions.require(request.user, Perm.MANAGE, campaign.scope_unit)
    posted = request.POST.get("save")
    current = {(q.unit_level, q.unit_kind): q.minimum for q in BriefingQuota.objects.filter(campaign=campaign)}
    form = QuotasForm(request.POST if posted == "quotas" else None, kinds=selectors.quota_kinds(campaign),
                      current=current)
    inspecting_form = InspectingUnitsForm(request.POST if posted == "inspecting_units" else None,
                                          departments=selectors.nameable_inspectors(campaign),
                                          initial={"units": selectors.inspecting_units(campaign)})
    if posted == "quotas" and submit(
        form, lambda: services.quotas_set(actor=request.user, campaign=campaign, minimums=form.minimums())
    ):
        messages.success(request, _("The quotas have been saved."))
        return redirect("oversight:quotas", campaign.slug)
    if posted == "inspecting_units" and submit(inspecting_form, lambda: services.inspecting_units_set(
        actor=request.user, campaign=campaign, units=list(inspecting_form.cleaned_data["units"])
    )):
        messages.success(request, _("The units that inspect have been saved."))
        return redirect("oversight:quotas", campaign.slug)
    return render(request, "oversight/quotas.html",
                  {"campaign": campaign, "form": form, "inspecting_form": inspecting_form})


def _issuer(request):
    """The government whose bulletins the user reads: the one their office or leading group serves."""
    membership = org_selectors.active_membership(request)
    unit = membership and permissions.grant_unit(membership)
    if not unit or not permissions.follows_progress(request.user, unit):
        raise PermissionDenied(_("Bulletins are issued and read by the office and the leaders."))
    return unit


def _may_issue(user, issuer) -> bool:
    return permissions.speaks_for(user, issuer) and permissions.has(user, Perm.REVIEW, issuer)


def _render_bulletins(request, campaign, issuer, form=None):
    may_issue = _may_issue(request.user, issuer)
    candidates = selectors.bulletin_candidates(campaign, issuer)
    return render(request, "oversight/bulletins.html", {
        "campaign": campaign, "issuer": issuer, "bulletins": selectors.bulletins_of(issuer), "may_issue": may_issue,
        "form": form or BulletinForm(briefings=candidates, initial={"day": today_local()}),
    })


@login_required
def bulletins(request, slug):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    return _render_bulletins(request, campaign, _issuer(request))


@login_required
@require_POST
def bulletin_issue(request, slug):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    issuer = _issuer(request)
    if not _may_issue(request.user, issuer):
        raise PermissionDenied(_("Bulletins are issued by the office of %(unit)s.") % {"unit": issuer.name})
    form = BulletinForm(request.POST, briefings=selectors.bulletin_candidates(campaign, issuer))
    issued = []
    if submit(form, lambda: issued.append(services.bulletin_issue(
        actor=request.user, campaign=campaign, issuer=issuer, briefings=form.ordered_briefings(),
        title=form.cleaned_data["title"], day=form.cleaned_data["day"], send_to=form.cleaned_data["send_to"],
        copy_to=form.cleaned_data["copy_to"],
    ))):
        messages.success(request, _("%(bulletin)s has been issued.") % {"bulletin": issued[0]})
        return redirect("oversight:bulletins", campaign.slug)
    return _render_bulletins(request, campaign, issuer, form)


@login_required
def bulletin_docx(request, pk):
    bulletin = selectors.bulletin_for_user_or_404(request.user, pk)
    response = HttpResponse(bulletin_docx_module.render(bulletin), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, f"{bulletin}.docx")
    return response


# Supervision (督导检查) ------------------------------------------------------------------------------------------------


def _inspection_scope(request, campaign):
    """(the government whose units the user inspects, the named unit the user inspects for, if not its office)."""
    membership = org_selectors.active_membership(request)
    unit = membership and permissions.grant_unit(membership)
    if unit and unit.parent and selectors.is_named_inspector(campaign, unit) \
            and permissions.speaks_for(request.user, unit) and not permissions.follows_progress(request.user, unit):
        return unit.parent, unit
    return _issuer(request), None


def _render_inspections(request, campaign, scope, by, form=None, actions=None):
    may_record = by is not None or permissions.has(request.user, Perm.REVIEW, scope)
    return render(request, "oversight/inspections.html", {
        "campaign": campaign, "scope": scope, "by": by, "may_record": may_record,
        "table": selectors.visit_table(campaign, scope, on=today_local(), by=by),
        "inspections": selectors.inspections_beneath(campaign, scope, by=by)[:PAGE_SIZE],
        "form": form or InspectionForm(units=_inspectable(campaign, scope, by), initial={"day": today_local()}),
        "actions": actions or ActionFormSet(prefix="actions"),
    })


def _inspectable(campaign, scope, by):
    units = screening_selectors.reporting_units(campaign).filter(path__startswith=scope.path).order_by("path")
    return units if by is None else units.exclude(pk__in=[by.pk, scope.pk])


@login_required
def inspections(request, slug):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    return _render_inspections(request, campaign, *_inspection_scope(request, campaign))


@login_required
@require_POST
def inspection_record(request, slug):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    scope, by = _inspection_scope(request, campaign)
    if by is None:
        permissions.require(request.user, Perm.REVIEW, scope)
    form = InspectionForm(request.POST, units=_inspectable(campaign, scope, by))
    actions = ActionFormSet(request.POST, prefix="actions")
    recorded = []

    def record():
        plans = [services.ActionPlan(f.cleaned_data["text"], f.cleaned_data["deadline"])
                 for f in actions if f.cleaned_data.get("text")]
        recorded.append(services.inspection_record(actor=request.user, campaign=campaign, actions=plans,
                                                   **form.cleaned_data))

    if actions.is_valid() and submit(form, record):
        messages.success(request, _("The inspection has been recorded; the unit has been told."))
        return redirect("oversight:inspection", recorded[0].pk)
    return _render_inspections(request, campaign, scope, by, form, actions)


def _render_inspection(request, inspection, **bound):
    unit = inspection.unit
    return render(request, "oversight/inspection.html", {
        "inspection": inspection, "actions": inspection.actions.all(),
        "may_answer": permissions.speaks_for(request.user, unit),
        "may_close": selectors.may_close(request.user, inspection),
        "answer_form": AnswerForm(), **bound,
    })


@login_required
def inspection(request, pk):
    return _render_inspection(request, selectors.inspection_for_user_or_404(request.user, pk))


def _action_of(request, inspection_pk: int, pk: int):
    found = selectors.inspection_for_user_or_404(request.user, inspection_pk)
    action = found.actions.filter(pk=pk).first()
    if action is None:
        raise Http404
    return found, action


@login_required
@require_POST
def action_answer(request, inspection, pk):
    found, action = _action_of(request, inspection, pk)
    permissions.require_speaks_for(request.user, found.unit)
    form = AnswerForm(request.POST)
    if submit(form, lambda: services.action_answer(actor=request.user, action=action, **form.cleaned_data)):
        messages.success(request, _("The answer has been sent; the office has been told."))
        return redirect("oversight:inspection", found.pk)
    return _render_inspection(request, found, answer_form=form, answered=action.pk)


@login_required
@require_POST
def action_close(request, inspection, pk):
    found, action = _action_of(request, inspection, pk)
    try:
        services.action_close(actor=request.user, action=action)
        messages.success(request, _("The action has been closed; the unit has been told."))
    except ValidationError as error:
        messages.error(request, "\n".join(error.messages))
    return redirect("oversight:inspection", found.pk)
