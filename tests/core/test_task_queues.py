"""Celery queues by kind of work (settings CELERY_TASK_ROUTES, README "Scaling")."""

from fnmatch import fnmatch

from django.conf import settings

from policestation.celery import app


def _queue_of(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


def test_every_task_goes_to_a_queue_that_a_worker_without_q_takes():
    app.loader.import_default_modules()
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    assert len(ours) >= 15
    # What `celery worker` consumes when given no -Q (app.amqp.queues also gathers the
    # queues other tests name in apply_async).
    taken = {queue.name for queue in app.conf.task_queues}
    assert taken == {"celery", "messages", "stats", "imports"}
    for name in ours:
        assert _queue_of(name) in taken, name
    # Every route names a task that exists: a renamed task must not fall back silently.
    for pattern in settings.CELERY_TASK_ROUTES:
        assert any(fnmatch(name, pattern) for name in ours), pattern


def test_the_kinds_of_work_go_to_their_own_queues():
    app.loader.import_default_modules()
    assert _queue_of("accounts.phone_code_send") == "messages"
    assert _queue_of("core.notification_send") == "messages"
    assert _queue_of("stats.compute_range") == "stats"
    assert _queue_of("patrols.assessment_compute") == "stats"
    assert _queue_of("registry.import_apply") == "imports"
    assert _queue_of("core.partitions_maintain") == "celery"
