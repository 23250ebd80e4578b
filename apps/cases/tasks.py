"""Thin Celery tasks (apps.core.tasks): a service call each."""

from celery import shared_task

from .services.cases import cases_remind_deadlines


@shared_task(name="cases.remind_deadlines")
def cases_remind_deadlines_task() -> int:
    return cases_remind_deadlines()
