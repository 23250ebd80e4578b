"""The login lockout (django-axes, settings.AXES_HANDLER).

Failures count per username and address together (AXES_LOCKOUT_PARAMETERS): five wrong
passwords lock that user on that address only, so nobody can lock a named officer out of
the workbench from elsewhere. On top of that an address is refused altogether after
LOGIN_ADDRESS_FAILURE_LIMIT failures across usernames (guessing many accounts from one
place). Both last AXES_COOLOFF_TIME. The address is apps.core.clients.client_address
(AXES_CLIENT_IP_CALLABLE).
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def address_failures(request) -> int:
    """Failed logins from the request's address in the cool-off time, whatever the username."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gt=get_cool_off_threshold(request)
    )
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def address_blocked(request) -> bool:
    return address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler, also locking an address that fails across many usernames."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if address_blocked(request):
            request.axes_address_blocked = True
            return True
        return False

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if address_blocked(request):
            # This failure was the address's last: the lockout page answers it already.
            request.axes_address_blocked = True
            request.axes_locked_out = True
            request.axes_credentials = credentials
