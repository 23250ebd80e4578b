"""Calls ringing at the desks, as the telephone system reports them (its webhook): which desk
the extension is, and the moment the desk's page opened the intake form for the call."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import DomainError
from apps.core.phones import whole_phone
from apps.core.rules import requires
from apps.live import events as live

from ..models import IncomingCall


def caller_number(raw: str) -> str:
    """A caller's number as the telephone system or the desk writes it: a mobile or a
    landline with its area code, +86 or 0086 before it, spaces and dashes between."""
    number = whole_phone(raw)
    if number is None:
        raise DomainError(_("Not a telephone number."), code="invalid_phone")
    return number


@requires("cases.add_incomingcall")
@transaction.atomic
def call_ring(*, by: User, extension: str, phone: str) -> IncomingCall:
    """The telephone system of `by`'s station reports `phone` ringing at `extension`."""
    desk = (
        User.objects.filter(station_id=by.station_id, desk_extension=extension.strip())
        .filter(is_active=True)
        .exclude(station_id=None)
        .first()
    )
    if desk is None:
        raise DomainError(
            _("No desk of this station has extension %(extension)s.") % {"extension": extension},
            code="unknown_extension",
        )
    call = IncomingCall.objects.create(
        station_id=desk.station_id,
        desk=desk,
        extension=desk.desk_extension,
        phone=caller_number(phone),
    )
    # The desk's pages ask cases:ringing at once (the number stays on the server).
    live.tell([desk.pk], "call", id=call.pk)
    return call


@requires("cases.add_incident")
@transaction.atomic
def call_open(*, by: User, call: IncomingCall) -> IncomingCall:
    """The desk's page opened the intake form for the call (once: a reload is not news)."""
    if call.desk_id != by.pk:
        raise DomainError(_("This call rang at another desk."), code="other_desk")
    if call.opened_at is None:
        call.opened_at = timezone.now()
        call.save(update_fields=["opened_at"])
    return call
