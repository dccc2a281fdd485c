"""The organisation: units (a tree), leading groups, memberships and roles, notifications, and the permission helpers
(orgs.permissions) every other app asks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("Organisation")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="orgs.sessions.stamp_login")
