from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("units/", views.unit_tree, name="unit_tree"),
    path("manage/", views.manage, name="manage"),
    path("switch/", views.switch_unit, name="switch_unit"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
]
