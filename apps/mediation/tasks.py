"""Thin Celery tasks (apps.core.tasks): ids in, a service call out."""

from celery import shared_task

from .services.reminders import mediation_remind
from .services.thread import invitation_sms_deliver


@shared_task(name="mediation.remind")
def mediation_remind_task() -> int:
    return mediation_remind()


@shared_task(
    name="mediation.invitation_sms_send",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=8,
)
def invitation_sms_send_task(invitation_id: int) -> None:
    invitation_sms_deliver(invitation_id=invitation_id)
