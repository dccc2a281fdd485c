"""Tables received from outside the system: the county office files the attachment tables a unit sent as a
spreadsheet, and anyone who sees the unit downloads the file as it came."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from orgs import permissions
from screening import selectors as screening_selectors

from .. import selectors, services
from ..forms import ReceivedTableForm, UnitPickerForm
from .scope import chosen_unit


@login_required
def received_tables(request, slug):
    campaign = screening_selectors.campaign_for_user_or_404(request.user, slug)
    unit = chosen_unit(request, campaign)
    permissions.require_receives_tables(request.user, unit)
    senders = selectors.units_sending_tables(campaign, unit)
    form = ReceivedTableForm(request.POST or None, request.FILES or None, senders=senders,
                             initial={"sender": unit.pk})
    refusals = []
    if request.method == "POST" and form.is_valid():
        sender = form.cleaned_data["sender"]
        try:
            filed = services.received_tables_save(actor=request.user, campaign=campaign, unit=sender,
                                                  uploaded_file=form.cleaned_data["file"])
        except ValidationError as refused:
            refusals = refused.messages
        else:
            messages.success(request, _("Filed for %(unit)s: %(tables)s. The county and city tables now count them.")
                             % {"unit": sender.name, "tables": "、".join(r.get_attachment_display() for r in filed)})
            return redirect(f"{reverse('reports:received', args=[campaign.slug])}?unit={unit.pk}")
    return render(request, "reports/received.html", {
        "campaign": campaign, "unit": unit, "form": form, "refusals": refusals,
        "returns": selectors.received_returns(campaign, unit),
        "unit_picker": UnitPickerForm(units=selectors.units_for_tables(request.user, campaign), unit=unit),
    })


@login_required
def received_file(request, pk):
    filed = selectors.received_for_user_or_404(request.user, pk)
    return FileResponse(filed.file.open("rb"), as_attachment=True, filename=filed.original_name)
