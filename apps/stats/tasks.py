"""Celery tasks of the statistics store: thin, ids in, a service call out. Acknowledged
after the work and handed back when a worker dies (a redelivered run recomputes its days
onto the same rows), bounded in time, retried with backoff on database errors."""

from celery import shared_task
from django.db import DatabaseError, InterfaceError

from apps.core.tasks import TASK_OPTIONS

STATS_OPTIONS = {
    **TASK_OPTIONS,
    # A bureau's year takes well under a minute at full scale; three years at most per run.
    "soft_time_limit": 20 * 60,
    "time_limit": 25 * 60,
    "autoretry_for": (DatabaseError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(bind=True, **STATS_OPTIONS)
def compute_range(self, run_id: int) -> None:
    from .services import run_execute

    run_execute(run_id=run_id, final_attempt=self.request.retries >= self.max_retries)


@shared_task(bind=True, **STATS_OPTIONS)
def nightly(self) -> None:
    from .services import nightly as nightly_run

    nightly_run(task_id=self.request.id or "")


@shared_task(**TASK_OPTIONS)
def runs_recover() -> int:
    """Fail and queue again the runs whose worker was killed (celery beat, settings)."""
    from .services import runs_recover as recover

    return len(recover())
