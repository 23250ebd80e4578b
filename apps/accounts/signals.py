import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import SESSION_LAST_SEEN, SESSION_STARTED


@receiver(user_logged_in, dispatch_uid="accounts.start_session_clock")
def start_session_clock(sender, request, user, **kwargs):
    # The API token login sends this signal too, with a DRF request and no session.
    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session[SESSION_STARTED] = now
        session[SESSION_LAST_SEEN] = now
