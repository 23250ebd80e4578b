"""PostgreSQL down: celery beat's scheduler and failed tasks log one line each, not a
traceback every 5 s (issue 18 item 12); other errors keep their traceback."""

import logging
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django_celery_beat.schedulers import DatabaseScheduler

DOWN = OperationalError(
    'connection to server at "127.0.0.1", port 5432 failed: Connection refused\n'
    "\tIs the server running on that host and accepting TCP/IP connections?"
)


@pytest.mark.django_db
def test_beats_database_scheduler_logs_an_unreachable_database_in_one_line(caplog):
    scheduler = SimpleNamespace(
        _last_timestamp=None, Changes=mock.Mock(last_change=mock.Mock(side_effect=DOWN))
    )
    with caplog.at_level(logging.INFO):
        for _tick in range(3):  # beat asks every 5 s
            assert DatabaseScheduler.schedule_changed(scheduler) is False
    records = [r for r in caplog.records if r.name == "django_celery_beat.schedulers"]
    assert len(records) == 3
    for record in records:
        assert record.exc_info is None and record.levelname == "WARNING"
        assert "\n" not in record.getMessage() and "OperationalError" in record.getMessage()
    assert "Traceback" not in caplog.text


def test_other_errors_of_beat_keep_their_traceback(caplog):
    log = logging.getLogger("celery.beat")
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        log.exception("beat: a bug")
    [record] = [r for r in caplog.records if r.name == "celery.beat"]
    assert record.exc_info is not None and record.levelname == "ERROR"


def test_a_failed_tasks_outage_is_one_line_too(caplog):
    log = logging.getLogger("celery.app.trace")
    try:
        raise DOWN
    except OperationalError:
        log.error("Task core.queued_tasks_flush[1] raised", exc_info=True)
    [record] = [r for r in caplog.records if r.name == "celery.app.trace"]
    assert record.exc_info is None and "Connection refused" in record.getMessage()
