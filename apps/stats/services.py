"""Runs of the statistics computation: started on demand (page, admin, command) or by the
nightly job, executed by a Celery task, logged as StatsRun with progress in the cache."""

import logging
from datetime import date

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, NotAllowed, OutOfScope
from apps.core.outbox import enqueue
from apps.core.progress import set_progress
from apps.core.scoping import CHANGE
from apps.stations.models import Bureau

from . import compute
from .models import StatsRun

logger = logging.getLogger(__name__)

MAX_RANGE_DAYS = 3 * 366 + 1


def progress_key(run: StatsRun | int) -> str:
    return f"stats-run-{run if isinstance(run, int) else run.pk}"


def recompute_start(*, by, bureau: Bureau, first_day: date, last_day: date) -> StatsRun:
    """Queue the recomputation of a range of days for a bureau; the page polls
    `get_progress(progress_key(run))`. Bureau staff (and superusers) with `add_statsrun`."""
    if not by.has_perm("stats.add_statsrun"):
        raise NotAllowed(_("You may not recompute statistics."))
    if not Bureau.objects.restrict(by, CHANGE).filter(pk=bureau.pk).exists():
        raise OutOfScope(_("Not found."))
    if not first_day or not last_day or first_day > last_day:
        raise DomainError(_("The first day must not be after the last day."), code="invalid")
    if last_day > timezone.localdate():
        raise DomainError(_("The last day cannot be in the future."), code="invalid")
    if (last_day - first_day).days + 1 > MAX_RANGE_DAYS:
        raise DomainError(_("Recompute at most three years at a time."), code="invalid")
    from .tasks import compute_range

    with transaction.atomic():
        run = StatsRun.objects.create(bureau=bureau, first_day=first_day, last_day=last_day)
        set_progress(progress_key(run), 0, (last_day - first_day).days + 1)
        run.task_id = str(enqueue(compute_range, run.pk).task_id)
        run.save(update_fields=["task_id"])
    return run


def run_execute(*, run_id: int, final_attempt: bool = True) -> StatsRun | None:
    """Compute the run's days (again, if a worker died in the middle: upserts make the
    re-run land on the same rows). Marks the run done, or failed on the last attempt."""
    run = StatsRun.objects.filter(pk=run_id).first()
    if run is None:
        return None
    key = progress_key(run)
    try:
        days, rows = compute.compute_range(
            run.bureau_id,
            run.first_day,
            run.last_day,
            progress=lambda done, total: set_progress(key, done, total),
        )
    except Exception as exc:
        if final_attempt or not isinstance(exc, DatabaseError):
            _fail(run, exc)
        raise
    StatsRun.objects.filter(pk=run.pk).update(
        status=StatsRun.Status.DONE, finished_at=timezone.now(), days=days, rows=rows, error=""
    )
    run.refresh_from_db()
    return run


def _fail(run: StatsRun, exc: Exception) -> None:
    logger.exception("statistics run %s failed", run.pk)
    StatsRun.objects.filter(pk=run.pk).update(
        status=StatsRun.Status.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
    )


def nightly_bureau(*, bureau: Bureau, now=None, task_id: str = "") -> StatsRun:
    """Yesterday, the days marked dirty (a record deleted, or its day moved: compute's
    dirty_mark), and every day whose source records changed since the last incremental
    run's watermark, up to yesterday. The watermark and id marks are taken before
    reading, and only a run that finishes advances them (and clears the marks), so a
    change made during a run is seen by the next one."""
    now = now or timezone.now()
    previous = (
        StatsRun.objects.filter(bureau=bureau, incremental=True, status=StatsRun.Status.DONE)
        .exclude(watermark=None)
        .order_by("-watermark")
        .first()
    )
    marks = compute.source_marks()
    yesterday = compute.yesterday(now)
    days = {yesterday} | compute.dirty_days(bureau.pk)
    if previous is not None:
        days |= compute.changed_days(bureau, previous.watermark, previous.marks)
    # Today is not over: its figures (and its marks, which stay) wait for tomorrow night's
    # run, as the pages say, rather than showing half a day in the month's totals.
    days = {day for day in days if day <= yesterday}
    # A worker killed during the previous attempt of this task left its run running.
    if task_id:
        StatsRun.objects.filter(
            bureau=bureau, task_id=task_id, status=StatsRun.Status.RUNNING
        ).update(status=StatsRun.Status.FAILED, finished_at=now, error="worker lost; retried")
    run = StatsRun.objects.create(
        bureau=bureau,
        first_day=min(days),
        last_day=max(days),
        incremental=True,
        task_id=task_id,
        watermark=now,
        marks=marks,
    )
    key = progress_key(run)
    try:
        count, rows = compute.compute_days(
            bureau, days, progress=lambda done, total: set_progress(key, done, total)
        )
    except Exception as exc:
        _fail(run, exc)
        raise
    StatsRun.objects.filter(pk=run.pk).update(
        status=StatsRun.Status.DONE, finished_at=timezone.now(), days=count, rows=rows
    )
    run.refresh_from_db()
    return run


def nightly(*, now=None, task_id: str = "") -> list[StatsRun]:
    return [
        nightly_bureau(bureau=bureau, now=now, task_id=task_id)
        for bureau in Bureau.objects.order_by("pk")
    ]
