from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<slug:slug>/", views.campaign_detail, name="campaign_detail"),
    path("<slug:slug>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<slug:slug>/copy/", views.campaign_copy, name="campaign_copy"),
    path("<slug:slug>/phases/", views.phases_edit, name="phases"),
    path("<slug:slug>/taxonomy/<str:vocabulary>/", views.taxonomy, name="taxonomy"),
    path("<slug:slug>/terms/<int:pk>/", views.term_action, name="term_action"),
    path("<slug:slug>/responsibilities/", views.responsibilities, name="responsibilities"),
    path("<slug:slug>/responsibilities/<int:pk>/", views.responsibility_set, name="responsibility_set"),
    path("<slug:slug>/units/", views.expected_units, name="expected_units"),
    path("<slug:slug>/lock-exceptions/", views.lock_exception_grant, name="lock_exception_grant"),
]
