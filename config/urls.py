from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from reports.views.home import home

admin.site.site_header = admin.site.site_title = _("Illegal fundraising risk screening")
admin.site.index_title = _("Administration")



class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico where a page names no icon (the admin's pages): the site's icon."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


# MEDIA_ROOT (evidence files, built workbooks) is deliberately not served: files leave only through views that check
# the user's permission on them.
urlpatterns = [
    path("", home, name="home"),
    path("favicon.ico", FaviconView.as_view()),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("orgs/", include("orgs.urls")),
    path("ledger/", include("ledger.urls")),
    path("workbench/", include("review.urls")),
    path("work/", include("oversight.urls")),
    path("reports/", include("reports.urls")),
    path("campaigns/", include("screening.urls")),
    path("tips/", include("tips.urls")),
    path("admin/", admin.site.urls),
]
