"""One load test run (`manage.py loadtest`), in this order:

1. a fresh database (the one DATABASE_URL names, dropped and created again) and an empty
   Redis database (REDIS_URL's), migrated and seeded with the demo (without the park
   post's year), then the load users (`scenario.prepare`);
2. static files collected with their manifest (pages name the hashed files as in
   production; uncompressed, which saves a minute of compressing vendored files);
3. a Celery worker and gunicorn with several workers (`stack`), DEBUG off;
4. locust, headless, for the given minutes, against 127.0.0.1 only;
5. the SMS queued during the run drained by the worker (at most DRAIN_SECONDS), the
   processes stopped, and the checks: no 5xx (in locust's answers and in gunicorn's access
   log), no failed request, every acknowledged submission stored once (`scenario.check`).

Everything a run leaves (setup, records, locust's CSV, the processes' logs, uploaded
files) is in the output directory; the database stays for inspection until the next run.
"""

import csv
import json
import os
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import override_settings
from django.utils import timezone
from psycopg import sql

from apps.core import backup

from . import scenario, stack

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
DRAIN_SECONDS = 60
MANIFEST_ONLY = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


@dataclass
class Report:
    rows: list[dict] = field(default_factory=list)  # per request type, from locust's CSV
    submissions: dict[str, tuple[int, int]] = field(default_factory=dict)
    repeats: dict[str, int] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)  # gunicorn's answers by status
    problems: list[str] = field(default_factory=list)


def _fresh_database(template: str | None = None) -> None:
    """Dropped and created again: empty, or a copy of `template` (an already migrated
    database nobody is connected to, which spares the test a migration of a minute)."""
    params = settings.DATABASES["default"]
    connections.close_all()
    maintenance = backup._psycopg_params(backup._pg_environment(params, "postgres"))
    with psycopg.connect(**maintenance, autocommit=True) as admin:
        name = sql.Identifier(params["NAME"])
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if template:
            create = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                name, sql.Identifier(template)
            )
        else:
            create = sql.SQL("CREATE DATABASE {}").format(name)
        admin.execute(create)
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def _locust(url: str, *, minutes: float, users: int, spawn_rate: float, output: Path) -> int:
    """Locust's exit code: 1 when a request failed or the users' code raised."""
    command = [
        stack.BIN / "locust",
        "--locustfile",
        LOCUSTFILE,
        "--headless",
        "--users",
        users,
        "--spawn-rate",
        spawn_rate,
        "--run-time",
        f"{round(minutes * 60)}s",
        "--host",
        url,
        "--csv",
        output / "locust",
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {
        **os.environ,
        "LOADTEST_SETUP": str(output / "setup.json"),
        "LOADTEST_RECORDS": str(output / "records.json"),
    }
    with (output / "locust.log").open("wb") as log:
        return subprocess.run(
            [str(part) for part in command],
            cwd=stack.ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=minutes * 60 + 120,
            check=False,
        ).returncode


def _drain(since) -> None:
    deadline = time.monotonic() + DRAIN_SECONDS
    while scenario.pending_sms(since) and time.monotonic() < deadline:
        time.sleep(0.5)


def _rows(output: Path) -> list[dict]:
    path = output / "locust_stats.csv"
    if not path.exists():
        return []
    with path.open(newline="") as stats:
        return [
            {
                "request": f"{row['Type']} {row['Name']}".strip(),
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50": row["50%"],
                "p95": row["95%"],
                "max": round(float(row["Max Response Time"] or 0)),
            }
            for row in csv.DictReader(stats)
        ]


def _failures(output: Path) -> list[str]:
    """Failed requests, and errors of the users' own code (a broken locustfile)."""
    found = []
    if (path := output / "locust_failures.csv").exists():
        with path.open(newline="") as failures:
            found += [
                f"{row['Method']} {row['Name']}: {row['Occurrences']}× {row['Error'][:300]}"
                for row in csv.DictReader(failures)
            ]
    if (path := output / "locust_exceptions.csv").exists():
        with path.open(newline="") as exceptions:
            found += [
                f"locustfile: {row['Count']}× {row['Message']}\n{row['Traceback'][-1500:]}"
                for row in csv.DictReader(exceptions)
            ]
    return found


def run(
    *,
    minutes: float,
    users: int,
    spawn_rate: float,
    workers: int,
    output: Path,
    template: str | None = None,
    say: Callable[[str], None] = print,
) -> Report:
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    started = time.monotonic()

    def step(text: str) -> None:
        say(f"[{time.monotonic() - started:6.1f} s] {text}")

    with override_settings(PRIVATE_MEDIA_ROOT=output / "private", DEMO_PARK_YEAR=False):
        step(f"fresh database {settings.DATABASES['default']['NAME']}, empty Redis database")
        _fresh_database(template)
        call_command("migrate", interactive=False, verbosity=0)
        step("migrated; seeding the demo")
        call_command("seed_demo", verbosity=0)
        step(f"demo seeded; {users} desk and {users} tablet accounts, applications")
        setup = scenario.prepare(users=users, minutes=minutes)
        (output / "setup.json").write_text(json.dumps(setup, ensure_ascii=False))
        step("prepared; collecting static files")
        with override_settings(STORAGES=MANIFEST_ONLY, STATIC_ROOT=output / "static"):
            call_command("collectstatic", interactive=False, verbosity=0)
    since = timezone.now()
    env = stack.production_env(
        database_url=os.environ["DATABASE_URL"],
        redis_url=settings.REDIS_URL,
        PRIVATE_MEDIA_ROOT=str(output / "private"),
        STATIC_ROOT=str(output / "static"),
    )
    report = Report()
    with (
        stack.celery_worker(env, log_dir=output) as celery_ready,
        stack.gunicorn(env, workers=workers, log_dir=output) as server,
    ):
        celery_ready()
        step(f"gunicorn ({workers} workers) on {server.url} and a Celery worker; locust runs")
        exit_code = _locust(
            server.url, minutes=minutes, users=users, spawn_rate=spawn_rate, output=output
        )
        step("locust done; draining the SMS queue")
        _drain(since)
    step("stopped; checking")
    report.statuses = server.statuses()
    report.rows = _rows(output)
    records_path = output / "records.json"
    if not records_path.exists() or not report.rows:
        report.problems.append(f"locust wrote no records or statistics: see {output}/locust.log")
        return report
    records = json.loads(records_path.read_text())
    server_errors = sum(n for status, n in report.statuses.items() if status >= 500)
    if server_errors or records["server_errors"]:
        report.problems.append(f"gunicorn answered {server_errors} requests with 5xx:")
        report.problems += server.server_errors()[:10]
        report.problems += [
            f"{e['name']} → {e['status']}: {e['body']}" for e in records["server_errors"]
        ]
    # Locust's CSV files lag its counts by up to a second; its exit code does not.
    failures = _failures(output)
    if exit_code or failures:
        report.problems.append(f"locust exited with {exit_code}; failed requests and errors:")
        report.problems += failures
    outcome = scenario.check(records, since=since)
    report.submissions, report.repeats = outcome.counts, records["repeats"]
    report.problems += outcome.problems
    return report
