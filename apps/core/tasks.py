"""Thin Celery tasks: ids in, a service call out (design.md habit 8).

`TASK_OPTIONS` are the defaults of every task of the workbench: acknowledged after the work,
handed back when a worker dies, bounded in time.
"""

from celery import shared_task
from django.conf import settings

TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    # The longest: Redis's visibility timeout is set a margin above it (settings).
    "time_limit": settings.CELERY_TASK_TIME_LIMIT,
    "soft_time_limit": settings.CELERY_TASK_SOFT_TIME_LIMIT,
}


@shared_task(**TASK_OPTIONS, autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def notification_send(notification_id: int) -> None:
    from .notifications import notification_deliver

    notification_deliver(notification_id=notification_id)


@shared_task(**TASK_OPTIONS)
def queued_tasks_flush() -> int:
    """Send the tasks the broker could not take when they were queued (apps.core.outbox)."""
    from .outbox import queued_tasks_flush as flush

    return flush()
