"""A run whose worker was killed as a whole (a container kill) does not sit "running" until
Redis's visibility timeout: its heartbeat stops, the beat job (runs_recover) marks it failed
with the reason and queues its days again, and a failed run can be restarted from its page.
The real kill of a worker is tests/stats/test_worker_kill.py."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from apps.core.models import QueuedTask
from apps.stats import compute, services
from apps.stats.models import StatsRun
from apps.stats.tasks import runs_recover_task as runs_recover

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2026, 1, 1), date(2026, 1, 10)


def _run(org, *, minutes_ago, **fields) -> StatsRun:
    beat = None if minutes_ago is None else timezone.now() - timedelta(minutes=minutes_ago)
    return StatsRun.objects.create(
        bureau=org.jiulongpo, first_day=FIRST, last_day=LAST, heartbeat_at=beat, **fields
    )


def test_a_run_without_heartbeat_for_minutes_is_failed_and_queued_again(org, settings):
    settings.STATS_STALL_MINUTES = 5
    stalled = _run(org, minutes_ago=6)
    alive = _run(org, minutes_ago=1)
    waiting = _run(org, minutes_ago=None)  # its task is still in the queue: never started
    done = _run(org, minutes_ago=60, status=StatsRun.Status.DONE)

    assert runs_recover.delay().get() == 1  # the beat task

    stalled.refresh_from_db()
    assert stalled.status == StatsRun.Status.FAILED and stalled.finished_at
    assert "5" in stalled.error and "分钟" in stalled.error  # the reason, in Chinese
    (again,) = stalled.restarts.all()
    assert (again.bureau, again.first_day, again.last_day) == (org.jiulongpo, FIRST, LAST)
    assert again.status == StatsRun.Status.RUNNING and again.attempt == 2
    assert QueuedTask.objects.get(task_id=again.task_id).task_name == ("stats.compute_range")
    for run in (alive, waiting, done):
        before = run.status
        run.refresh_from_db()
        assert run.status == before and not run.restarts.exists()
    # Nothing more to do on the next pass.
    assert services.runs_recover() == []


def test_the_stall_is_measured_from_the_last_heartbeat(org, settings):
    settings.STATS_STALL_MINUTES = 5
    with freeze_time("2026-01-11 10:00:00+08:00"):
        run = _run(org, minutes_ago=0)
    with freeze_time("2026-01-11 10:04:59+08:00"):
        assert services.runs_recover() == []
    with freeze_time("2026-01-11 10:05:01+08:00"):
        (again,) = services.runs_recover()
    run.refresh_from_db()
    assert run.status == StatsRun.Status.FAILED and again.restart_of == run


def test_the_worker_writes_the_heartbeat_as_days_are_written(org, monkeypatch):
    monkeypatch.setattr(services, "HEARTBEAT_SECONDS", 0)
    beats = []
    real = compute.write_day

    def write_day(*args, **kwargs):
        beats.append(StatsRun.objects.get(pk=run.pk).heartbeat_at)
        return real(*args, **kwargs)

    monkeypatch.setattr(compute, "write_day", write_day)
    run = _run(org, minutes_ago=None)
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == StatsRun.Status.DONE and run.days == 10
    assert len(beats) == 10 and all(beats) and beats == sorted(beats)
    assert run.heartbeat_at >= beats[-1]


def test_the_task_handed_back_late_leaves_a_failed_run_alone(org, monkeypatch):
    # Redis redelivers the killed task after the visibility timeout: its run was failed
    # and queued again by then, and is not computed a second time.
    run = _run(org, minutes_ago=60, status=StatsRun.Status.FAILED)
    monkeypatch.setattr(compute, "compute_range", lambda *a, **k: pytest.fail("computed"))
    assert services.run_execute(run_id=run.pk) is None
    run.refresh_from_db()
    assert run.status == StatsRun.Status.FAILED


def test_retries_stop_and_a_nightly_run_is_left_to_the_next_night(org):
    last_try = _run(org, minutes_ago=10, attempt=services.AUTO_ATTEMPTS)
    nightly = _run(org, minutes_ago=10, incremental=True)
    assert services.runs_recover() == []
    for run in (last_try, nightly):
        run.refresh_from_db()
        assert run.status == StatsRun.Status.FAILED and not run.restarts.exists()
    assert "夜间" in nightly.error


def test_the_page_shows_the_failed_run_with_a_restart_button(client, org):
    client.force_login(org.user("jlp_admin"))
    stalled = _run(org, minutes_ago=10, attempt=services.AUTO_ATTEMPTS)
    services.runs_recover()
    page = client.get(reverse("stats:run_detail", args=[stalled.pk])).content.decode()
    assert "失败" in page and "分钟" in page and "hx-trigger" not in page
    action = reverse("stats:run_restart", args=[stalled.pk])
    assert f'action="{action}"' in page and 'data-testid="run-restart">重新计算<' in page

    response = client.post(action)
    again = StatsRun.objects.get(restart_of=stalled)
    assert response.status_code == 302
    assert response["Location"] == reverse("stats:run_detail", args=[again.pk])
    assert (again.first_day, again.last_day, again.attempt) == (FIRST, LAST, 1)
    assert again.status == StatsRun.Status.RUNNING and again.task_id
    # The failed run's page now leads to its restart, and a second click queues nothing.
    page = client.get(reverse("stats:run_detail", args=[stalled.pk])).content.decode()
    assert reverse("stats:run_detail", args=[again.pk]) in page and action not in page
    client.post(action)
    assert StatsRun.objects.filter(restart_of=stalled).count() == 1


def test_an_automatic_restart_is_linked_from_the_failed_run(client, org):
    client.force_login(org.user("jlp_admin"))
    stalled = _run(org, minutes_ago=10)
    (again,) = services.runs_recover()
    page = client.get(reverse("stats:run_detail", args=[stalled.pk])).content.decode()
    assert reverse("stats:run_detail", args=[again.pk]) in page
    assert reverse("stats:run_restart", args=[stalled.pk]) not in page


def test_only_those_who_may_recompute_the_bureau_restart_a_failed_run(client, org):
    run = _run(org, minutes_ago=10, status=StatsRun.Status.FAILED)
    running = _run(org, minutes_ago=0)
    client.force_login(org.user("yubei_admin"))  # another sub-bureau
    assert client.post(reverse("stats:run_restart", args=[run.pk])).status_code == 404
    client.force_login(org.user("xipeng_leader"))  # station staff
    assert client.post(reverse("stats:run_restart", args=[run.pk])).status_code == 403
    page = client.get(reverse("stats:run_detail", args=[run.pk]))
    assert reverse("stats:run_restart", args=[run.pk]) not in page.content.decode()
    client.force_login(org.user("jlp_admin"))
    client.post(reverse("stats:run_restart", args=[running.pk]))  # not failed: refused
    assert not StatsRun.objects.filter(restart_of__isnull=False).exists()
