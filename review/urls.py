from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/queue/", views.queue, name="queue"),
    path("<slug:slug>/queue/accept/", views.queue_accept, name="queue_accept"),
    path("<slug:slug>/overdue/", views.overdue, name="overdue"),
    path("<slug:slug>/approvals/", views.approvals, name="approvals"),
    path("<slug:slug>/approvals/<int:unit_pk>/", views.approval_action, name="approval_action"),
    path("<slug:slug>/declare/", views.declare, name="declare"),
    path("clues/<int:pk>/", views.clue, name="clue"),
    path("clues/<int:pk>/accept/", views.clue_accept, name="clue_accept"),
    path("clues/<int:pk>/return/", views.clue_return, name="clue_return"),
    path("clues/<int:pk>/rating/", views.clue_rate, name="clue_rate"),
    path("clues/<int:pk>/level/", views.clue_override, name="clue_override"),
    path("clues/<int:pk>/key/", views.clue_key, name="clue_key"),
    path("clues/<int:pk>/disposal/", views.disposal_save, name="disposal_save"),
    path("clues/<int:pk>/progress/", views.progress_add, name="progress_add"),
    path("clues/<int:pk>/transfer/", views.clue_transfer, name="clue_transfer"),
    path("clues/<int:pk>/merge/", views.clue_merge, name="clue_merge"),
]
