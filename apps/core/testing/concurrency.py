"""Tests of what happens at once (row locks, triggers): they need PostgreSQL, which CI runs;
SQLite serialises every write. CI forbids skips (tests/conftest.py), so a CI run without
PostgreSQL fails instead of passing these by skipping them."""

import threading

import pytest
from django.db import connection

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it)"
)


def run_together(count, work):
    """Start `count` threads at the same moment; collect what each returned or raised."""
    barrier = threading.Barrier(count)
    results = []

    def runner(index):
        try:
            barrier.wait()
            results.append(work(index))
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
