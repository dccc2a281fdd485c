from django.urls import path

from .views import approvals, clue, entity, queue, tasks

app_name = "review"
urlpatterns = [
    path("", queue.home, name="home"),
    path("tasks/", tasks.tasks, name="tasks"),
    path("tasks/<int:pk>/", tasks.task, name="task"),
    path("tasks/<int:pk>/progress/", tasks.task_progress, name="task_progress"),
    path("tasks/<int:pk>/files/", tasks.task_file, name="task_file"),
    path("tasks/<int:pk>/stage/", tasks.task_stage, name="task_stage"),
    path("tasks/files/<int:pk>/", tasks.disposal_file, name="disposal_file"),
    path("<slug:slug>/queue/", queue.queue, name="queue"),
    path("<slug:slug>/queue/accept/", queue.queue_accept, name="queue_accept"),
    path("<slug:slug>/queue/return/", queue.queue_return, name="queue_return"),
    path("<slug:slug>/overdue/", queue.overdue, name="overdue"),
    path("<slug:slug>/approvals/", approvals.approvals, name="approvals"),
    path("<slug:slug>/approvals/<int:unit_pk>/", approvals.approval_action, name="approval_action"),
    path("<slug:slug>/declare/", approvals.declare, name="declare"),
    path("clues/<int:pk>/", clue.clue, name="clue"),
    path("clues/<int:pk>/accept/", clue.clue_accept, name="clue_accept"),
    path("clues/<int:pk>/return/", clue.clue_return, name="clue_return"),
    path("clues/<int:pk>/rating/", clue.clue_rate, name="clue_rate"),
    path("clues/<int:pk>/level/", clue.clue_override, name="clue_override"),
    path("clues/<int:pk>/key/", clue.clue_key, name="clue_key"),
    path("clues/<int:pk>/disposal/", clue.disposal_save, name="disposal_save"),
    path("clues/<int:pk>/progress/", clue.progress_add, name="progress_add"),
    path("clues/<int:pk>/transfer/", clue.clue_transfer, name="clue_transfer"),
    path("clues/<int:pk>/merge/", clue.clue_merge, name="clue_merge"),
    path("entities/<int:pk>/", entity.entity, name="entity"),
    path("entities/<int:pk>/people/", entity.person_add, name="entity_person_add"),
    path("entities/<int:pk>/watch/", entity.watch_add, name="watch_add"),
    path("watch/<int:pk>/leave/", entity.watch_leave, name="watch_leave"),
]
