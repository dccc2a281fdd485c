"""The responsible unit's disposal tasks: the list of its tasks, the task page (the clue as far as the task needs it, the
office's plan, the progress and the files) and its actions: note progress, add a file, report a stage reached; and the
download of a disposal file, for the responsible unit and the office. A disposal is looked up through the units the user
acts for, so everyone else meets a 404 on the task page and its actions."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ledger.forms import EvidenceForm
from orgs import permissions
from orgs.formtools import submit_section
from screening.locks import today_local

from .. import services
from ..forms import ProgressForm, StageReportForm
from ..models import Disposal
from ..selectors import tasks as selectors

PAGE_SIZE = 50


@login_required
def tasks(request):
    permissions.require_anywhere(request.user, permissions.ACT_ON_TASKS)
    page = Paginator(selectors.tasks_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "review/tasks.html", {"page": page, "lines": selectors.task_lines(page, on=today_local())})


def _render_task(request, disposal: Disposal, **bound):
    """The task page; ``bound`` holds the form that was posted and refused, shown with its errors."""
    forms = {
        "progress_form": ProgressForm(initial={"on": today_local()}),
        "file_form": EvidenceForm(),
        "stage_form": StageReportForm(disposal=disposal),
    } | bound
    [line] = selectors.task_lines([disposal], on=today_local())
    return render(request, "review/task.html", {
        "disposal": disposal,
        "clue": disposal.clue,
        "days_overdue": line.days_overdue,
        "notes": selectors.notes_of(disposal),
        "files": selectors.files_of(disposal),
        **forms,
    })


def _act(request, disposal: Disposal, name: str, form, action: Callable[[], object], done: str):
    return submit_section(request, form, action, done=done, page_url=reverse("review:task", args=[disposal.pk]),
                          section=name, render_page=lambda **bound: _render_task(request, disposal, **bound))


@login_required
def task(request, pk):
    return _render_task(request, selectors.task_for_user_or_404(request.user, pk))


@login_required
@require_POST
def task_progress(request, pk):
    disposal = selectors.task_for_user_or_404(request.user, pk)
    form = ProgressForm(request.POST)
    return _act(request, disposal, "progress", form,
                lambda: services.task_progress_add(actor=request.user, disposal=disposal, **form.cleaned_data),
                _("The progress note has been added; the office has been told."))


@login_required
@require_POST
def task_file(request, pk):
    disposal = selectors.task_for_user_or_404(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    return _act(request, disposal, "file", form,
                lambda: services.task_file_add(actor=request.user, disposal=disposal,
                                               uploaded_file=form.cleaned_data["file"]),
                _("The file has been added; the office has been told."))


@login_required
@require_POST
def task_stage(request, pk):
    disposal = selectors.task_for_user_or_404(request.user, pk)
    form = StageReportForm(request.POST, disposal=disposal)
    return _act(request, disposal, "stage", form,
                lambda: services.task_stage_report(actor=request.user, disposal=disposal, **form.cleaned_data),
                _("The stage has been reported; the office has been told."))


@login_required
def disposal_file(request, pk):
    """Disposal files are served only here, never from a public media URL."""
    added = selectors.file_for_user_or_404(request.user, pk)
    try:
        file = added.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(file, as_attachment=True, filename=added.name)
