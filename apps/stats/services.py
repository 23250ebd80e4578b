"""Runs of the statistics computation: started on demand (page, admin, command) or by the
nightly job, executed by a Celery task, logged as StatsRun with progress in the cache.

A worker killed as a whole (a container kill) leaves its run "running" and its task in
Redis's unacknowledged set until the visibility timeout (over an hour). The run does not
wait for it: the worker writes a heartbeat on the run as days are written, and
`runs_recover` (celery beat, every two minutes) fails the runs whose heartbeat stopped for
STATS_STALL_MINUTES and queues them again; a failed run can be restarted from its page
(`run_restart`). The task handed back later finds its run failed and does nothing."""

import logging
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, OutOfScope
from apps.core.outbox import enqueue
from apps.core.progress import set_progress
from apps.core.rules import requires
from apps.core.scoping import CHANGE
from apps.stations.models import Bureau

from . import compute
from .models import StatsRun

if TYPE_CHECKING:
    from apps.accounts.models import User

logger = logging.getLogger(__name__)

MAX_RANGE_DAYS = 3 * 366 + 1
# A run's heartbeat is written at most this often (one UPDATE of one row).
HEARTBEAT_SECONDS = 10
# Runs queued again by runs_recover for one range, the first included: a range whose work
# kills its worker each time (memory) is not retried for ever; its page restarts it.
AUTO_ATTEMPTS = 3


def progress_key(run: StatsRun | int) -> str:
    return f"stats-run-{run if isinstance(run, int) else run.pk}"


@requires("stats.add_statsrun", message=_("You may not recompute statistics."))
def recompute_start(*, by: "User", bureau: Bureau, first_day: date, last_day: date) -> StatsRun:
    """Queue the recomputation of a range of days for a bureau; the page polls
    `get_progress(progress_key(run))`. Bureau staff (and superusers) with `add_statsrun`."""
    if not Bureau.objects.restrict(by, CHANGE).filter(pk=bureau.pk).exists():
        raise OutOfScope(_("Not found."))
    if not first_day or not last_day or first_day > last_day:
        raise DomainError(_("The first day must not be after the last day."), code="invalid")
    if last_day > timezone.localdate():
        raise DomainError(_("The last day cannot be in the future."), code="invalid")
    if (last_day - first_day).days + 1 > MAX_RANGE_DAYS:
        raise DomainError(_("Recompute at most three years at a time."), code="invalid")
    with transaction.atomic():
        return _queue(bureau_id=bureau.pk, first_day=first_day, last_day=last_day)


def _queue(
    *,
    bureau_id: int,
    first_day: date,
    last_day: date,
    restart_of: StatsRun | None = None,
    attempt: int = 1,
) -> StatsRun:
    """A new on-demand run and its task, in the caller's transaction."""
    run = StatsRun.objects.create(
        bureau_id=bureau_id,
        first_day=first_day,
        last_day=last_day,
        restart_of=restart_of,
        attempt=attempt,
    )
    set_progress(progress_key(run), 0, (last_day - first_day).days + 1)
    run.task_id = str(enqueue("stats.compute_range", run.pk).task_id)
    run.save(update_fields=["task_id"])
    return run


@requires("stats.add_statsrun", message=_("You may not recompute statistics."))
def run_restart(*, by: "User", run: StatsRun) -> StatsRun:
    """Compute a failed run's days again, as a new on-demand run linked to it. Whoever may
    recompute the run's bureau; once per failed run (its restart, failing, has its own)."""
    if not Bureau.objects.restrict(by, CHANGE).filter(pk=run.bureau_id).exists():
        raise OutOfScope(_("Not found."))
    with transaction.atomic():
        run = StatsRun.objects.select_for_update().get(pk=run.pk)
        if run.status != StatsRun.Status.FAILED:
            raise DomainError(_("Only a failed run can be restarted."), code="invalid")
        if run.restarts.exists():
            raise DomainError(_("This run has been restarted already."), code="invalid")
        if (run.last_day - run.first_day).days + 1 > MAX_RANGE_DAYS:
            raise DomainError(_("Recompute at most three years at a time."), code="invalid")
        return _queue(
            bureau_id=run.bureau_id,
            first_day=run.first_day,
            last_day=run.last_day,
            restart_of=run,
        )


def runs_recover(*, now: datetime | None = None) -> list[StatsRun]:
    """The beat job: every running run whose heartbeat is older than STATS_STALL_MINUTES
    lost its worker. It is marked failed with the reason and, for an on-demand run short
    of AUTO_ATTEMPTS, queued again as a new run (a nightly run's days are the next
    nightly run's: its watermark did not move and its dirty marks stay). Returns the new
    runs. Runs never started (no heartbeat: waiting in the queue or the outbox) are left."""
    now = now or timezone.now()
    limit = now - timedelta(minutes=settings.STATS_STALL_MINUTES)
    stalled = StatsRun.objects.filter(status=StatsRun.Status.RUNNING, heartbeat_at__lt=limit)
    queued: list[StatsRun] = []
    for pk in stalled.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            run = stalled.select_for_update(skip_locked=True).filter(pk=pk).first()
            if run is None:  # finished, or beaten since
                continue
            again = not run.incremental and run.attempt < AUTO_ATTEMPTS
            with translation.override(settings.LANGUAGE_CODE):
                reason = _(
                    "No sign of life for %(minutes)d minutes: its worker stopped (killed or "
                    "restarted)."
                ) % {"minutes": settings.STATS_STALL_MINUTES}
                if again:
                    reason += " " + _("Computed again by a new run.")
                elif run.incremental:
                    reason += " " + _("The next nightly run computes its days.")
            StatsRun.objects.filter(pk=run.pk).update(
                status=StatsRun.Status.FAILED, finished_at=now, error=reason
            )
            logger.warning("statistics run %s stalled since %s", run.pk, run.heartbeat_at)
            if again:
                queued.append(
                    _queue(
                        bureau_id=run.bureau_id,
                        first_day=run.first_day,
                        last_day=run.last_day,
                        restart_of=run,
                        attempt=run.attempt + 1,
                    )
                )
    return queued


def _heartbeat(run_id: int) -> Callable[[int, int], None]:
    """A progress callback that also writes the run's heartbeat, at most every
    HEARTBEAT_SECONDS."""
    key, last = progress_key(run_id), time.monotonic()

    def progress(done: int, total: int) -> None:
        nonlocal last
        set_progress(key, done, total)
        if time.monotonic() - last >= HEARTBEAT_SECONDS:
            last = time.monotonic()
            StatsRun.objects.filter(pk=run_id).update(heartbeat_at=timezone.now())

    return progress


def run_execute(*, run_id: int, final_attempt: bool = True) -> StatsRun | None:
    """Compute the run's days (again, if a worker died in the middle: upserts make the
    re-run land on the same rows). Marks the run done, or failed on the last attempt. A
    run no longer running (failed by runs_recover and queued again, when Redis hands its
    task back after the visibility timeout) is left alone."""
    started = StatsRun.objects.filter(pk=run_id, status=StatsRun.Status.RUNNING).update(
        heartbeat_at=timezone.now()
    )
    run = StatsRun.objects.filter(pk=run_id).first() if started else None
    if run is None:
        return None
    try:
        days, rows = compute.compute_range(
            run.bureau_id, run.first_day, run.last_day, progress=_heartbeat(run.pk)
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


def nightly_bureau(*, bureau: Bureau, now: datetime | None = None, task_id: str = "") -> StatsRun:
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
        assert previous.watermark is not None  # excluded from the query
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
        heartbeat_at=timezone.now(),
    )
    try:
        count, rows = compute.compute_days(bureau, days, progress=_heartbeat(run.pk))
    except Exception as exc:
        _fail(run, exc)
        raise
    StatsRun.objects.filter(pk=run.pk).update(
        status=StatsRun.Status.DONE, finished_at=timezone.now(), days=count, rows=rows
    )
    run.refresh_from_db()
    return run


def nightly(*, now: datetime | None = None, task_id: str = "") -> list[StatsRun]:
    return [
        nightly_bureau(bureau=bureau, now=now, task_id=task_id)
        for bureau in Bureau.objects.order_by("pk")
    ]
