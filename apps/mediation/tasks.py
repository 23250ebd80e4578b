"""Thin Celery tasks: ids in, a service call out (design.md habit 8)."""

from celery import shared_task

from apps.core.tasks import TASK_OPTIONS


@shared_task(**TASK_OPTIONS)
def mediation_remind() -> int:
    from .services import mediation_remind as remind

    return remind()


@shared_task(**TASK_OPTIONS, autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def invitation_sms_send(invitation_id: int) -> None:
    from .services import invitation_sms_deliver

    invitation_sms_deliver(invitation_id=invitation_id)
