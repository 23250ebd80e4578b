"""Celery tasks queued with the change that asks for them (a transactional outbox).

`enqueue(name, *args, **kwargs)` is the one way the apps start a task, by its name
(apps.core.tasks). It writes a
QueuedTask row in the caller's transaction and sends the task once that transaction
commits, so a rolled-back change queues nothing. When the broker cannot take it (Redis
stopped or silent), the send fails within seconds (the broker's socket timeouts in
settings; then this process does not try again for BROKER_PAUSE_SECONDS), the request goes
on, and the row waits with its error until
`queued_tasks_flush` sends it: every minute from celery beat, on demand with
`manage.py flush_queued_tasks`, and soon after the next send that succeeds. A row may be
sent twice (sent, then the mark lost with the database); every task is idempotent
(apps.core.tasks).

Embedded (no REDIS_URL) and in the tests, Celery runs tasks eagerly: the send runs the task
in this process, as `.delay()` did, and its errors reach the caller as before.
"""

import functools
import importlib
import importlib.util
import logging
import time
from datetime import timedelta
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from .models import QueuedTask

if TYPE_CHECKING:
    from celery import Celery, Task

logger = logging.getLogger(__name__)

# A row never tried yet is left this long to the send its own commit makes.
GRACE = timedelta(minutes=1)
# Sent rows are kept this long for the admin list, then deleted by the flush.
KEEP_SENT = timedelta(days=7)
FLUSH_TASK = "core.queued_tasks_flush"
# After a failed send, this process leaves further tasks to the flush for this long instead
# of waiting for the broker's timeouts again for each (a notice to twenty recipients is
# twenty tasks).
BROKER_PAUSE_SECONDS = 15
_broker_failed_at = float("-inf")


def enqueue(name: str, *args: object, **kwargs: object) -> QueuedTask:
    """Queue the task named `name` with `(*args, **kwargs)` in the current transaction
    (arguments: JSON values, ids rather than objects). An unknown name fails here, in the
    caller, rather than in the flush."""
    task = task_named(name)
    row = QueuedTask.objects.create(task_name=name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: _send_committed(row, task))
    return row


def task_named(name: str) -> "Task":
    """The registered task of this name (every app's tasks module imported once)."""
    _import_task_modules()
    try:
        return _celery().tasks[name]
    except KeyError:
        raise LookupError(f"No task is named {name!r}.") from None


def _celery() -> "Celery":
    from policestation.celery import app

    return app


def _send(row: QueuedTask, task: "Task | None" = None) -> None:
    task = task or _celery().tasks[row.task_name]
    task.apply_async(row.args, row.kwargs, task_id=str(row.task_id))


def _mark_sent(row: QueuedTask) -> None:
    QueuedTask.objects.filter(pk=row.pk).update(
        sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
    )


def _mark_failed(row: QueuedTask, exc: Exception) -> None:
    logger.warning("task %s (%s) not sent, left queued: %s", row.task_name, row.task_id, exc)
    QueuedTask.objects.filter(pk=row.pk).update(
        attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:1000]
    )


def _send_committed(row: QueuedTask, task: "Task") -> None:
    global _broker_failed_at
    if _celery().conf.task_always_eager:
        _send(row, task)
        _mark_sent(row)
        return
    if time.monotonic() - _broker_failed_at < BROKER_PAUSE_SECONDS:
        _mark_failed(row, BrokerUnavailable("not tried: the broker failed moments ago"))
        return
    try:
        _send(row, task)
    except Exception as exc:  # whatever the broker raised: the flush sends it later
        _broker_failed_at = time.monotonic()
        _mark_failed(row, exc)
        return
    _broker_failed_at = float("-inf")
    _mark_sent(row)
    # The broker answers again: send what waited for it now rather than at the next beat.
    if _waiting().exists():
        _celery().tasks[FLUSH_TASK].apply_async()


def _waiting() -> QuerySet[QueuedTask]:
    too_old = timezone.now() - GRACE
    return QueuedTask.objects.filter(sent_at__isnull=True).filter(
        Q(attempts__gt=0) | Q(created_at__lt=too_old)
    )


@functools.cache
def _import_task_modules() -> None:
    """Every app's tasks module, once, so that each task is found by its name. Not Celery's
    loader.import_default_modules(): its Django fix-up runs django.setup() again, whose
    logging set-up replaces a worker's log handlers, and the worker logged nothing more
    (no task failures either) after its first flush."""
    for config in apps.get_app_configs():
        module = f"{config.name}.tasks"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)


def queued_tasks_flush(*, limit: int = 1000) -> int:
    """Send the rows still waiting (oldest first: those whose send failed, and those whose
    request ended before sending), one transaction and row lock each so that two flushes
    never send the same row. Stops at the first broker failure (it is still down). Deletes
    sent rows older than KEEP_SENT. Returns how many were sent."""
    _import_task_modules()
    sent = 0
    for pk in list(_waiting().order_by("created_at", "pk").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            row = (
                QueuedTask.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if row is None:  # sent meanwhile, or another flush holds it
                continue
            try:
                # A savepoint: a task run eagerly (embedded) that fails leaves this
                # transaction usable for recording the failure.
                with transaction.atomic():
                    _send(row)
            except Exception as exc:
                _mark_failed(row, exc)
                if isinstance(exc, BrokerUnavailable):
                    break
                continue
            _mark_sent(row)
            sent += 1
    QueuedTask.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    return sent
