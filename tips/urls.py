from django.urls import path

from . import views

app_name = "tips"

urlpatterns = [
    # Public, without login
    path("", views.public_file, name="file"),
    path("status/", views.public_status, name="status"),
    path("captcha/<str:key>.png", views.captcha_image, name="captcha"),
    # The county office and the unit it asks to verify
    path("office/", views.tip_list, name="list"),
    path("office/<int:pk>/", views.tip_detail, name="detail"),
    path("office/<int:pk>/reporter/", views.tip_reporter, name="reporter"),
    path("office/<int:pk>/<slug:action>/", views.tip_act, name="act"),
    path("file/<int:pk>/", views.tip_file_download, name="file_download"),
]
