"""Thin Celery tasks (apps.core.tasks): ids in, a service call out."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from apps.core.outbox import enqueue
from apps.stations.models import Bureau

from .assessment.services import assessment_compute, previous_month


@shared_task(name="patrols.assessment_compute")
def assessment_compute_task(bureau_id: int, month: str) -> int:
    """Compute one bureau's month (`YYYY-MM-DD`, any day of it); idempotent."""
    return assessment_compute(
        bureau=Bureau.objects.get(pk=bureau_id), month=date.fromisoformat(month)
    )


@shared_task(name="patrols.assessment_previous_month")
def assessment_previous_month_task() -> int:
    """The beat's monthly run: last month for every bureau, one task each."""
    month = previous_month(timezone.localdate()).isoformat()
    bureaus = list(Bureau.objects.values_list("pk", flat=True))
    for bureau_id in bureaus:
        enqueue("patrols.assessment_compute", bureau_id, month)
    return len(bureaus)
