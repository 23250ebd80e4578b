"""Thin Celery tasks: ids in, a service call out (design.md habit 8)."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from apps.core.outbox import enqueue
from apps.core.tasks import TASK_OPTIONS


@shared_task(name="patrols.assessment_compute", **TASK_OPTIONS)
def assessment_compute(bureau_id: int, month: str) -> int:
    """Compute one bureau's month (`YYYY-MM-DD`, any day of it); idempotent."""
    from apps.stations.models import Bureau

    from .assessment import assessment_compute as compute

    return compute(bureau=Bureau.objects.get(pk=bureau_id), month=date.fromisoformat(month))


@shared_task(name="patrols.assessment_previous_month", **TASK_OPTIONS)
def assessment_previous_month() -> int:
    """The beat's monthly run: last month for every bureau, one task each."""
    from apps.stations.models import Bureau

    from .assessment import previous_month

    month = previous_month(timezone.localdate()).isoformat()
    bureaus = list(Bureau.objects.values_list("pk", flat=True))
    for bureau_id in bureaus:
        enqueue(assessment_compute, bureau_id, month)
    return len(bureaus)
