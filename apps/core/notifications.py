"""Notifications: one call, `notify`, for every app (permit decisions, new jobs, escalations).

Each message is stored for the recipient's message centre in the caller's transaction.
When `external` is asked for, the configured sender (`NOTIFICATION_SENDER`, a dotted path)
also carries it, from a Celery task queued on commit, so that a rolled-back change sends
nothing and a slow SMS gateway never holds up the request. The default sender only logs
(police networks reach no SMS gateway by default), without the message's text; a real
gateway is one class away.
"""

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.live import events as live

from .masking import MASKS
from .models import Notification
from .outbox import enqueue

if TYPE_CHECKING:
    from apps.accounts.models import User

logger = logging.getLogger(__name__)


class Sender(Protocol):
    """What NOTIFICATION_SENDER names: a class whose instances send one message."""

    def send(self, *, phone: str, title: str, body: str) -> None: ...


class LogSender:
    """The default external sender: writes one line per message, the phone masked. What
    a message says (an SMS code, a name) never reaches the log, DEBUG or not; a demo's
    portal shows the code it would have texted on its own page instead."""

    def send(self, *, phone: str, title: str, body: str) -> None:
        to = MASKS["phone"](phone) or "-"
        logger.info("SMS to %s (%d characters)", to, len(title) + len(body))


def get_sender() -> Sender:
    sender: Sender = import_string(settings.NOTIFICATION_SENDER)()
    return sender


def notify(
    *,
    recipients: "Iterable[User | None]",
    title: str,
    body: str = "",
    url: str = "",
    external: bool = False,
) -> list[Notification]:
    """Store one notification per distinct recipient; queue the external send on commit."""
    seen: set[int] = set()
    rows: list[Notification] = []
    for user in recipients:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(recipient=user, title=title, body=body, url=url, external=external)
        )
    created = Notification.objects.bulk_create(rows)
    unread_changed(seen)
    if external:
        for notification in created:
            enqueue("core.notification_send", notification.pk)
    return created


def notification_deliver(*, notification_id: int) -> bool:
    """Send one stored notification through the external sender, once (a retried task
    finds it already sent and does nothing)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, external=True, sent_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        get_sender().send(
            phone=notification.recipient.phone, title=notification.title, body=notification.body
        )
        notification.sent_at = timezone.now()
        notification.save(update_fields=["sent_at"])
    return True


def notifications_mark_read(*, user: "User", ids: Iterable[int | str] | None = None) -> int:
    """Mark the user's unread notifications (all, or the given ones) read; returns how many."""
    rows = Notification.objects.restrict(user).filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    marked = rows.update(read_at=timezone.now())
    if marked:
        unread_changed([user.pk])
    return marked


def unread_counts(user_ids: Iterable[int]) -> dict[int, int]:
    """Each user's number of unread messages, in one query."""
    ids = list(user_ids)
    counts = dict.fromkeys(ids, 0)
    rows = Notification.objects.filter(recipient_id__in=ids, read_at__isnull=True)
    for recipient_id, n in rows.values_list("recipient_id").annotate(n=Count("pk")).order_by():
        counts[recipient_id] = n
    return counts


def unread_changed(user_ids: Iterable[int]) -> None:
    """The badge of these users' open pages shows their new unread count, once committed."""
    ids = list(user_ids)
    if ids:
        transaction.on_commit(lambda: live.send_each(unread_counts(ids)))
