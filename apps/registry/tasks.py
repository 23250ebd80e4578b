"""Thin Celery tasks (apps.core.tasks): ids in, a service call out."""

from celery import shared_task

from .services import import_apply, import_check


@shared_task(name="registry.import_check")
def import_check_task(batch_id: int) -> None:
    import_check(batch_id=batch_id)


@shared_task(name="registry.import_apply")
def import_apply_task(batch_id: int) -> None:
    import_apply(batch_id=batch_id)
