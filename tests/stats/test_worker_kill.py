"""A real Celery worker (solo pool) killed with SIGKILL in the middle of a recompute and
started again: Redis hands the unacknowledged task back (acks_late, visibility timeout
shortened through CELERY_VISIBILITY_TIMEOUT), and the store ends up exactly as after an
uninterrupted run, without duplicates.

PostgreSQL and Redis only (CI sets both): the worker is another process, so it must see
committed rows (transactional_db) in the test database, whose name goes into its
DATABASE_URL. STATS_TEST_DAY_DELAY (read by apps.stats.compute, documented there) slows
each written day so that the kill lands mid-range. Every wait is bounded."""

import os
import signal
import time
import uuid
from datetime import timedelta

from apps.core.testing.personas import XIPENG_DESK
from apps.stats import compute
from apps.stats.models import DailyFact, StatsRun
from tests.workers import needs_services, start_worker, stop, wait_for, worker_env

from .engine_data import DAY1, at, build, incident

DAYS = 16
DELAY = 0.5  # seconds per written day in the worker
VISIBILITY = 3  # seconds before an unacknowledged task is redelivered

pytestmark = [needs_services]


def _worker_env() -> dict:
    return worker_env(STATS_TEST_DAY_DELAY=str(DELAY), CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY))


def _facts() -> dict:
    return {
        (f.day, f.unit_kind, f.unit_id, f.metric, f.dimension): f.value
        for f in DailyFact.objects.all()
    }


def test_killed_worker_leaves_the_same_numbers(transactional_db, org, tmp_path):
    from apps.stats.tasks import compute_range_task as compute_range
    from policestation.celery import app

    user = org.users[XIPENG_DESK]
    build(org, user)
    for n in range(DAYS):
        day = DAY1 + timedelta(days=n)
        for k in range(n % 4 + 1):
            incident(org.xipeng, user, at(day, 9 + k), post=org.park_post, arrived_min=5 + k * n)
    first, last = DAY1, DAY1 + timedelta(days=DAYS - 1)
    # The reference: an uninterrupted run in this process.
    compute.compute_range(org.jiulongpo, first, last)
    reference = _facts()
    assert len(reference) > DAYS
    DailyFact.objects.all().delete()

    queue = f"stats-kill-{uuid.uuid4().hex[:8]}"
    env = _worker_env()
    run = StatsRun.objects.create(bureau=org.jiulongpo, first_day=first, last_day=last)
    log = (tmp_path / "worker.log").open("w")
    worker = start_worker(env, queue, log)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        compute_range.apply_async((run.pk,), queue=queue)
        written_days = lambda: DailyFact.objects.values("day").distinct().count()  # noqa: E731
        wait_for(lambda: written_days() >= 3, 60, "the worker to write a few days")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=15)
        partial = written_days()
        assert 3 <= partial < DAYS, "the kill must land in the middle of the range"
        run.refresh_from_db()
        assert run.status == StatsRun.Status.RUNNING

        # Kombu's Redis transport redelivers unacknowledged tasks when a worker starts
        # polling and then only every 100 s (10 s, throttled tenfold): start the second
        # worker once the killed task's visibility timeout has passed, not before.
        time.sleep(VISIBILITY + 1)
        worker = start_worker(env, queue, log)

        def finished():
            run.refresh_from_db()
            return run.status != StatsRun.Status.RUNNING

        # If the new worker's first look at the unacknowledged tasks misses (a loaded
        # machine), its next one is 100 s later: wait past it.
        wait_for(finished, 150, "the redelivered task to finish")
        assert run.status == StatsRun.Status.DONE, run.error
        assert _facts() == reference
        assert DailyFact.objects.count() == len(reference)  # no duplicates
    finally:
        app.conf.task_always_eager = eager
        stop(worker)
        log.close()
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
    if os.environ.get("STATS_KILL_LOG"):
        print((tmp_path / "worker.log").read_text())
