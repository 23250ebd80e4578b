"""The Celery side of the statistics engine: task options, the nightly task over every
bureau, and the beat schedule kept in the database next to the settings' entries."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import OperationalError
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from apps.stats import compute
from apps.stats.models import StatsRun
from apps.stats.tasks import compute_range_task as compute_range
from apps.stats.tasks import nightly_task as nightly

pytestmark = pytest.mark.django_db


def test_task_options():
    for task in (compute_range, nightly):
        assert task.acks_late and task.reject_on_worker_lost
        assert 0 < task.soft_time_limit < task.time_limit
        assert OperationalError.__mro__[1] in task.autoretry_for or any(
            issubclass(OperationalError, kind) for kind in task.autoretry_for
        )
        assert task.retry_backoff and task.max_retries


def test_nightly_task_runs_every_bureau(org):
    nightly.delay()
    runs = StatsRun.objects.filter(incremental=True, status=StatsRun.Status.DONE)
    assert {run.bureau_id for run in runs} == {org.jiulongpo.pk, org.yubei.pk}
    assert {(run.first_day, run.last_day) for run in runs} == {(compute.yesterday(),) * 2}
    assert all(run.watermark and run.marks for run in runs)


def test_a_failing_run_is_marked_failed(org, monkeypatch):
    run = StatsRun.objects.create(
        bureau=org.jiulongpo, first_day=compute.yesterday(), last_day=compute.yesterday()
    )

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(compute, "compute_range", broken)
    with pytest.raises(ValueError):
        compute_range.delay(run.pk)
    run.refresh_from_db()
    assert run.status == StatsRun.Status.FAILED and "boom" in run.error


def test_beat_reads_the_database_schedule(settings, monkeypatch):
    from django_celery_beat import schedulers

    from policestation.celery import app

    # The scheduler closes "old" connections, the test's own among them on PostgreSQL.
    monkeypatch.setattr(schedulers, "close_old_connections", lambda: None)

    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"
    # The job comes from migration stats 0002. A transactional test that ran earlier in
    # this process has flushed the tables, so its step is applied again (get_or_create).
    import_module("apps.stats.migrations.0002_engine").nightly_schedule(django_apps, None)
    entry = PeriodicTask.objects.get(name="stats-nightly")
    assert entry.task == "stats.nightly" and entry.enabled
    assert (entry.crontab.hour, entry.crontab.minute) == ("1", "30")
    assert str(entry.crontab.timezone) == "Asia/Shanghai"
    # Beat's start writes the settings' entries into the table, next to the nightly job
    # (which the scheduler then reads, only those due soon at a time).
    DatabaseScheduler(app=app, lazy=True).setup_schedule()
    enabled = set(PeriodicTask.objects.filter(enabled=True).values_list("name", flat=True))
    assert {"stats-nightly", *settings.CELERY_BEAT_SCHEDULE} <= enabled
    deadlines = PeriodicTask.objects.get(name="cases-remind-deadlines")
    assert (deadlines.crontab.hour, deadlines.crontab.minute) == ("8", "0")
