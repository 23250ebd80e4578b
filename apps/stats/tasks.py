"""Celery tasks of the statistics store (apps.core.tasks): thin, ids in, a service call out.
Beyond the options every task shares (settings), a statistics task has shorter time limits
and is retried with backoff on database errors (a redelivered run recomputes its days onto
the same rows)."""

from celery import shared_task
from django.db import DatabaseError, InterfaceError

from .services import nightly, run_execute, runs_recover

STATS_OPTIONS = {
    # A bureau's year takes well under a minute at full scale; three years at most per run.
    "soft_time_limit": 20 * 60,
    "time_limit": 25 * 60,
    "autoretry_for": (DatabaseError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="stats.compute_range", bind=True, **STATS_OPTIONS)
def compute_range_task(self, run_id: int) -> None:
    run_execute(run_id=run_id, final_attempt=self.request.retries >= self.max_retries)


@shared_task(name="stats.nightly", bind=True, **STATS_OPTIONS)
def nightly_task(self) -> None:
    nightly(task_id=self.request.id or "")


@shared_task(name="stats.runs_recover")
def runs_recover_task() -> int:
    """Fail and queue again the runs whose worker was killed (celery beat, settings)."""
    return len(runs_recover())
