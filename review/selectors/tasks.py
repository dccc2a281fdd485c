"""Reads of the responsible unit's disposal tasks: the disposals assigned to the units the user acts for
(``permissions.ACT_ON_TASKS``), with what the task needs of its clue and nothing of the office's rating; and the files of
a disposal, for the responsible unit and the office alike."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from ledger.models import Clue
from orgs import permissions

from ..models import Disposal, DisposalFile, ProgressNote
from . import reviewable_units


def tasks_of(user) -> QuerySet[Disposal]:
    """The disposals assigned to the units the user acts for, whose clue still stands: open tasks first, the earliest
    deadline first (a task without one after those with one), finished tasks last."""
    return (
        Disposal.objects.filter(responsible_unit__in=permissions.units(user, permissions.ACT_ON_TASKS))
        .exclude(clue__status=Clue.Status.WITHDRAWN)
        .select_related("clue__entity", "clue__sector", "clue__campaign", "responsible_unit")
        .prefetch_related("measures")
        .order_by(
            Case(When(stage=Disposal.Stage.FINISHED, then=Value(1)), default=Value(0), output_field=IntegerField()),
            F("deadline").asc(nulls_last=True), "pk",
        )
    )


def task_for_user_or_404(user, pk: int) -> Disposal:
    return get_object_or_404(tasks_of(user), pk=pk)


@dataclass(frozen=True)
class TaskCounts:
    total: int
    open: int
    overdue: int


def task_counts(user, *, on: date) -> TaskCounts:
    """How many tasks the user's units have, open and overdue: one query."""
    counts = tasks_of(user).order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(stage=Disposal.Stage.FINISHED)),
        overdue=Count("pk", filter=~Q(stage=Disposal.Stage.FINISHED) & Q(deadline__lt=on)),
    )
    return TaskCounts(**counts)


@dataclass(frozen=True)
class TaskLine:
    disposal: Disposal
    days_overdue: int  # 0 when not overdue


def task_lines(disposals, *, on: date) -> list[TaskLine]:
    return [TaskLine(disposal, _days_overdue(disposal, on)) for disposal in disposals]


def _days_overdue(disposal: Disposal, on: date) -> int:
    if disposal.deadline is None or disposal.stage == Disposal.Stage.FINISHED:
        return 0
    return max((on - disposal.deadline).days, 0)


def notes_of(disposal: Disposal) -> QuerySet[ProgressNote]:
    return disposal.notes.select_related("author")


def files_of(disposal: Disposal) -> QuerySet[DisposalFile]:
    return disposal.files.select_related("uploaded_by")


def file_for_user_or_404(user, pk: int) -> DisposalFile:
    """A disposal file, for those who act for its responsible unit and the offices that review its clue."""
    files = DisposalFile.objects.filter(
        Q(disposal__in=tasks_of(user).values("pk")) | Q(disposal__clue__unit__in=reviewable_units(user))
    )
    return get_object_or_404(files, pk=pk)
