"""Every database call of the web process is bounded: a database that
stops answering gives the same quick 503 as one that is stopped (apps.core.handlers).

Why a client-side bound. DB_CONNECT_TIMEOUT covers only new connections; a persistent one
(CONN_MAX_AGE) to a database that went silent (its processes frozen, SIGSTOP, or a host
that hangs) would wait for ever: the kernel still acknowledges every packet, so TCP
keepalives and tcp_user_timeout never fire for a small query, and the server's
statement_timeout cannot fire either (the server is not running). Gunicorn would kill the
worker after its own timeout (30 s), and some clients get no answer at all.

How. Each psycopg connection of the process is made a `WatchedConnection` when Django
opens it: its `wait()`, through which psycopg runs every operation on the socket (queries,
Django's health check `SELECT 1`, commit and rollback), notes (deadline, connection) in a
slot of its thread. ONE watchdog thread looks at the slots every quarter of a second and
shuts down the socket of a call past its deadline, so that the blocked call raises
OperationalError at once and the request answers 503. The connection is then broken:
Django drops it, and the next request connects again. A call costs a thread-local read, a
clock read and a dict write before it and a dict write after (tests/core/test_faults
measures it: about a microsecond); no thread per query.

Where. Only while a request is served through policestation/wsgi.py, whose application
`bounded()` wraps (gunicorn and runserver load it): from the request's start to its
response's close (Django's end-of-request connection check included). Celery workers and
management commands (migrate, backup, a statistics recompute) never serve one, and keep
their long statements; so does a test process that imports wsgi.py. DB_QUERY_TIMEOUT
(seconds, default 10, below gunicorn's 30) sets the bound; 0 turns it off. A frozen
database's worst case is the bound on the open connection's health check plus
DB_CONNECT_TIMEOUT for the new connection Django then tries.
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

if TYPE_CHECKING:
    import psycopg
    from django.db.backends.base.base import BaseDatabaseWrapper
    from psycopg.abc import PQGen

_RV = TypeVar("_RV")

logger = logging.getLogger(__name__)

# thread id -> (deadline, connection) of the call in flight on that thread, or None.
_inflight: "dict[int, tuple[float, psycopg.Connection[Any]] | None]" = {}
_state: dict[str, int | None] = {"pid": None}
_lock = threading.Lock()
# .timeout: the bound of the request this thread serves (0 or absent: none).
_local = threading.local()
# How often the watchdog looks: a call is cut at most this long after its deadline.
WATCHDOG_SECONDS = 0.25


def _watched_class() -> "type[psycopg.Connection[Any]]":
    import psycopg

    class WatchedConnection(psycopg.Connection[Any]):
        """A psycopg connection whose every wait on its socket is bounded by the watchdog."""

        def wait(self, gen: "PQGen[_RV]", *args: Any, **kwargs: Any) -> _RV:
            timeout = getattr(_local, "timeout", 0)
            if not timeout:
                return super().wait(gen, *args, **kwargs)
            me = threading.get_ident()
            _inflight[me] = (time.monotonic() + timeout, self)
            try:
                return super().wait(gen, *args, **kwargs)
            finally:
                _inflight[me] = None

    return WatchedConnection


_Watched: "type[psycopg.Connection[Any]] | None" = None


def watch(conn: "psycopg.Connection[Any]") -> None:
    """Make a psycopg connection bounded (its class becomes WatchedConnection)."""
    global _Watched
    if _Watched is None:
        _Watched = _watched_class()
    if type(conn) is _Watched.__base__:  # a plain psycopg connection, not a subclass
        conn.__class__ = _Watched
    _ensure_watchdog()


def _on_connection_created(
    sender: object, connection: "BaseDatabaseWrapper", **kwargs: object
) -> None:
    if connection.vendor == "postgresql":
        watch(connection.connection)


def bounded(application: WSGIApplication, timeout: float | None = None) -> WSGIApplication:
    """The WSGI application with the database calls of each request bounded to `timeout`
    seconds (DB_QUERY_TIMEOUT from the settings by default; 0 returns it unchanged)."""
    from django.conf import settings
    from django.db.backends.signals import connection_created

    if timeout is None:
        timeout = settings.DB_QUERY_TIMEOUT
    if not timeout:
        return application
    connection_created.connect(_on_connection_created, dispatch_uid="core.dbtimeout")

    def bounded_application(
        environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        _local.timeout = float(timeout)
        try:
            result = application(environ, start_response)
        except BaseException:
            _local.timeout = 0
            raise
        if isinstance(result, _file_wrapper_type(environ)):  # sent by the server as it is
            _local.timeout = 0
            return result
        return _Response(result)

    return bounded_application


def _file_wrapper_type(environ: WSGIEnvironment) -> type | tuple[()]:
    wrapper = environ.get("wsgi.file_wrapper")
    return wrapper if isinstance(wrapper, type) else ()


class _Response:
    """The response's chunks are read and its close() called (Django's request_finished:
    the connection checks) with the bound still on."""

    def __init__(self, result: Iterable[bytes]) -> None:
        self.result = result

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.result)

    def close(self) -> None:
        try:
            close = getattr(self.result, "close", None)
            if close is not None:
                close()
        finally:
            _local.timeout = 0


def _ensure_watchdog() -> None:
    # Started in the process that uses it: a thread started before a fork (gunicorn
    # --preload) does not exist in the worker.
    if _state["pid"] == os.getpid():
        return
    with _lock:
        if _state["pid"] != os.getpid():
            _inflight.clear()
            threading.Thread(target=_watchdog, name="db-timeout-watchdog", daemon=True).start()
            _state["pid"] = os.getpid()


def _watchdog() -> None:
    while True:
        time.sleep(WATCHDOG_SECONDS)
        now = time.monotonic()
        for ident, call in list(_inflight.items()):
            if call is not None and call[0] <= now and _inflight.get(ident) is call:
                _inflight[ident] = None
                _cut(call[1])


def _cut(conn: "psycopg.Connection[Any]") -> None:
    """Shut the connection's socket down: the call blocked on it fails at once."""
    try:
        fd = conn.pgconn.socket
        with socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.shutdown(socket.SHUT_RDWR)
        logger.warning("database call cut: the database does not answer within its bound")
    except Exception as exc:  # already closed: the call has failed by itself
        logger.info("database call past its deadline, socket already gone: %s", exc)
