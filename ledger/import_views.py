"""Excel in and out: the templates to fill in, the upload with a preview of every row, the confirmation that saves
them all, and the export of the ledger the user may see.

Between a preview without errors and the confirmation, the uploaded file waits under MEDIA_ROOT/imports/ under a random
name kept in the user's session; the confirmation reads it again from there, never from a path the browser sends.
"""

import io
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orgs import permissions
from orgs import selectors as org_selectors
from orgs.models import Unit
from orgs.permissions import Perm
from screening import locks
from screening.models import Campaign
from screening.selectors import campaign_for_user_or_404

from . import excel, exporting, import_template, importing, services
from .models import ScreeningRecord

SESSION_KEY = "ledger_imports"
UPLOAD_DIR = "imports"
I = importing  # noqa: E741
# Beside the name and the code, the figures a wrong column would garble, so that it shows before confirming.
PREVIEW_COLUMNS = {
    I.CLUES.kind: (I.NAME, I.CODE, I.SECTOR, I.BEHAVIOURS, I.AMOUNT, I.PEOPLE, I.UNPAID),
    I.RECORDS.kind: (I.NAME, I.CODE, I.SECTOR, I.BEHAVIOURS, I.METHOD, I.SCREENED_ON, I.RESULT),
}
NUMBERS = {I.AMOUNT, I.PEOPLE, I.UNPAID}
FIELD_OF_HEADER = {header: name for name, header in I.FIELD_HEADERS.items()}
LIST_VIEWS = {importing.CLUES.kind: "ledger:clue_list", importing.RECORDS.kind: "ledger:record_list"}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{excel.XLSX_CONTENT_TYPE}"}),
    )
    submit = forms.BooleanField(label=gettext_lazy("Submit the clues to the office after the import"), required=False)
    accept_code_warnings = forms.BooleanField(
        label=gettext_lazy("Accept credit codes whose check character is wrong"), required=False,
        help_text=gettext_lazy("Some early licences carry such codes. Tick this only when the codes are copied from "
                               "the licences; otherwise those rows are shown as errors."),
    )

    def __init__(self, *args, sheet: importing.Sheet, **kwargs):
        super().__init__(*args, **kwargs)
        if sheet is not importing.CLUES:
            del self.fields["submit"]


def _sheet_or_404(kind: str) -> importing.Sheet:
    try:
        return importing.SHEETS[kind]
    except KeyError:
        raise Http404


def _enterable_units(user, campaign: Campaign):
    return (
        permissions.units(user, Perm.ENTER)
        .filter(path__startswith=campaign.scope_unit.path, is_active=True)
        .order_by("path")
    )


def _unit_for_import(user, campaign: Campaign, pk) -> Unit:
    """The unit to import into: 404 when the user may not see it at all, 403 when they see it but may not enter."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404
    unit = get_object_or_404(permissions.units(user, Perm.VIEW).filter(path__startswith=campaign.scope_unit.path), pk=pk)
    permissions.require(user, Perm.ENTER, unit)
    return unit


def _default_unit(request, units) -> Unit | None:
    """The unit of the active membership when the user may import into it, else the first one they may."""
    membership = org_selectors.active_membership(request)
    units = list(units)
    return next((unit for unit in units if membership and unit.pk == membership.unit_id), units[0] if units else None)


# Keeping the upload between preview and confirmation -----------------------------------------------------------------


def _upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIR


def _pending_key(campaign: Campaign, sheet: importing.Sheet) -> str:
    return f"{campaign.slug}/{sheet.kind}"


def _keep(request, campaign: Campaign, sheet: importing.Sheet, uploaded, **options) -> None:
    folder = _upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    # A file older than any session can no longer be confirmed: those left by abandoned previews go.
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < time.time() - settings.SESSION_COOKIE_AGE:
            old.unlink(missing_ok=True)
    _forget(request, campaign, sheet)
    name = f"{secrets.token_hex(16)}.xlsx"
    with (folder / name).open("wb") as stored:
        for chunk in uploaded.chunks():
            stored.write(chunk)
    pending = request.session.get(SESSION_KEY, {})
    pending[_pending_key(campaign, sheet)] = {"file": name, **options}
    request.session[SESSION_KEY] = pending


def _forget(request, campaign: Campaign, sheet: importing.Sheet) -> None:
    pending = request.session.get(SESSION_KEY, {})
    kept = pending.pop(_pending_key(campaign, sheet), None)
    if kept:
        (_upload_dir() / kept["file"]).unlink(missing_ok=True)
        request.session[SESSION_KEY] = pending


# Views ---------------------------------------------------------------------------------------------------------------


@login_required
def import_upload(request, slug, kind):
    campaign = campaign_for_user_or_404(request.user, slug)
    sheet = _sheet_or_404(kind)
    units = _enterable_units(request.user, campaign)
    if request.method != "POST":
        unit = _default_unit(request, units)
        if unit is None:
            raise PermissionDenied(_("You do not enter data in this campaign."))
        return _render_upload(request, campaign, sheet, UploadForm(sheet=sheet), units, unit)
    unit = _unit_for_import(request.user, campaign, request.POST.get("unit"))
    form = UploadForm(request.POST, request.FILES, sheet=sheet)
    if not form.is_valid():
        return _render_upload(request, campaign, sheet, form, units, unit)
    options = {
        "unit": unit.pk, "submit": form.cleaned_data.get("submit", False),
        "accept_code_warnings": form.cleaned_data["accept_code_warnings"],
    }
    uploaded = form.cleaned_data["file"]
    try:
        result = importing.preview(
            uploaded, sheet=sheet, campaign=campaign, unit=unit, accept_code_warnings=options["accept_code_warnings"]
        )
    except excel.ExcelError as error:
        form.add_error("file", error.message)
        return _render_upload(request, campaign, sheet, form, units, unit)
    if result.is_valid:
        _keep(request, campaign, sheet, uploaded, **options)
    else:
        _forget(request, campaign, sheet)
    return _render_preview(request, campaign, unit, result, submit=options["submit"])


def _render_upload(request, campaign, sheet, form, units, unit):
    return render(
        request,
        "ledger/import_upload.html",
        {
            "campaign": campaign, "sheet": sheet, "form": form, "units": units, "unit": unit,
            "entry": locks.entry_state(campaign, unit),
            "max_mb": excel.MAX_FILE_BYTES // (1024 * 1024), "max_rows": excel.MAX_ROWS,
        },
    )


def _render_preview(request, campaign, unit, result: importing.Preview, *, submit: bool):
    columns = PREVIEW_COLUMNS[result.sheet.kind]
    return render(
        request,
        "ledger/import_preview.html",
        {
            "campaign": campaign, "sheet": result.sheet, "unit": unit, "result": result, "submit": submit,
            "entry": locks.entry_state(campaign, unit),
            "error_lines": importing.row_error_lines(result),
            "columns": [(header, header in NUMBERS) for header in columns],
            "rows": [(row, [(_shown(row, header), header in NUMBERS) for header in columns]) for row in result.rows],
        },
    )


def _shown(row: importing.PreviewRow, header: str):
    """A cell as it will be saved (a term by its name, an amount at two decimals), or as written when it was refused
    or is text."""
    if header in (I.NAME, I.CODE) or any(error.column == header for error in row.errors):
        return row.cells.get(header)
    value = getattr(row.data, FIELD_OF_HEADER[header])
    if header == I.RESULT:
        return ScreeningRecord.Result(value).label
    if isinstance(value, list):
        return "、".join(term.name for term in value)
    return value


@login_required
@require_POST
def import_confirm(request, slug, kind):
    campaign = campaign_for_user_or_404(request.user, slug)
    sheet = _sheet_or_404(kind)
    pending = request.session.get(SESSION_KEY, {}).get(_pending_key(campaign, sheet))
    path = pending and _upload_dir() / pending["file"]
    if not path or not path.exists():
        messages.error(request, _("No uploaded file is waiting to be imported; upload it again."))
        return redirect("ledger:import_upload", slug, kind)
    unit = _unit_for_import(request.user, campaign, pending["unit"])
    with path.open("rb") as file, transaction.atomic():
        # Under the unit's lock, read again: the ledger may have changed since the preview (another import, a clue
        # entered by hand), also at this very moment, when a second confirmation waits and then reads what the first
        # saved, as it would one after the other.
        services.lock_unit_entries(unit)
        result = importing.preview(
            file, sheet=sheet, campaign=campaign, unit=unit, accept_code_warnings=pending["accept_code_warnings"]
        )
        refusal = ""
        if not result.is_valid:
            refusal = _("The ledger has changed since the preview; some rows cannot be imported now.")
        else:
            try:
                saved = importing.save(
                    result, actor=request.user, campaign=campaign, unit=unit, submit=pending["submit"]
                )
            except locks.EntryClosed as closed:
                refusal = closed.reason
            except ValidationError as error:
                refusal = " ".join(error.messages)
    if refusal:
        messages.error(request, refusal)
        return _render_preview(request, campaign, unit, result, submit=pending["submit"])
    _forget(request, campaign, sheet)
    messages.success(request, _("Imported: %(what)s.") % {"what": sheet.counted % {"count": len(saved)}})
    return redirect(LIST_VIEWS[sheet.kind], slug)


@login_required
def template_download(request, slug, kind):
    campaign = campaign_for_user_or_404(request.user, slug)
    sheet = _sheet_or_404(kind)
    return _xlsx(import_template.template(sheet, campaign), f"{sheet.title}-{campaign.slug}.xlsx")


@login_required
def ledger_export(request, slug):
    """The clues and the screening records of the campaign that the user may see, one sheet each."""
    campaign = campaign_for_user_or_404(request.user, slug)
    permissions.require_anywhere(request.user, Perm.VIEW)
    content = io.BytesIO()
    exporting.write_ledger(content, user=request.user, campaign=campaign)
    return _xlsx(content.getvalue(), f"风险台账-{campaign.slug}.xlsx")


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
