"""`make loadtest` for one minute, as CI runs it (issue 10, item 8): fifty desk and tablet
users against gunicorn, PostgreSQL, Redis and a Celery worker answer no 5xx and fail no
request, and every submission they saw acknowledged is in the database once.

The driver (`manage.py loadtest`) runs in its own process, on its own database beside the
test database (`<name>_loadtest_test`, re-created) and its own Redis database (number 9,
clear of the per-process cache databases of tests/conftest.py) — never those of
`make loadtest` (`policestation_loadtest`, Redis 8), which a run of either drops (issue 18
item 12). PostgreSQL and Redis only (CI sets both). About 100 s: a copy of the suite's
migrated template database (tests/testdb.py) seeded with the demo, then the minute.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from devtools.loadtest import TEST_DATABASE_SUFFIX, TEST_REDIS_DB

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not (REDIS_URL and DATABASE_URL.startswith("postgres")),
    reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
)


def _own(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


def own_databases(database_url: str, redis_url: str) -> tuple[str, str]:
    """The test's database and Redis database, on the servers the suite uses."""
    database = urlsplit(database_url).path.strip("/")
    return (
        _own(database_url, f"/{database}{TEST_DATABASE_SUFFIX}"),
        _own(redis_url, f"/{TEST_REDIS_DB}"),
    )


def test_fifty_users_for_a_minute_get_no_5xx_and_lose_no_submission(tmp_path, migrated_template):
    database_url, redis_url = own_databases(DATABASE_URL, REDIS_URL)
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": database_url, "REDIS_URL": redis_url}
    command = ["manage.py", "loadtest", "--minutes", "1", "--users", "50", "--output", tmp_path]
    command += ["--template", migrated_template]  # the suite's migrated database, copied
    done = subprocess.run(
        [sys.executable, *map(str, command)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    print(done.stdout)  # the table of p50/p95 per request type (pytest -s shows it)
    assert done.returncode == 0, f"{done.stdout[-6000:]}\n{done.stderr[-6000:]}"
    assert "No 5xx, no failed request, no lost submission." in done.stdout
    assert "p95 ms" in done.stdout and "/api/v1/patrols/{id}/track/" in done.stdout
