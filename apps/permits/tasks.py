"""Thin Celery tasks: a service call each (design.md habit 8)."""

from celery import shared_task

from apps.core.tasks import TASK_OPTIONS


@shared_task(**TASK_OPTIONS)
def permits_daily() -> dict:
    """Remind endorsements due within 30 days, then mark the overdue permits lapsed; both
    idempotent, so a re-run the same day changes nothing."""
    from .services import permits_mark_lapsed, permits_remind_endorsements

    return {"reminded": permits_remind_endorsements(), "lapsed": permits_mark_lapsed()}


@shared_task(**TASK_OPTIONS)
def enterprise_register(batch_id: int) -> None:
    from .enterprise import enterprise_register as register

    register(batch_id=batch_id)
