import logging
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from .clients import client_address
from .errors import NotAllowed, OutOfScope
from .scoping import CHANGE, VIEW, is_in_scope

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.stations.models import Station

    from .models import AccessLog

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)


def save_in_scope(*, by: "User", save: Callable[[], M]) -> M:
    """Run `save` (a form's or serializer's save) in one transaction and refuse the result
    if it has left the writer's scope, e.g. a post moved to another station."""
    with transaction.atomic():
        obj = save()
        if not is_in_scope(obj, by, CHANGE):
            raise OutOfScope(_("You can only save records of your own station."))
    return obj


def _access_entry(
    by: "User", obj: models.Model, field: str, request: HttpRequest | None, page: str
) -> "AccessLog":
    """One access-log entry (unsaved): who saw which field of which record, on which page,
    from where."""
    from .models import AccessLog

    return AccessLog(
        user=by,
        station_id=getattr(obj, "station_id", None),
        subject_type=obj._meta.label_lower,
        subject_id=str(obj.pk),
        subject_label=str(obj)[:200],
        field=field,
        page=page[:300],
        ip_address=client_address(request) or None,
    )


def personal_data_reveal(*, by: "User", obj: models.Model, field: str, request: HttpRequest) -> str:
    """Return the full value of a personal-data field and log who looked at it.

    Only users with `core.view_personal_data` may, and only for records in their scope.
    """

    if not by.has_perm("core.view_personal_data"):
        raise PermissionDenied(_("You are not allowed to view personal data in full."))
    if not is_in_scope(obj, by, VIEW):
        raise OutOfScope(_("Not found."))
    _access_entry(by, obj, field, request, request.get_full_path()).save()
    value: str = getattr(obj, field)
    return value


def personal_data_printed(
    *, by: "User", shown: Iterable[tuple[models.Model, str]], request: HttpRequest
) -> None:
    """Log the full values a signed document prints, (record, field) pairs: an agreement
    states each party's ID number and phone in full (人民调解法 第29条), so every copy
    printed is a full view, kept like a reveal."""
    from .models import AccessLog

    page = request.get_full_path()
    AccessLog.objects.bulk_create(
        _access_entry(by, obj, field, request, page) for obj, field in shown if getattr(obj, field)
    )


LOOKUP = "lookup:"  # the access log's field of a search by a whole number: "lookup:phone"


def personal_data_lookup(
    *, by: "User", objects: Iterable[models.Model], field: str, request: HttpRequest | None
) -> None:
    """Log that `by` found these records by the whole value of a personal number (a search
    by ID number or phone): who looked whom up, when, from where — never the number, so the
    page is kept without its query string."""
    from .models import AccessLog

    page = getattr(request, "path", "")
    entries = [_access_entry(by, obj, f"{LOOKUP}{field}", request, page) for obj in objects]
    if len(entries) == 1:
        # A lookup's one entry: one INSERT, without bulk_create's BEGIN and COMMIT round trips.
        entries[0].save()
    else:
        AccessLog.objects.bulk_create(entries)


def access_log_purge(*, by: "User") -> int:
    """Delete the access-log entries (of `by`'s scope) older than the retention,
    ACCESS_LOG_RETENTION_DAYS (at least six months): the auditor's task, and the only way
    an entry ever leaves the log. Returns how many went; the purge itself is logged."""
    from .models import AccessLog

    if not by.has_perm("core.delete_accesslog"):
        raise NotAllowed(_("Only an auditor may delete old access-log entries."))
    before = timezone.now() - timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    with transaction.atomic():
        deleted = AccessLog.objects.restrict(by).filter(at__lt=before)._purge()
    logger.info("access log: %d entries before %s deleted by user %s", deleted, before, by.pk)
    return deleted


def next_number(*, station: "Station", series: str, year: int | None = None) -> int:
    """The next number of a station's series in a year (this year by default); the caller's
    transaction holds the row lock until it ends, so two records never get the same one."""
    from .models import NumberSequence

    year = year or timezone.localdate().year
    NumberSequence.objects.get_or_create(station=station, series=series, year=year)
    sequence = NumberSequence.objects.select_for_update().get(
        station=station, series=series, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last
