from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("<slug:slug>/", views.work, name="work"),
    path("<slug:slug>/briefings/", views.briefings, name="briefings"),
    path("<slug:slug>/quotas/", views.quotas, name="quotas"),
    path("<slug:slug>/bulletins/", views.bulletins, name="bulletins"),
    path("<slug:slug>/bulletins/issue/", views.bulletin_issue, name="bulletin_issue"),
    path("bulletin/<int:pk>.docx", views.bulletin_docx, name="bulletin_docx"),
    path("<slug:slug>/inspections/", views.inspections, name="inspections"),
    path("<slug:slug>/inspections/record/", views.inspection_record, name="inspection_record"),
    path("inspection/<int:pk>/", views.inspection, name="inspection"),
    path("inspection/<int:inspection>/actions/<int:pk>/answer/", views.action_answer, name="action_answer"),
    path("inspection/<int:inspection>/actions/<int:pk>/close/", views.action_close, name="action_close"),
    path("<slug:slug>/briefings/file/", views.briefing_add, name="briefing_add"),
    path("<slug:slug>/reports/<str:kind>/", views.filing_save, name="filing_save"),
    path("<slug:slug>/results/", views.results_save, name="results_save"),
    path("briefing/<int:pk>/", views.briefing, name="briefing"),
    path("briefing-file/<int:pk>/", views.briefing_file, name="briefing_file"),
    path("report/<int:pk>/", views.filing, name="filing"),
    path("report-file/<int:pk>/", views.filing_file, name="filing_file"),
]
