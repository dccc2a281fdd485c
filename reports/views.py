"""The reports pages: preview a table of any unit the user may see, build its workbook, follow the job, download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.routers import report_reads

from orgs import permissions
from orgs import selectors as org_selectors
from orgs.formtools import add_refusal
from orgs.models import Unit
from orgs.permissions import Perm
from oversight import services as oversight_services
from review import services as review_services
from review.models import CountyReturn
from screening import selectors as screening_selectors

from . import completeness, selectors, services, tables
from .forms import CountyReturnForm, UnitPickerForm
from .models import ReportRun
from .table import body_grid, header_grid

PREVIEWS = {"attachment1": tables.attachment1, "attachment2": tables.attachment2, "attachment3": tables.attachment3}


def _chosen_unit(request, campaign) -> Unit:
    """The unit asked for, else the user's active unit (or the nearest one whose tables they may see)."""
    units = selectors.units_for_tables(request.user, campaign)
    if "unit" in request.GET or "unit" in request.POST:
        try:
            chosen = int(request.GET.get("unit") or request.POST.get("unit"))
        except ValueError:
            raise Http404
        return selectors.unit_for_tables_or_404(request.user, campaign, chosen)
    active = org_selectors.active_membership(request)
    if active is not None:
        preferred = units.filter(pk=active.unit.jurisdiction.pk).first()
        if preferred:
            return preferred
    first = units.first()
    if first is None:
        raise Http404
    return first


@login_required
def index(request):
    campaigns = screening_selectors.campaigns_visible_to(request.user).filter(status="published")
    newest = campaigns.order_by("-year", "-pk").first() or screening_selectors.campaigns_visible_to(request.user).first()
    if newest is None:
        return render(request, "reports/none.html")
    return redirect("reports:campaign", newest.slug)


@login_required
def campaign_reports(request, slug):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    unit = _chosen_unit(request, campaign)
    return render(request, "reports/campaign.html", {
        "campaign": campaign,
        "unit": unit,
        "unit_picker": UnitPickerForm(units=selectors.units_for_tables(request.user, campaign), unit=unit),
        "may_export": permissions.has(request.user, Perm.EXPORT, unit),
        "kinds": ReportRun.Kind.choices,
        "runs": selectors.runs_of(request.user, campaign),
        "may_fill_return": unit.level == Unit.Level.COUNTY and permissions.has(request.user, Perm.REVIEW, unit),
        "unmerged": tables.unmerged_entities(campaign, unit),
        "may_review": permissions.has(request.user, Perm.REVIEW, unit),
    })


@login_required
def preview(request, slug, kind):
    if kind not in PREVIEWS:
        raise Http404
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    unit = _chosen_unit(request, campaign)
    with report_reads():
        table = PREVIEWS[kind](campaign=campaign, unit=unit)
    return render(request, "reports/preview.html", {
        "campaign": campaign, "unit": unit, "table": table, "kind": kind, "header": header_grid(table),
        "body": body_grid(table), "footer": services.footer_for(request.user),
        "may_export": permissions.has(request.user, Perm.EXPORT, unit),
        "unit_picker": UnitPickerForm(units=selectors.units_for_tables(request.user, campaign), unit=unit),
        "unmerged": table.unmerged, "may_review": permissions.has(request.user, Perm.REVIEW, unit),
    })


@login_required
@require_POST
def build(request, slug):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    unit = _chosen_unit(request, campaign)
    try:
        run = services.report_run_request(actor=request.user, kind=request.POST.get("kind", ""), campaign=campaign,
                                          unit=unit)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect(f"{campaign_url(campaign)}?unit={unit.pk}")
    return redirect(run)


def campaign_url(campaign) -> str:
    return reverse("reports:campaign", args=[campaign.slug])


@login_required
def run_detail(request, pk):
    run = selectors.run_for_user_or_404(request.user, pk)
    return render(request, "reports/run.html", {"run": run, "pending": run.status in ("queued", "running")})


@login_required
def run_download(request, pk):
    run = selectors.run_for_user_or_404(request.user, pk)
    if run.status != ReportRun.Status.DONE or not run.file:
        raise Http404
    name = run.file.name.rsplit("/", 1)[-1].split("-", 1)[-1]
    return FileResponse(run.file.open("rb"), as_attachment=True, filename=name)


@login_required
def county_return(request, slug):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    county = _chosen_unit(request, campaign)
    permissions.require(request.user, Perm.REVIEW, county)
    filed = CountyReturn.objects.filter(county=county, year=campaign.year).first()
    proposed = tables.proposed_case_counts(campaign, [county]).get(county.pk, 0)
    initial = (
        {"criminal_cases": filed.criminal_cases, "has_large_case": "1" if filed.has_large_case else "0",
         "has_petition_event": "1" if filed.has_petition_event else "0", "remarks": filed.remarks}
        if filed else {"criminal_cases": proposed, "has_large_case": "0", "has_petition_event": "0"}
    )
    form = CountyReturnForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = review_services.county_return_save(
                actor=request.user, county=county, year=campaign.year,
                answers=review_services.CountyAnswers(**form.cleaned_data),
            )
        except ValidationError as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, tables.qualification(saved))
            return redirect(f"{campaign_url(campaign)}?unit={county.pk}")
    return render(request, "reports/county_return.html", {
        "campaign": campaign, "county": county, "form": form, "proposed": proposed, "filed": filed,
    })


@login_required
def completeness_page(request, slug):
    """Reporting completeness of the units expected to report beneath the chosen unit, with the reminders (催报)."""
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    unit = _chosen_unit(request, campaign)
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
    unit = _chosen_unit(request, campaign)
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
