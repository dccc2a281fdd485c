from django.urls import path

from . import import_views, views

app_name = "ledger"
urlpatterns = [
    path("", views.ledger_home, name="home"),
    path("entities/lookup/", views.entity_lookup, name="entity_lookup"),
    path("<slug:slug>/clues/", views.clue_list, name="clue_list"),
    path("<slug:slug>/clues/new/", views.clue_create, name="clue_create"),
    path("<slug:slug>/clues/submit/", views.clues_submit, name="clues_submit"),
    path("<slug:slug>/records/", views.record_list, name="record_list"),
    path("<slug:slug>/records/new/", views.record_create, name="record_create"),
    path("<slug:slug>/export.xlsx", import_views.ledger_export, name="export"),
    path("<slug:slug>/templates/<str:kind>.xlsx", import_views.template_download, name="template_download"),
    path("<slug:slug>/import/<str:kind>/", import_views.import_upload, name="import_upload"),
    path("<slug:slug>/import/<str:kind>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("clues/<int:pk>/", views.clue_detail, name="clue_detail"),
    path("clues/<int:pk>/edit/", views.clue_edit, name="clue_edit"),
    path("clues/<int:pk>/submit/", views.clue_submit, name="clue_submit"),
    path("clues/<int:pk>/withdraw/", views.clue_withdraw, name="clue_withdraw"),
    path("clues/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("records/<int:pk>/edit/", views.record_edit, name="record_edit"),
]
