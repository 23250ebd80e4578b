"""Thin Celery tasks: ids in, a service call out.

Every task of the workbench is named `<app>.<what it does>` and its function ends in `_task`,
so that a service and its task never share a name. Services start tasks by that name
(`apps.core.outbox.enqueue("stats.compute_range", run.pk)`), never by importing the tasks
module, so tasks import their services at module level without a cycle. The options every
task shares (acknowledged after the work, handed back when a worker dies, the time limits)
are Celery settings in one place, `policestation/settings.py`; a task states only what is its
own (retries, shorter limits).
"""

from celery import shared_task

from .notifications import notification_deliver
from .outbox import queued_tasks_flush
from .partitions import maintain


@shared_task(
    name="core.notification_send", autoretry_for=(Exception,), retry_backoff=True, max_retries=8
)
def notification_send_task(notification_id: int) -> None:
    notification_deliver(notification_id=notification_id)


@shared_task(name="core.queued_tasks_flush")
def queued_tasks_flush_task() -> int:
    """Send the tasks the broker could not take when they were queued (apps.core.outbox)."""
    return queued_tasks_flush()


@shared_task(name="core.partitions_maintain")
def partitions_maintain_task() -> dict[str, dict[str, list[str]]]:
    """The streams' months ahead made and expired months dropped (apps.core.partitions)."""
    return maintain()
