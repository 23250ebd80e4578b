"""A real Celery worker for the tests that need one (PostgreSQL and Redis only): the worker
is another process, so it sees committed rows (transactional_db) in the test database,
whose name goes into its DATABASE_URL. Every wait is bounded."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

REDIS_URL = os.environ.get("REDIS_URL", "")
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ROOT = Path(__file__).resolve().parents[1]

needs_services = pytest.mark.skipif(
    not (REDIS_URL and DATABASE_URL.startswith("postgres")),
    reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
)


def worker_env(**extra: str) -> dict:
    parts = urlsplit(DATABASE_URL)
    test_db = connection.settings_dict["NAME"]
    return {
        **os.environ,
        "DATABASE_URL": urlunsplit(parts._replace(path=f"/{test_db}")),
        "REDIS_URL": REDIS_URL,
        "DB_CONN_MAX_AGE": "0",
        **extra,
    }


def start_worker(env: dict, queue: str, log) -> subprocess.Popen:
    celery = Path(sys.executable).with_name("celery")
    return subprocess.Popen(
        [
            str(celery),
            "-A",
            "policestation",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
