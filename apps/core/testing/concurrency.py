"""Tests of what happens at once (row locks, triggers): they need PostgreSQL, which CI runs;
SQLite serialises every write. CI forbids skips (tests/conftest.py), so a CI run without
PostgreSQL fails instead of passing these by skipping them."""

import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import connection

_T = TypeVar("_T")

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it)"
)


def run_together(count: int, work: Callable[[int], _T]) -> list[_T | Exception]:
    """Start `count` threads at the same moment; collect what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list[_T | Exception] = []

    def runner(index: int) -> None:
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
