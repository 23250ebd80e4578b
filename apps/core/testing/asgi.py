"""A real ASGI server for the tests: uvicorn in a thread of the test process, serving the
whole site (HTTP and the live socket) on a free port of 127.0.0.1, as `make demo` does.

`run(fn)` calls `fn` as a view would: in the server's own thread for synchronous code, so
that what it publishes reaches the sockets through the same channel layer (the in-memory
one of the embedded default, Redis in CI). The tests that use it need data that other
threads see: pytest-django's transactional_db.
"""

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import uvicorn
from channels.db import database_sync_to_async

T = TypeVar("T")


class AsgiServer:
    def __init__(self) -> None:
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        from policestation.asgi import application

        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            # The static files too, as pytest-django's live_server serves them (the tests
            # run with DEBUG off, which asgi.py reads).
            ASGIStaticFilesHandler(application),
            lifespan="off",
            loop="asyncio",
            ws="websockets-sansio",
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self.server.serve(sockets=[self.socket]))

    def start(self) -> "AsgiServer":
        from django.db import connections

        # The server's threads close their database connections after each request and
        # socket step, as a test's database must have none left when it is dropped.
        self.kept = connections.settings["default"]["CONN_MAX_AGE"]
        connections.settings["default"]["CONN_MAX_AGE"] = 0
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the ASGI test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        from django.db import connections

        self.run(connections.close_all)  # the server thread's, before the test database goes
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()
        connections.settings["default"]["CONN_MAX_AGE"] = self.kept

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        assert self.loop is not None
        call = database_sync_to_async(fn)(*args, **kwargs)
        result: T = asyncio.run_coroutine_threadsafe(call, self.loop).result(timeout=30)
        return result


def session_cookie(user: Any) -> str:
    """A logged-in session of `user`, as the browser's cookie header carries it."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@contextmanager
def open_socket(
    server: AsgiServer, *, cookie: str = "", token: str = "", origin: str = ""
) -> Iterator[Any]:
    """A WebSocket client on the live socket, as a page of the site (cookie and Origin)
    or a tablet app (token) opens it; it has read the server's hello."""
    from websockets.sync.client import connect

    headers = {}
    if cookie:
        headers["Cookie"] = cookie
        headers["Origin"] = origin or server.url
    if token:
        headers["Authorization"] = f"Token {token}"
    with connect(f"{server.ws_url}/ws/live/", additional_headers=headers, open_timeout=5) as ws:
        hello = json.loads(ws.recv(timeout=5))
        assert hello["topic"] == "hello", hello
        yield ws


def heard(ws: Any, *, quiet: float = 0.5, at_most: float = 5.0) -> list[dict[str, Any]]:
    """The events a socket receives until it has been quiet for `quiet` seconds."""
    from websockets.exceptions import ConnectionClosed

    events = []
    deadline = time.monotonic() + at_most
    while time.monotonic() < deadline:
        try:
            events.append(json.loads(ws.recv(timeout=quiet)))
        except (TimeoutError, ConnectionClosed):
            break
    return events
