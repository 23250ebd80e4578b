"""The outbox (apps.core.outbox): tasks go out with the commit of the change that asks for
them, wait when the broker cannot take them, and are sent by the flush once it can.

Here the broker's failure is simulated on Celery's send; tests/core/test_faults.py stops a
real Redis under a real app and worker."""

from datetime import timedelta
from unittest import mock

import pytest
from celery.app.task import Task
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from apps.core import outbox
from apps.core.models import Notification, QueuedTask
from apps.core.notifications import notify
from apps.core.outbox import FLUSH_TASK, enqueue, queued_tasks_flush
from apps.core.tasks import notification_send_task as notification_send
from apps.core.testing.personas import CITIZEN, JLP_ADMIN, XIPENG_DESK
from policestation.celery import app


@pytest.fixture(autouse=True)
def _broker_not_paused(monkeypatch):
    monkeypatch.setattr(outbox, "_broker_failed_at", float("-inf"))


@pytest.fixture
def with_a_broker():
    """Tasks go to a broker instead of running here; what is sent is recorded by name."""
    app.conf.task_always_eager = False  # restored by tests/conftest.py
    sent = []
    with mock.patch.object(
        Task, "apply_async", autospec=True, side_effect=lambda task, *a, **k: sent.append(task.name)
    ):
        yield sent


@pytest.fixture
def broker_down():
    app.conf.task_always_eager = False
    down = BrokerUnavailable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch.object(Task, "apply_async", autospec=True, side_effect=down) as send:
        yield send


def external_note(org) -> Notification:
    return Notification.objects.create(
        recipient=org.user(CITIZEN), title="申请已受理", external=True
    )


def waiting(note, *, attempts=1, age=timedelta(0)) -> QueuedTask:
    row = QueuedTask.objects.create(
        task_name=notification_send.name, args=[note.pk], attempts=attempts
    )
    QueuedTask.objects.filter(pk=row.pk).update(created_at=timezone.now() - age)
    return row


@pytest.mark.django_db(transaction=True)
def test_it_runs_the_task_here_after_the_commit_and_marks_it_sent(org):
    with transaction.atomic():
        (note,) = notify(recipients=[org.user(CITIZEN)], title="申请已受理", external=True)
        row = QueuedTask.objects.get()
        assert row.sent_at is None  # nothing leaves before the commit
    row.refresh_from_db()
    note.refresh_from_db()
    assert (row.task_name, row.args, row.attempts) == (notification_send.name, [note.pk], 1)
    assert row.sent_at is not None and note.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_queues_nothing(org):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(notification_send.name, external_note(org).pk)
        raise RuntimeError
    assert not QueuedTask.objects.exists()


def test_a_task_the_broker_cannot_take_waits_with_the_reason(
    org, broker_down, django_capture_on_commit_callbacks
):
    note = external_note(org)
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue(notification_send.name, note.pk)  # no exception reaches the caller
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1
    assert row.last_error.startswith("OperationalError: Error 111")


def test_after_a_failed_send_the_next_tasks_wait_without_trying_for_a_while(
    org, broker_down, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(notification_send.name, external_note(org).pk)
        second = enqueue(notification_send.name, external_note(org).pk)
    assert broker_down.call_count == 1  # one wait for the broker's timeouts, not one each
    second.refresh_from_db()
    assert second.attempts == 1 and "not tried" in second.last_error
    # The pause over, the next task tries the broker again.
    monkeypatch.setattr(outbox, "_broker_failed_at", outbox._broker_failed_at - 16)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(notification_send.name, external_note(org).pk)
    assert broker_down.call_count == 2
    assert QueuedTask.objects.filter(sent_at__isnull=True).count() == 3


def test_the_flush_sends_what_waited_once_the_broker_is_back(org):
    note = external_note(org)
    row = waiting(note)
    assert queued_tasks_flush() == 1
    row.refresh_from_db()
    note.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 2 and row.last_error == ""
    assert note.sent_at is not None  # the task ran


def test_the_flush_stops_at_the_first_broker_failure(org, broker_down):
    first = waiting(external_note(org), age=timedelta(minutes=5))
    second = waiting(external_note(org))
    assert queued_tasks_flush() == 0
    assert broker_down.call_count == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attempts, second.attempts) == (2, 1)


def test_the_flush_leaves_a_row_never_tried_to_its_own_commit_for_a_minute(org, with_a_broker):
    fresh = waiting(external_note(org), attempts=0)
    stale = waiting(external_note(org), attempts=0, age=timedelta(minutes=2))
    assert queued_tasks_flush() == 1
    assert list(QueuedTask.objects.filter(sent_at__isnull=True)) == [fresh]
    assert QueuedTask.objects.get(pk=stale.pk).sent_at is not None


def test_a_task_that_no_longer_exists_does_not_hold_up_the_others(org, with_a_broker):
    gone = QueuedTask.objects.create(task_name="apps.core.tasks.renamed_long_ago", attempts=1)
    waiting(external_note(org))
    assert queued_tasks_flush() == 1
    gone.refresh_from_db()
    assert gone.sent_at is None and "renamed_long_ago" in gone.last_error
    assert with_a_broker == [notification_send.name]


def test_the_next_send_that_succeeds_asks_for_a_flush_at_once(
    org, with_a_broker, django_capture_on_commit_callbacks
):
    waiting(external_note(org))
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(notification_send.name, external_note(org).pk)
    assert with_a_broker == [notification_send.name, FLUSH_TASK]


def test_no_flush_is_asked_for_when_nothing_waits(
    org, with_a_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(notification_send.name, external_note(org).pk)
    assert with_a_broker == [notification_send.name]


def test_sent_rows_are_deleted_after_a_week(org):
    old = QueuedTask.objects.create(task_name=notification_send.name, sent_at=timezone.now())
    QueuedTask.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=8))
    recent = QueuedTask.objects.create(task_name=notification_send.name, sent_at=timezone.now())
    queued_tasks_flush()
    assert list(QueuedTask.objects.all()) == [recent]


def test_the_command_sends_and_says_what_still_waits(org, capsys):
    waiting(external_note(org))
    QueuedTask.objects.create(task_name="apps.core.tasks.renamed_long_ago", attempts=1)
    call_command("flush_queued_tasks")
    assert capsys.readouterr().out.strip() == "1 task(s) sent, 1 still waiting."


def test_beat_flushes_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["core-flush-queued-tasks"]
    assert entry == {"task": FLUSH_TASK, "schedule": 60.0}
    assert FLUSH_TASK in app.tasks


def test_sub_bureau_admins_read_the_queue_in_admin_and_change_nothing(client, org):
    row = waiting(external_note(org))
    client.force_login(org.user(JLP_ADMIN))
    listing = client.get(reverse("admin:core_queuedtask_changelist"))
    assert listing.status_code == 200 and notification_send.name in listing.content.decode()
    assert client.get(reverse("admin:core_queuedtask_add")).status_code == 403
    delete = client.post(reverse("admin:core_queuedtask_delete", args=[row.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert QueuedTask.objects.filter(pk=row.pk).exists()


def test_station_officers_do_not_see_the_queue(client, org):
    client.force_login(org.user(XIPENG_DESK))
    assert client.get(reverse("admin:core_queuedtask_changelist")).status_code in (302, 403)
