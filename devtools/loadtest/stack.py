"""gunicorn and a Celery worker as docker-compose runs them, on the loopback only.

The environment is production's (DEBUG off, a random SECRET_KEY, the checkout's `.env`
ignored) with two exceptions a load generator on 127.0.0.1 needs: plain HTTP (no TLS proxy
in front, so no redirect to https) and a token endpoint rate that fifty tablets sharing one
address do not exhaust. Each process runs in its own session and is stopped by its id:
SIGTERM, then SIGKILL of its group when it does not stop in time.
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# gunicorn's access log: status, method, path and server time (µs) per request.
ACCESS_FORMAT = '%(s)s %(m)s "%(U)s" %(D)s'
STOP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(*, database_url: str, redis_url: str = "", **extra: str) -> dict:
    """The environment of a production process of the load test (see the module)."""
    return {
        **os.environ,
        "ENV_FILE": os.devnull,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "TOKEN_THROTTLE_RATE": "100000/min",
        **extra,
    }


@dataclass
class Server:
    url: str
    access_log: Path
    process: subprocess.Popen

    def statuses(self) -> Counter:
        """How many requests gunicorn answered with each status."""
        counts = Counter()
        if self.access_log.exists():
            for line in self.access_log.read_text(errors="replace").splitlines():
                if re.match(r"\d{3} ", line):
                    counts[int(line[:3])] += 1
        return counts

    def server_errors(self) -> list[str]:
        """The access log's lines of 5xx answers."""
        if not self.access_log.exists():
            return []
        lines = self.access_log.read_text(errors="replace").splitlines()
        return [line for line in lines if line.startswith("5")]


def _start(command: list, env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(part) for part in command],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM (gunicorn and Celery finish their requests and tasks), SIGKILL of the group
    if that takes longer than STOP_SECONDS."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_SECONDS)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited at start:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer /healthz in {timeout:.0f} s")


@contextmanager
def gunicorn(env: dict, *, workers: int, log_dir: Path) -> Iterator[Server]:
    """docker-compose's web command, on a free port of 127.0.0.1."""
    log_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    access_log, log = log_dir / "gunicorn-access.log", log_dir / "gunicorn.log"
    command = [
        BIN / "gunicorn",
        "policestation.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        workers,
        "--access-logfile",
        access_log,
        "--access-logformat",
        ACCESS_FORMAT,
    ]
    process = _start(command, env, log)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url, process, log, timeout=90)
        yield Server(url=url, access_log=access_log, process=process)
    finally:
        stop(process)


@contextmanager
def celery_worker(env: dict, *, log_dir: Path, concurrency: int = 2) -> Iterator[Callable]:
    """docker-compose's worker command; yields `ready()`, which waits (at most 60 s) until
    it consumes, so that gunicorn can start meanwhile."""
    log_dir.mkdir(parents=True, exist_ok=True)
    command = [
        BIN / "celery",
        "-A",
        "policestation",
        "worker",
        "--loglevel",
        "INFO",
        "--concurrency",
        concurrency,
        "-n",
        f"load-{secrets.token_hex(4)}@%h",
    ]
    log = log_dir / "celery.log"
    process = _start(command, env, log)

    def ready() -> None:
        deadline = time.monotonic() + 60
        while " ready." not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)

    try:
        yield ready
    finally:
        stop(process)
