import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

SESSION_STARTED = "auth_started_at"
SESSION_LAST_SEEN = "auth_last_seen_at"
# Refresh the idle clock at most once a minute, so that reads do not write the session.
_TOUCH_EVERY_SECONDS = 60


def session_ends_at(session) -> float:
    """When a session ends whatever its user does: SESSION_ABSOLUTE_TIMEOUT after login (a
    page's request and a live socket both end by it)."""
    started = session.get(SESSION_STARTED, time.time())
    return started + settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()


class SessionExpiryMiddleware:
    """Ends a browser session after SESSION_IDLE_TIMEOUT without a request, or
    SESSION_ABSOLUTE_TIMEOUT after login, whatever the user does."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            started = request.session.get(SESSION_STARTED, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            if now - last_seen > self.idle or now > session_ends_at(request.session):
                logout(request)
                messages.info(request, _("Your session has expired. Please log in again."))
            else:
                request.session.setdefault(SESSION_STARTED, started)
                if (
                    now - last_seen >= _TOUCH_EVERY_SECONDS
                    or SESSION_LAST_SEEN not in request.session
                ):
                    request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)
