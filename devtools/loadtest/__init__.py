"""The load test behind `make loadtest` (README "Load test").

- `stack`: the production processes on 127.0.0.1 — gunicorn with several workers and a
  Celery worker, DEBUG off, started and stopped within bounded times.
- `scenario`: inside the load database — the load users (desk and community officers of
  西彭 with their roster shifts, citizens with submitted applications) before the run, and
  afterwards the check of every submission the users saw acknowledged against the rows.
- `locustfile`: the users (run by locust in its own process: locust patches the standard
  library with gevent, so nothing of Django is imported there, nor locust here).
- `driver`: one run, from a fresh database to the table of p50/p95 per request type.

A run drops its database and empties its Redis database, so `make loadtest` and
tests/load/test_loadtest.py each have their own: the names below. The
Redis numbers stay clear of 0 (the workbench's own, docker-compose) and of the cache
databases of the test processes, which count down from REDIS_URL's number (tests/
conftest.py: 15, 14 … from 0; 14, 13 … from CI's 15).
"""

# `make loadtest` (Makefile: LOADTEST_DATABASE_URL, LOADTEST_REDIS_URL).
MAKE_DATABASE_SUFFIX, MAKE_REDIS_DB = "_loadtest", 8
# tests/load/test_loadtest.py: its database is DATABASE_URL's name + this suffix.
TEST_DATABASE_SUFFIX, TEST_REDIS_DB = "_loadtest_test", 9


def is_load_database(name: str) -> bool:
    """A database a load test may drop: one of its own names, never a test run's."""
    return name.endswith((MAKE_DATABASE_SUFFIX, TEST_DATABASE_SUFFIX)) and not name.startswith(
        "test_"
    )
