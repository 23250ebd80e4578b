"""The load test's own checks can fail: what locust saw acknowledged against the rows, the
numbering, and the driver's refusal to re-create a database that is not a load database."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command

from devtools.loadtest import is_load_database
from devtools.loadtest.scenario import Outcome, _compare, _gapless

from .test_loadtest import own_databases


def records(sent, acked):
    return {"sent": {"incident": sent}, "acked": {"incident": acked}}


def test_it_passes_when_every_acknowledged_submission_is_stored_once():
    outcome = Outcome()
    # The third was cut off by the end of the run: sent, stored, never acknowledged.
    _compare(outcome, "incident", records(["a", "b", "c"], ["a", "b"]), ["a", "b", "c"])
    assert outcome.problems == []
    assert outcome.counts == {"incident": (2, 3)}


def test_it_names_an_acknowledged_submission_that_is_not_stored():
    outcome = Outcome()
    _compare(outcome, "incident", records(["a", "b"], ["a", "b"]), ["a"])
    assert outcome.problems == ["incident: 1 acknowledged but not stored: ['b']"]


def test_it_names_a_retry_that_was_stored_twice_and_a_row_never_sent():
    outcome = Outcome()
    _compare(outcome, "incident", records(["a"], ["a"]), ["a", "a", "z"])
    assert outcome.problems == [
        "incident: 1 stored more than once: ['a']",
        "incident: 1 stored but never sent: ['z']",
    ]


def test_it_compares_ids_whatever_their_type():
    outcome = Outcome()
    # The driver records ids as the JSON answers gave them; the database gives integers.
    _compare(outcome, "approval", {"sent": {"approval": ["4"]}, "acked": {"approval": ["4"]}}, [4])
    assert outcome.problems == []
    assert outcome.counts == {"approval": (1, 1)}


def test_it_finds_gaps_and_repeats_in_numbers():
    prefix = "500107530100ZA2026"
    outcome = Outcome()
    _gapless(outcome, "case", [f"{prefix}00001", f"{prefix}00002"], prefix)
    assert outcome.problems == []
    _gapless(outcome, "case", [f"{prefix}00001", f"{prefix}00003", f"{prefix}00003"], prefix)
    assert outcome.problems == ["case numbers 500107530100ZA2026…: missing [2], repeated [3]"]


def test_it_refuses_to_re_create_a_database_that_is_not_a_load_database(db):
    with pytest.raises(CommandError, match=r"PostgreSQL|ending in _loadtest"):
        call_command("loadtest", minutes=0.1)


def _makefile_default(variable: str) -> str:
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    return re.search(rf"^{variable} \?= (\S+)$", makefile, re.MULTILINE).group(1)


@pytest.mark.parametrize(
    ("database_url", "redis_url"),
    [
        ("postgres://postgres@127.0.0.1:5432/policestation", "redis://127.0.0.1:6379/0"),
        ("postgres://postgres@127.0.0.1:5432/policestation_ci", "redis://127.0.0.1:6379/15"),
    ],
)
def test_make_loadtest_and_the_test_each_drop_their_own_databases(database_url, redis_url):
    make_database = _makefile_default("LOADTEST_DATABASE_URL")
    make_redis = _makefile_default("LOADTEST_REDIS_URL")
    test_database, test_redis = own_databases(database_url, redis_url)
    assert make_database != test_database and make_redis != test_redis
    assert make_database.endswith("/policestation_loadtest") and make_redis.endswith("/8")
    for url in (make_database, test_database):
        name = urlsplit(url).path.strip("/")
        assert is_load_database(name) and url != database_url
    # Neither Redis database is the suite's own nor a test process's cache (tests/
    # conftest.py counts those down from REDIS_URL's number, four processes at most here).
    base = int(urlsplit(redis_url).path.strip("/"))
    taken = {base} | {(base - 1 - worker) % 16 for worker in range(4)}
    for url in (make_redis, test_redis):
        assert int(urlsplit(url).path.strip("/")) not in taken
    assert not is_load_database("policestation") and not is_load_database("test_x_loadtest")
