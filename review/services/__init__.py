"""The office's writes on clues: review, rating, key clues, disposal (一事一策), transfer and merge; the responsible unit's
writes on its disposal task; the county return; the notices and joint cases across counties. One module per concern;
their names are gathered here, so callers write ``services.clue_accept``.

Each checks that the actor holds REVIEW on the clue's unit (the task's writes: that the actor acts for the responsible
unit), runs in a transaction, and leaves a ClueEvent saying who, when, what and why (field-level changes are kept by
django-simple-history as well). Each side is told of what the other does to a disposal.
"""

from .clues import clue_accept, clue_return, clues_accept, clues_return
from .counties import OwnClue, case_assign, case_open, notice_acknowledge, notice_open_clue, notice_send
from .county import CountyAnswers, county_return_save
from .disposal import DisposalPlan, disposal_save, progress_add
from .moves import clue_transfer, clues_merge
from .rating import Scores, clue_mark_key, clue_rate, level_for, level_override
from .tasks import task_file_add, task_progress_add, task_stage_report

__all__ = [
    "CountyAnswers",
    "DisposalPlan",
    "OwnClue",
    "Scores",
    "case_assign",
    "case_open",
    "clue_accept",
    "clue_mark_key",
    "clue_rate",
    "clue_return",
    "clue_transfer",
    "clues_accept",
    "clues_merge",
    "clues_return",
    "county_return_save",
    "disposal_save",
    "level_for",
    "level_override",
    "notice_acknowledge",
    "notice_open_clue",
    "notice_send",
    "progress_add",
    "task_file_add",
    "task_progress_add",
    "task_stage_report",
]
