"""Thin Celery tasks: ids in, a service call out (design.md habit 8)."""

from celery import shared_task

TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "time_limit": 3600,
    "soft_time_limit": 3300,
}


@shared_task(**TASK_OPTIONS)
def import_check(batch_id: int) -> None:
    from .services import import_check as check

    check(batch_id=batch_id)


@shared_task(**TASK_OPTIONS)
def import_apply(batch_id: int) -> None:
    from .services import import_apply as apply

    apply(batch_id=batch_id)
