"""Task logs stay on in a real worker (issue 18 item 9): after the outbox flush has run in
the worker (every minute, from beat), a task that fails still writes its ERROR line.

The flush once imported the task modules through Celery's loader, whose Django fix-up runs
django.setup() again: Django's logging set-up then replaced the worker's handlers, and the
worker logged nothing more, failures included."""

import uuid
from datetime import date

from apps.core.tasks import queued_tasks_flush_task as queued_tasks_flush
from apps.stats.models import StatsRun
from apps.stats.tasks import compute_range_task as compute_range
from policestation.celery import app
from tests.workers import needs_services, start_worker, stop, wait_for, worker_env

pytestmark = [needs_services]


def test_a_failing_task_is_logged_after_the_flush_ran_in_the_worker(
    transactional_db, org, tmp_path
):
    day = date(2026, 3, 2)
    run = StatsRun.objects.create(bureau=org.jiulongpo, first_day=day, last_day=day)
    queue = f"logs-{uuid.uuid4().hex[:8]}"
    path = tmp_path / "worker.log"
    log = path.open("w")
    # The recompute fails at once in this worker (a ValueError reading the test delay): a
    # failure that is not a database error, so it is not retried.
    worker = start_worker(worker_env(STATS_TEST_DAY_DELAY="not-a-number"), queue, log)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        wait_for(lambda: "ready." in path.read_text(), 60, "the worker to start")
        flushed = queued_tasks_flush.apply_async(queue=queue)
        wait_for(lambda: f"{flushed.id}] succeeded" in path.read_text(), 60, "the flush")
        failed = compute_range.apply_async((run.pk,), queue=queue)
        wait_for(lambda: f"{failed.id}] raised" in path.read_text(), 60, "the failure's line")
        lines = [line for line in path.read_text().splitlines() if failed.id in line]
        assert any("ERROR" in line for line in lines), lines
    finally:
        app.conf.task_always_eager = eager
        stop(worker)
        log.close()
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
