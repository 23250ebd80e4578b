"""Read replicas: which database a request reads (settings.DATABASE_REPLICA_URLS).

Everything reads and writes the primary, except a request for a view marked
`reads_replica` (the statistics pages and exports, the boards, the record lists and the
API's list operations): that one reads a replica, as long as

- it is a GET or HEAD, and has written nothing so far (a write sends the rest of the
  request to the primary, and so does a transaction or a locking read: `select_for_update`
  asks the router for the database to write);
- its user wrote nothing in the last REPLICA_MAX_LAG_SECONDS (a request that wrote pins
  its user to the primary for that long, in the cache: the next page after a save shows
  the save, whichever process serves it);
- a replica answers and is no more than REPLICA_MAX_LAG_SECONDS behind: each process asks
  each replica at most every CHECK_SECONDS (a replica found down, every RETRY_SECONDS,
  as asking costs DB_CONNECT_TIMEOUT), and skips one that is down or lagging.

Replicas are physical streaming replicas of the whole cluster (pg_basebackup): migrations
run on the primary only.
"""

import logging
import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections, models
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

CHECK_SECONDS = 2.0
RETRY_SECONDS = 15.0
# How far behind a replica is: nothing to replay, 0; else the time since the last commit it
# replayed (a conservative reading: a replica that has WAL to replay after a quiet hour
# counts as an hour behind until it has replayed it, which takes milliseconds).
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""

V = TypeVar("V", bound=Callable[..., Any])


def reads_replica(view: V) -> V:
    """Mark a view (function or class) whose GET may read a replica."""
    view.reads_replica = True  # type: ignore[attr-defined]  # a marker the middleware reads
    return view


@dataclass
class _Request:
    replica: bool = False  # this request may read a replica
    wrote: bool = False  # this request has written (or locked) something


_current: ContextVar[_Request | None] = ContextVar("replica_request", default=None)
_health: dict[str, tuple[float, bool]] = {}  # alias → (when asked, usable), per process


def _pin_key(user_id: int) -> str:
    return f"replicas:pin:{user_id}"


def allow(user: Any) -> None:
    """This request may read a replica from here on (a marked view, its user known), unless
    it wrote already or its user wrote within REPLICA_MAX_LAG_SECONDS."""
    state = _current.get()
    if state is None or state.wrote or not _aliases():
        return  # no replica: no need to ask the cache whether the user wrote
    if user.is_authenticated and cache.get(_pin_key(user.pk)):
        return
    state.replica = True


class ReplicaMiddleware:
    """Each request's state; a GET of a marked page may read a replica (the API's lists
    decide in their viewset, once DRF knows the user: core.api.viewsets)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = _Request()
        token = _current.set(state)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        user = getattr(request, "user", None)  # DRF sets it here too, for a token's user
        if state.wrote and user is not None and user.is_authenticated:
            cache.set(_pin_key(user.pk), 1, settings.REPLICA_MAX_LAG_SECONDS)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        marked = getattr(view, "reads_replica", False) or getattr(
            getattr(view, "view_class", None), "reads_replica", False
        )
        if marked and request.method in ("GET", "HEAD"):
            allow(request.user)


def _aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def replica() -> str | None:
    """A usable replica's alias, at random among those that are (None: none is)."""
    aliases = _aliases()
    random.shuffle(aliases)
    return next((alias for alias in aliases if _usable(alias)), None)


def _usable(alias: str) -> bool:
    asked, usable = _health.get(alias, (float("-inf"), False))
    if time.monotonic() - asked < (CHECK_SECONDS if usable else RETRY_SECONDS):
        return usable
    lag = _lag(alias)
    usable = lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS
    if lag is not None and not usable:
        logger.warning("Replica %s skipped: %.1f s behind", alias, lag)
    _health[alias] = (time.monotonic(), usable)
    return usable


def _lag(alias: str) -> float | None:
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            (lag,) = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Replica %s skipped: %s", alias, str(error).splitlines()[0])
        connection.close_if_unusable_or_obsolete()
        return None
    return float(lag)


class ReplicaRouter:
    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        state = _current.get()
        if state is None or not state.replica or state.wrote:
            return None
        if connections["default"].in_atomic_block:
            return None
        return replica()

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str:
        state = _current.get()
        if state is not None:
            state.wrote = True
        return "default"

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
