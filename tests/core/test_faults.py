"""Real outages under a real app: a private PostgreSQL cluster and a private Redis, started
by these tests on free ports, stopped and started again under gunicorn (DEBUG off) and a
Celery worker. The shared servers of the machine are never touched.

- PostgreSQL stopped: pages, the API and /healthz answer 503 within seconds, with a short
  message, and the same app process answers 200 again once the cluster is back.
- A database or Redis that accepts connections but never answers: given up within seconds
  (the cache, the broker, a live event).
- PostgreSQL frozen (its processes stopped with SIGSTOP: connections stay open and the
  kernel still acknowledges every packet): a request on the app's open connection answers
  503 within DB_QUERY_TIMEOUT (apps.core.dbtimeout), pages, the API and /healthz alike, and
  200 again once the processes go on. The bound's cost per call is measured here too.
- Redis stopped: an officer logs in and starts a statistics run; the run is saved and its
  task waits in the outbox; Redis back, the flush sends it and the worker computes it.

Needs the PostgreSQL 15 server binaries and redis-server (CI has both); missing, the tests
fail and say so. About 40 s together on 2 cores, most of it process start-up. The private
database is loaded from a dump of the test database when the tests run on PostgreSQL (as in
CI, ~2 s), and migrated otherwise (~15 s)."""

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
USERNAME, PASSWORD = "faults_admin", "Faults-outage-2026!"
QUERY_TIMEOUT = 3  # DB_QUERY_TIMEOUT of the app processes
BUREAU_NAME = "九龙坡区分局"
# Not for this process's own use: it makes pytest-django create the test database even when
# only this file runs, so that the private one can be copied from it.
pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{tail}")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class PrivatePostgres:
    """A throw-away cluster in a temporary directory, run as the postgres OS user (the
    server refuses root), listening on 127.0.0.1 only, without a Unix socket."""

    def __init__(self):
        for binary in ("initdb", "pg_ctl", "pg_dump", "psql"):
            assert (PG_BIN / binary).exists(), (
                f"{PG_BIN / binary} is missing: these tests need the PostgreSQL 15 server "
                "(apt-get install postgresql-15)"
            )
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="ps-faults-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
        self._run(PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-N")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                "unix_socket_directories = ''\n"
                # A scratch cluster: durability buys nothing here, speed does.
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )

    def _run(self, *command):
        subprocess.run(
            [*self.as_postgres, *map(str, command)], check=True, capture_output=True, timeout=60
        )

    def start(self):
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "30", "start")

    def stop(self):
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "30", "stop")

    def pids(self) -> list[int]:
        """The postmaster and its children (the backends of the app's connections)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(postmaster)], capture_output=True, text=True
        ).stdout.split()
        return [postmaster, *map(int, children)]

    def freeze(self):
        self.frozen = self.pids()
        for pid in self.frozen:
            os.kill(pid, signal.SIGSTOP)

    def thaw(self):
        for pid in getattr(self, "frozen", []):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        self.frozen = []

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str = "app") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def query(self, sql: str, *params, database: str = "app"):
        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    def destroy(self):
        self.thaw()
        if self.running():
            self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    def __init__(self):
        self.server = shutil.which("redis-server")
        assert self.server, "redis-server is missing: these tests need it (apt-get install redis)"
        self.port, self.process = free_port(), None

    def start(self):
        self.process = subprocess.Popen(
            [
                self.server,
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, 10, "the private Redis")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        stop(self.process)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def app_env(tmp: Path, database_url: str, redis_url: str = "") -> dict:
    """Production settings (DEBUG off) but for the static files (tests/core/faults_settings)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.core.faults_settings",
        "ENV_FILE": str(tmp / "no.env"),
        "DEBUG": "false",
        "SECRET_KEY": "faults-" + "x1y2z3" * 10,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DB_CONNECT_TIMEOUT": "2",
        # Persistent connections, as deployed: a broken one must be dropped and replaced.
        "DB_CONN_MAX_AGE": "60",
        "PRIVATE_MEDIA_ROOT": str(tmp / "private"),
        "LOG_LEVEL": "WARNING",
        "DB_QUERY_TIMEOUT": str(QUERY_TIMEOUT),
        "PYTHONPATH": str(ROOT),
    }


def manage(env: dict, *args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class App:
    """gunicorn with one worker, as deployed (docker-compose.yml), on a free port."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.port, self.process = env, log, free_port(), None
        self.out = log.open("a")

    def start(self):
        self.process = subprocess.Popen(
            [
                *(BIN / "gunicorn", "policestation.wsgi", "--bind", f"127.0.0.1:{self.port}"),
                *("--workers", "1", "--timeout", "60", "--chdir", str(ROOT)),
            ],
            env=self.env,
            stdout=self.out,
            stderr=subprocess.STDOUT,
        )

    def wait(self):
        wait_until(self._up, 60, "the app to answer", self.log)

    def stop(self):
        stop(self.process)
        self.out.close()

    def _up(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()[-3000:]
        try:
            return Browser(self.port).get("/healthz").status in (200, 503)
        except OSError:
            return False


class Worker:
    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.process = env, log, None
        self.out = log.open("a")

    def start(self):
        self.process = subprocess.Popen(
            [
                *(BIN / "celery", "-A", "policestation", "worker", "--pool=solo"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.out,
            stderr=subprocess.STDOUT,
        )

    def wait(self):
        wait_until(lambda: " ready." in self.log.read_text(), 60, "the worker", self.log)

    def stop(self):
        stop(self.process)
        self.out.close()


class Response:
    def __init__(self, status, headers, text, seconds):
        self.status, self.headers, self.text, self.seconds = status, headers, text, seconds

    def json(self):
        return json.loads(self.text)


class Browser:
    """Just enough of a browser: cookies by hand (the production cookies are Secure, which
    a cookie jar would not send over plain HTTP), no redirects followed."""

    def __init__(self, port: int, headers: dict | None = None):
        self.port, self.cookies, self.headers = port, {}, headers or {}

    def request(self, method, path, body=None, headers=None) -> Response:
        headers = {**self.headers, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        started = time.monotonic()
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for line in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return Response(response.status, response.headers, text, time.monotonic() - started)

    def get(self, path, **headers) -> Response:
        return self.request("GET", path, headers=headers)

    def post_form(self, path, form: dict) -> Response:
        form = {**form, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, urlencode(form), headers)

    def post_json(self, path, data: dict) -> Response:
        headers = {"Content-Type": "application/json"}
        return self.request("POST", path, json.dumps(data), headers)

    def log_in(self):
        assert self.get("/accounts/login/").status == 200
        response = self.post_form("/accounts/login/", {"username": USERNAME, "password": PASSWORD})
        assert response.status == 302, response.text[-2000:]
        assert "sessionid" in self.cookies


SETUP = f"""
from apps.accounts.models import User
from apps.stations.models import Bureau
User.objects.create_superuser({USERNAME!r}, password={PASSWORD!r})
Bureau.objects.create(name={BUREAU_NAME!r}, code="500107")
"""


@pytest.fixture(scope="module")
def postgres(django_db_setup, django_db_blocker, tmp_path_factory):
    """The private cluster with a migrated database `app`, a superuser and a sub-bureau."""
    tmp = tmp_path_factory.mktemp("faults")
    cluster = PrivatePostgres()
    try:
        cluster.start()
        cluster.query("CREATE DATABASE app", database="postgres")
        env = app_env(tmp, cluster.url())
        with django_db_blocker.unblock():
            source = connection.settings_dict if connection.vendor == "postgresql" else None
        if source:  # the test database is migrated already: a copy is seconds, not a migrate
            dump = subprocess.run(
                [
                    *(PG_BIN / "pg_dump", "--no-owner", "--no-acl"),
                    *("-h", source["HOST"] or "localhost", "-p", str(source["PORT"] or 5432)),
                    *("-U", source["USER"], source["NAME"]),
                ],
                env={**os.environ, "PGPASSWORD": source["PASSWORD"] or ""},
                capture_output=True,
                check=True,
                timeout=60,
            )
            subprocess.run(
                [PG_BIN / "psql", "-q", "-v", "ON_ERROR_STOP=1", cluster.url()],
                input=dump.stdout,
                capture_output=True,
                check=True,
                timeout=60,
            )
        else:
            manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "shell", "-c", SETUP)
        yield cluster
    finally:
        cluster.destroy()


def test_postgresql_stopped_answers_503_quickly_and_service_resumes_by_itself(postgres, tmp_path):
    app = App(app_env(tmp_path, postgres.url()), tmp_path / "app.log")
    try:
        app.start()
        app.wait()
        officer = Browser(app.port, {"Accept-Language": "en"})
        officer.log_in()
        assert officer.get("/").status == 200
        issued = officer.post_json(
            "/api/v1/auth/token/", {"username": USERNAME, "password": PASSWORD, "device": "x"}
        )
        assert issued.status == 201, issued.text
        tablet = Browser(app.port, {"Authorization": f"Token {issued.json()['token']}"})
        assert tablet.get("/api/v1/bureaus/").status == 200

        postgres.stop()

        page = officer.get("/")  # the session is read in middleware, before any view
        assert page.status == 503, page.text[-2000:]
        assert page.headers["Retry-After"] == "30"
        assert "系统暂时无法使用" in page.text and "briefly unavailable" in page.text
        assert "Traceback" not in page.text and "OperationalError" not in page.text
        by_token = tablet.get("/api/v1/bureaus/", **{"Accept-Language": "en"})  # in DRF
        by_session = officer.get("/api/v1/bureaus/")  # in middleware
        for api in (by_token, by_session):
            assert api.status == 503, api.text[-2000:]
            assert api.headers["Retry-After"] == "30"
            assert api.json() == {
                "error": {
                    "code": "unavailable",
                    "message": "The service is briefly unavailable. Please retry.",
                }
            }
        health = Browser(app.port).get("/healthz")  # as a probe asks: no cookies
        assert health.status == 503
        assert health.json() == {"status": "unavailable", "problems": ["database unavailable"]}
        for answer in (page, by_token, by_session, health):
            assert answer.seconds < 5

        postgres.start()

        # The same app process, not restarted: the broken connection was dropped and the
        # next request connects again.
        assert officer.get("/").status == 200
        assert tablet.get("/api/v1/bureaus/").status == 200
        assert Browser(app.port).get("/healthz").json() == {"status": "ok"}
    finally:
        app.stop()
        if not postgres.running():
            postgres.start()


class Silent:
    """A port that accepts connections (the kernel completes them) and never says a word,
    like a server that hangs or a firewall that swallows the replies."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]

    def close(self):
        self.socket.close()


PROBE = """
import json, time
from django.core.cache import cache
from django.db import transaction
from apps.core.models import QueuedTask
from apps.core.outbox import enqueue
started = time.monotonic()
value = cache.get("anything", "miss")
cache_seconds = time.monotonic() - started
started = time.monotonic()
with transaction.atomic():
    row = enqueue("core.notification_send", 0)
send_seconds = time.monotonic() - started
row.refresh_from_db()
from apps.live.events import send
started = time.monotonic()
send(["incident.all"], {"topic": "incident", "id": 1})
live_seconds = time.monotonic() - started
print(json.dumps({"value": value, "cache": cache_seconds, "send": send_seconds,
                  "sent": row.sent_at is not None, "error": row.last_error,
                  "live": live_seconds}))
row.delete()
"""


def test_a_silent_database_or_redis_is_given_up_within_seconds(postgres, tmp_path):
    silent = Silent()
    try:
        env = app_env(tmp_path, f"postgres://postgres@127.0.0.1:{silent.port}/app")
        started = time.monotonic()
        result = subprocess.run(
            [
                *(sys.executable, "manage.py", "shell", "-c"),
                "from django.db import connection; connection.ensure_connection()",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        seconds = time.monotonic() - started
        assert result.returncode != 0 and "OperationalError" in result.stderr
        assert "timeout expired" in result.stderr
        assert seconds < 2 + 10  # DB_CONNECT_TIMEOUT=2, plus Django's start-up

        env = app_env(tmp_path, postgres.url(), f"redis://127.0.0.1:{silent.port}/0")
        probe = json.loads(manage(env, "shell", "-c", PROBE).strip().splitlines()[-1])
        assert probe["value"] == "miss" and probe["cache"] < 2  # SOCKET_TIMEOUT=1
        assert not probe["sent"] and "OperationalError" in probe["error"]
        assert probe["send"] < 8  # the broker's socket timeouts: 2 s to connect, 5 s to read
        assert 1.5 < probe["live"] < 4  # a live event gives up after SEND_TIMEOUT (2 s)
    finally:
        silent.close()


def test_redis_stopped_saving_goes_on_and_the_task_waits_then_runs_when_it_is_back(
    postgres, tmp_path
):
    redis = PrivateRedis()
    env = app_env(tmp_path, postgres.url(), redis.url)
    app, worker = App(env, tmp_path / "app.log"), Worker(env, tmp_path / "worker.log")
    try:
        redis.start()
        app.start()
        worker.start()
        app.wait()
        worker.wait()

        redis.stop()

        officer = Browser(app.port)
        officer.log_in()  # sessions and login lockouts live in the database
        health = Browser(app.port).get("/healthz")  # as a probe asks: no cookies
        assert health.status == 200
        assert health.json() == {"status": "degraded", "problems": ["redis unavailable"]}
        assert officer.get("/stats/runs/").status == 200
        ((bureau,),) = postgres.query("SELECT id FROM stations_bureau")
        yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
        started = officer.post_form(
            "/stats/runs/new/", {"bureau": bureau, "first_day": yesterday, "last_day": yesterday}
        )
        assert started.status == 302, started.text[-2000:]
        assert started.seconds < 5
        assert officer.get(started.headers["Location"]).status == 200
        ((run, status, task_id),) = postgres.query("SELECT id, status, task_id FROM stats_statsrun")
        assert status == "running"
        ((name, attempts, sent_at, error),) = postgres.query(
            "SELECT task_name, attempts, sent_at, last_error FROM core_queuedtask"
            " WHERE task_id::text = %s",
            task_id,
        )
        assert (name, attempts, sent_at) == ("stats.compute_range", 1, None)
        assert "OperationalError" in error

        redis.start()

        assert manage(env, "flush_queued_tasks").strip() == "1 task(s) sent, 0 still waiting."
        wait_until(
            lambda: (
                postgres.query("SELECT status FROM stats_statsrun WHERE id = %s", run)
                == [("done",)]
            ),
            60,
            "the worker to compute the run",
            worker.log,
        )
        ((sent_at,),) = postgres.query(
            "SELECT sent_at FROM core_queuedtask WHERE task_id::text = %s", task_id
        )
        assert sent_at is not None
    finally:
        worker.stop()
        app.stop()
        redis.stop()


def test_a_frozen_database_answers_503_within_the_query_timeout_then_200(postgres, tmp_path):
    # Before: the request on the open connection waited for gunicorn to kill the worker.
    app = App(app_env(tmp_path, postgres.url()), tmp_path / "app.log")
    try:
        app.start()
        app.wait()
        officer = Browser(app.port, {"Accept-Language": "en"})
        officer.log_in()
        issued = officer.post_json(
            "/api/v1/auth/token/", {"username": USERNAME, "password": PASSWORD, "device": "x"}
        )
        tablet = Browser(app.port, {"Authorization": f"Token {issued.json()['token']}"})
        probe = Browser(app.port)
        for client, path in ((officer, "/"), (probe, "/healthz"), (tablet, "/api/v1/bureaus/")):
            # The connection is open and healthy: the next request reuses it.
            assert client.get(path).status == 200
            postgres.freeze()
            try:
                on_open = client.get(path)  # cut by the watchdog
                on_new = client.get(path)  # a new connection: DB_CONNECT_TIMEOUT
            finally:
                postgres.thaw()
            for answer in (on_open, on_new):
                assert answer.status == 503, (path, answer.text[-2000:])
                if path == "/healthz":
                    assert answer.json()["status"] == "unavailable"
                else:
                    assert answer.headers["Retry-After"] == "30", path
                assert "Traceback" not in answer.text
                assert answer.seconds < QUERY_TIMEOUT + 5, (path, answer.seconds)
            assert on_open.seconds >= QUERY_TIMEOUT - 0.5  # it was the bound that answered
            print(f"\n{path}: 503 in {on_open.seconds:.2f} s, then {on_new.seconds:.2f} s")
            assert client.get(path).status == 200  # the same process, once it goes on
        assert probe.get("/healthz").json() == {"status": "ok"}
        assert app.log.read_text().count("database call cut") == 3
    finally:
        postgres.thaw()
        app.stop()


def test_the_bound_costs_about_a_microsecond_per_call_and_cuts_a_long_call(postgres):
    from apps.core import dbtimeout

    plain = psycopg.connect(postgres.url(), autocommit=True)
    watched = psycopg.connect(postgres.url(), autocommit=True)
    try:
        dbtimeout._local.timeout = 1.0  # as while a request is served
        dbtimeout.watch(watched)
        assert type(watched).__name__ == "WatchedConnection"
        # The bookkeeping alone, around a wait that does nothing; then real round trips.
        real_wait = psycopg.Connection.wait
        psycopg.Connection.wait = lambda self, gen, *args, **kwargs: None
        try:
            calls = 200_000
            costs = {}
            for name, conn in (("plain", plain), ("watched", watched)):
                started = time.perf_counter()
                for _ in range(calls):
                    conn.wait(None)
                costs[name] = (time.perf_counter() - started) / calls * 1e6
        finally:
            psycopg.Connection.wait = real_wait
        overhead = costs["watched"] - costs["plain"]
        queries = {}
        for name, conn in (("plain", plain), ("watched", watched)):
            started = time.perf_counter()
            for _ in range(2000):
                conn.execute("SELECT 1").fetchone()
            queries[name] = (time.perf_counter() - started) / 2000 * 1e6
        print(f"\nbound per call: {overhead:.2f} µs; SELECT 1 round trip {queries}")
        assert overhead < 5

        assert watched.execute("SELECT pg_sleep(0.2)").fetchone()  # within the bound
        started = time.monotonic()
        with pytest.raises(psycopg.OperationalError):
            watched.execute("SELECT pg_sleep(5)")
        assert time.monotonic() - started < 1 + 1
        assert plain.execute("SELECT 1").fetchone() == (1,)  # others are not touched
    finally:
        dbtimeout._local.timeout = 0
        plain.close()
        watched.close()
