import uuid
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, OutOfScope
from apps.core.limits import ensure_past
from apps.core.scoping import CHANGE

from .choices import ServiceKind
from .models import Post, ServiceLog, Station


def service_log_record(
    *,
    by,
    kind: str,
    post: Post | None = None,
    station: Station | None = None,
    note: str = "",
    occurred_at: datetime | None = None,
    client_id: uuid.UUID | None = None,
) -> tuple[ServiceLog, bool]:
    """Record one service at the window; returns (entry, created).

    The station is the post's, else the given one, else the officer's own. A repeat of the
    same `client_id` (a double click, a tablet retry) returns the first entry unchanged.
    """
    if client_id is not None:
        existing = ServiceLog.objects.restrict(by).filter(client_id=client_id).first()
        if existing is not None:
            return existing, False
    if kind not in ServiceKind.values:
        raise DomainError(_("Unknown service type."), code="invalid")
    station = post.station if post is not None else station or by.station
    if station is None:
        raise DomainError(_("Choose the station where the service took place."), code="invalid")
    if not Station.objects.restrict(by, CHANGE).filter(pk=station.pk).exists():
        raise OutOfScope(_("Not found."))
    now = timezone.now()
    ensure_past(occurred_at, _("The time of a service cannot be in the future."), now=now)
    entry = ServiceLog(
        station=station,
        post=post,
        kind=kind,
        note=note.strip(),
        occurred_at=occurred_at or now,
        recorded_by=by,
        client_id=client_id or uuid.uuid4(),
    )
    entry.full_clean()
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # The same client id arrived twice at once: the other request saved it first.
        existing = ServiceLog.objects.restrict(by).filter(client_id=entry.client_id).first()
        if existing is None:
            raise
        return existing, False
    return entry, True
