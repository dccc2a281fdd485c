"""How long a login lasts: SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_COOKIE_AGE seconds in all.

Django extends a session's expiry whenever the session is saved, so the absolute lifetime is kept here, from the
time of login stamped into the session.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

LOGGED_IN_AT = "logged_in_at"
LAST_SEEN_AT = "last_seen_at"
# Saving the session on every request would add a write to every page; a minute off is nothing against 30.
TOUCH_AFTER_SECONDS = 60


def stamp_login(sender, request, user, **kwargs):
    request.session[LOGGED_IN_AT] = request.session[LAST_SEEN_AT] = time.time()


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = time.time()
            # A session without the stamps predates them: it ends as if it had timed out.
            idle = now - session.get(LAST_SEEN_AT, 0)
            if idle > settings.SESSION_IDLE_TIMEOUT:
                return self._end(request, _("You were logged out after %(minutes)d minutes without activity. Please log in again.")
                                 % {"minutes": settings.SESSION_IDLE_TIMEOUT // 60})
            if now - session.get(LOGGED_IN_AT, 0) > settings.SESSION_COOKIE_AGE:
                return self._end(request, _("You were logged out %(hours)d hours after logging in. Please log in again.")
                                 % {"hours": settings.SESSION_COOKIE_AGE // 3600})
            if idle > TOUCH_AFTER_SECONDS:
                session[LAST_SEEN_AT] = now
        return self.get_response(request)

    def _end(self, request, reason: str):
        logout(request)
        messages.info(request, reason)
        return redirect_to_login(request.get_full_path())
