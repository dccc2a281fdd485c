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
    path("<slug:slug>/briefings/file/", views.briefing_add, name="briefing_add"),
    path("<slug:slug>/reports/<str:kind>/", views.filing_save, name="filing_save"),
    path("briefing/<int:pk>/", views.briefing, name="briefing"),
    path("briefing-file/<int:pk>/", views.briefing_file, name="briefing_file"),
    path("report/<int:pk>/", views.filing, name="filing"),
    path("report-file/<int:pk>/", views.filing_file, name="filing_file"),
]
