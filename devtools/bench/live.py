"""Benchmark of server push (apps/live; issue 20, item 5): 500 real WebSocket clients of 西彭
(its desk screens and community officers' tablets, each a session of its own) on the socket
server as docker-compose's `live` service runs it (uvicorn, Redis's publish/subscribe
between processes), and a burst of 100 incident status changes made by the service here,
one after the other as fast as it commits them. Timed from each change's commit to its
event on every client: 50,000 deliveries, every client hearing every change, as all 500
are of the station whose incidents change (the worst case: a change reaches one station's
screens only)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.test import Client

from apps.accounts.models import User
from apps.cases.models import Incident
from apps.cases.services import incident_dispatch, incident_report, incident_status
from apps.stations.models import Post
from devtools.benchmark import delivery_scenario

CLIENTS = 500
BURST = 100
POLL_SECONDS = 5  # what the tablets and the board did before: ask every 5 seconds
WAIT_SECONDS = 60  # the clients give up on events not received by then
# As docker-compose's `live` service runs it: a worker per core of the 2-core machine, no
# compression (an event is a hundred bytes; deflating it costs both ends more than it saves).
WORKERS = 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "policestation.asgi:application"),
            *("--host", "127.0.0.1", "--port", str(port), "--ws", "websockets-sansio"),
            *(
                "--no-access-log",
                "--log-level",
                "warning",
                "--ws-per-message-deflate",
                "false",
                "--workers",
                str(WORKERS),
            ),
        ],
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise CommandError("the socket server did not start")


def _cookies(users: list[User]) -> list[str]:
    cookies = []
    for n in range(CLIENTS):
        browser = Client()
        browser.force_login(users[n % len(users)])
        cookies.append(
            f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def _jobs(desk: User, officer: User) -> list[Incident]:
    post = Post.objects.get(pk=officer.post_id)
    jobs = []
    for n in range(BURST):
        incident, _ = incident_report(by=desk, source="110", place_text=f"压测 {n}")
        jobs.append(incident_dispatch(incident=incident, post=post, officers=[officer], by=desk))
    return jobs


@delivery_scenario(f"live: {BURST} status changes to {CLIENTS} sockets (commit→client)")
def status_burst():
    if "redis" not in settings.CHANNEL_LAYERS["default"]["BACKEND"].lower():
        raise CommandError("The live benchmark runs against Redis: set REDIS_URL.")
    desk = User.objects.get(username="xipeng_desk")
    officer = User.objects.get(username="xipeng_community")
    jobs = _jobs(desk, officer)
    cookies = _cookies([desk, officer])
    port = _free_port()
    server = _serve(port)
    # The clients in a process of their own: they stand for 500 devices, not for this one.
    clients = subprocess.Popen(
        [sys.executable, "-m", "devtools.live_clients", str(port), str(BURST), str(WAIT_SECONDS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        clients.stdin.write(json.dumps(cookies))
        clients.stdin.close()
        connect_seconds = float(clients.stdout.readline())  # all open and listening
        started = time.monotonic()
        for job in jobs:
            incident_status(incident=job, status="en_route", by=officer)
        burst_seconds = time.monotonic() - started
        latencies = json.loads(clients.stdout.readline() or "[]")
    finally:
        clients.wait(timeout=WAIT_SECONDS + 30)
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)
    return latencies, {
        "clients": CLIENTS,
        "changes": BURST,
        "delivered": len(latencies),
        "expected": CLIENTS * BURST,
        "burst_s": round(burst_seconds, 2),
        "connect_all_s": round(connect_seconds, 1),
        # Polling every POLL_SECONDS: a change waits for the next poll, uniformly up to
        # the interval, before the page's own request.
        "polling_p50_ms": POLL_SECONDS * 500,
        "polling_p95_ms": POLL_SECONDS * 950,
    }
