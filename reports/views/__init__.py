"""The reports pages: preview a table of any unit the user may see, build its workbook, follow the job, download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.routers import report_reads

from orgs import permissions
from orgs.formtools import add_refusal
from orgs.models import Unit
from orgs.permissions import Perm
from review import services as review_services
from review.models import CountyReturn
from screening import selectors as screening_selectors

from .. import selectors, services, tables, work_results
from ..forms import CountyReturnForm, UnitPickerForm
from ..models import ReportRun
from ..table import body_grid, header_grid
from .scope import chosen_unit

PREVIEWS = {"attachment1": tables.attachment1, "attachment2": tables.attachment2, "attachment3": tables.attachment3,
            "results": work_results.results_table}
RECEIVED = ("attachment1", "attachment2")  # the tables a unit may send as a spreadsheet


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
    unit = chosen_unit(request, campaign)
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
        "may_receive": permissions.receives_tables(request.user, unit),
    })


@login_required
def preview(request, slug, kind):
    if kind not in PREVIEWS:
        raise Http404
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    unit = chosen_unit(request, campaign)
    with report_reads():
        table = PREVIEWS[kind](campaign=campaign, unit=unit)
    return render(request, "reports/preview.html", {
        "campaign": campaign, "unit": unit, "table": table, "kind": kind, "header": header_grid(table),
        "body": body_grid(table), "footer": services.footer_for(request.user),
        "may_export": permissions.has(request.user, Perm.EXPORT, unit),
        "unit_picker": UnitPickerForm(units=selectors.units_for_tables(request.user, campaign), unit=unit),
        "unmerged": table.unmerged, "may_review": permissions.has(request.user, Perm.REVIEW, unit),
        "may_receive": kind in RECEIVED and permissions.receives_tables(request.user, unit),
    })


@login_required
@require_POST
def build(request, slug):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    unit = chosen_unit(request, campaign)
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
    county = chosen_unit(request, campaign)
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

