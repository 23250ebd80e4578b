"""Thin Celery tasks (apps.core.tasks): ids in, a service call out."""

from celery import shared_task

from .enterprise import enterprise_register
from .services import permits_mark_lapsed, permits_remind_endorsements


@shared_task(name="permits.daily")
def permits_daily_task() -> dict:
    """Remind endorsements due within 30 days, then mark the overdue permits lapsed; both
    idempotent, so a re-run the same day changes nothing."""
    return {"reminded": permits_remind_endorsements(), "lapsed": permits_mark_lapsed()}


@shared_task(name="permits.enterprise_register")
def enterprise_register_task(batch_id: int) -> None:
    enterprise_register(batch_id=batch_id)
