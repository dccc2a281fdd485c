from django.urls import path

from . import views
from .views import completeness, received

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/file/", views.run_download, name="download"),
    path("received/<int:pk>/file/", received.received_file, name="received_file"),
    path("<slug:slug>/", views.campaign_reports, name="campaign"),
    path("<slug:slug>/build/", views.build, name="build"),
    path("<slug:slug>/county-return/", views.county_return, name="county_return"),
    path("<slug:slug>/received/", received.received_tables, name="received"),
    path("<slug:slug>/completeness/", completeness.completeness_page, name="completeness"),
    path("<slug:slug>/completeness/remind/", completeness.chase, name="chase"),
    path("<slug:slug>/<str:kind>/", views.preview, name="preview"),
]
