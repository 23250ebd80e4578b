"""Every database call of the web process is bounded (issue 18 item 10): a database that
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
slot of its thread. ONE watchdog thread looks at the slots every quarter of the timeout
(at most every half second) and shuts down the socket of a call past its deadline, so
that the blocked call raises OperationalError at once and the request answers 503. The
connection is then broken: Django drops it, and the next request connects again. A call
costs a clock read and a dict write before it, a dict write after (tests/core/test_faults
measures it, about a microsecond); no thread per query.

Where. Only in the web process: policestation/wsgi.py calls `install()` (gunicorn and
runserver load it). Celery workers and management commands (migrate, backup, a
statistics recompute) never do, and keep their long statements. DB_QUERY_TIMEOUT
(seconds, default 10, below gunicorn's 30) sets the bound; 0 turns it off.
"""

import logging
import os
import socket
import threading
import time

logger = logging.getLogger(__name__)

# thread id -> (deadline, connection) of the call in flight on that thread, or None.
_inflight: dict[int, tuple[float, object] | None] = {}
_state = {"timeout": 0.0, "pid": None}
_lock = threading.Lock()


def _watched_class():
    import psycopg

    class WatchedConnection(psycopg.Connection):
        """A psycopg connection whose every wait on its socket is bounded by the watchdog."""

        def wait(self, gen, *args, **kwargs):
            timeout = _state["timeout"]
            if not timeout:
                return super().wait(gen, *args, **kwargs)
            me = threading.get_ident()
            _inflight[me] = (time.monotonic() + timeout, self)
            try:
                return super().wait(gen, *args, **kwargs)
            finally:
                _inflight[me] = None

    return WatchedConnection


_Watched = None


def watch(conn) -> None:
    """Make a psycopg connection bounded (its class becomes WatchedConnection)."""
    global _Watched
    if _Watched is None:
        _Watched = _watched_class()
    if type(conn) is _Watched.__base__:  # a plain psycopg connection, not a subclass
        conn.__class__ = _Watched
    _ensure_watchdog()


def _on_connection_created(sender, connection, **kwargs):
    if connection.vendor == "postgresql":
        watch(connection.connection)


def install(timeout: float | None = None) -> float:
    """Bound the database calls of this process to `timeout` seconds (DB_QUERY_TIMEOUT
    from the settings by default; 0 leaves them unbounded). Returns the bound."""
    from django.conf import settings
    from django.db.backends.signals import connection_created

    if timeout is None:
        timeout = getattr(settings, "DB_QUERY_TIMEOUT", 0)
    _state["timeout"] = float(timeout or 0)
    if _state["timeout"]:
        connection_created.connect(_on_connection_created, dispatch_uid="core.dbtimeout")
    else:
        connection_created.disconnect(dispatch_uid="core.dbtimeout")
    return _state["timeout"]


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
        timeout = _state["timeout"]
        time.sleep(min(max(timeout / 4, 0.05), 0.5) if timeout else 0.5)
        now = time.monotonic()
        for ident, call in list(_inflight.items()):
            if call is not None and call[0] <= now and _inflight.get(ident) is call:
                _inflight[ident] = None
                _cut(call[1])


def _cut(conn) -> None:
    """Shut the connection's socket down: the call blocked on it fails at once."""
    try:
        fd = conn.pgconn.socket
        with socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.shutdown(socket.SHUT_RDWR)
        logger.warning(
            "database call cut after %.0f s: the database does not answer", _state["timeout"]
        )
    except Exception as exc:  # already closed: the call has failed by itself
        logger.info("database call past its deadline, socket already gone: %s", exc)
