"""Thin Celery tasks: ids in, a service call out (design.md habit 8)."""

from celery import shared_task

from apps.core.tasks import TASK_OPTIONS


@shared_task(**TASK_OPTIONS)
def cases_remind_deadlines() -> int:
    from .services import cases_remind_deadlines as remind

    return remind()
