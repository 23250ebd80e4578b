"""Thin Celery tasks: ids in, a service call out (design.md habit 8)."""

from celery import shared_task

from apps.core.tasks import TASK_OPTIONS


@shared_task(**TASK_OPTIONS)
def mediation_remind() -> int:
    from .services import mediation_remind as remind

    return remind()
