"""Thin Celery tasks: ids in, a service call out (design.md habit 8)."""

from celery import shared_task

from apps.core.tasks import TASK_OPTIONS


@shared_task(**TASK_OPTIONS)
def import_check(batch_id: int) -> None:
    from .services import import_check as check

    check(batch_id=batch_id)


@shared_task(**TASK_OPTIONS)
def import_apply(batch_id: int) -> None:
    from .services import import_apply as apply

    apply(batch_id=batch_id)
