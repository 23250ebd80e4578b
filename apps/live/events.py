"""Server push: what the services tell the pages that show their records, over WebSocket.

A change publishes an event when its transaction commits (a rolled-back change tells
nobody): a few words for the page to know what changed (topic, id, status, the record's
number), never personal data. The page then fetches what changed through its usual view,
with the usual permission checks and masking, and patches itself (static/js/live.js).

Every event is scoped like the record it is about. Topic events go to the groups of the
record's station, of its bureau and of the whole site; a socket joins only the groups of
its user's reach (core.scoping.scope_level) and only for topics whose view permission the
user holds (`TOPICS`), as the list views do. An account that works only on what is assigned
to it (a resident mediator) joins no station group of an assigned-scope model and hears of
the records given to it through its user group, as a citizen hears of their own. Personal
events (a job for an officer, the unread count, a ringing call) go to the user's own group.

Redis down or no channel layer: a publish logs one line and returns; the pages fall back to
asking on their own (polling), so nothing is lost but speed.
"""

import asyncio
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import models, transaction

from apps.core.scoping import scope_level, scope_of

if TYPE_CHECKING:
    from apps.accounts.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Topic:
    model: str  # app_label.ModelName of the records the topic is about
    permission: str  # who may hear of them: the permission of the list that shows them


TOPICS = {
    "incident": Topic("cases.Incident", "cases.view_incident"),
    "noise": Topic("noise.NoiseEvent", "noise.view_noiseevent"),
    "dispute": Topic("mediation.Dispute", "mediation.view_dispute"),
    "application": Topic("permits.PermitApplication", "permits.view_permitapplication"),
}


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def topic_groups(topic: str, *, station_id: int | None, bureau_id: int | None) -> list[str]:
    """The groups that hear of a record of this station and bureau."""
    groups = [f"{topic}.all"]
    if station_id:
        groups.append(f"{topic}.station.{station_id}")
    if bureau_id:
        groups.append(f"{topic}.bureau.{bureau_id}")
    return groups


def groups_of(user: "User") -> list[str]:
    """The groups a socket of this user joins: their own, and the topics they may see at
    the reach of their account."""
    from django.apps import apps

    groups = [user_group(user.pk)]
    level = scope_level(user)
    for name, topic in TOPICS.items():
        if not user.has_perm(topic.permission):
            continue
        if user.assigned_only and scope_of(apps.get_model(topic.model)).assigned:
            continue
        if level == "all":
            groups.append(f"{name}.all")
        elif level == "station":
            groups.append(f"{name}.station.{user.station_id}")
        elif level == "bureau":
            groups.append(f"{name}.bureau.{user.bureau_id}")
    return groups


def publish(topic: str, record: models.Model, **data: Any) -> None:
    """Tell the pages of this record's topic that it changed, once the transaction commits.
    `data`: what the page needs to decide what to patch (a status, the record's number)."""
    scope = scope_of(type(record))
    paths = [p for p in (scope.station, scope.bureau, scope.assigned, scope.owner) if p]
    row = {path: _read(record, path) for path in paths}
    if MISSING in row.values():  # a relation not loaded: one query rather than several
        row = type(record)._default_manager.filter(pk=record.pk).values(*paths).first() or {}
    groups = topic_groups(
        topic,
        station_id=row.get(scope.station) if scope.station else None,
        bureau_id=row.get(scope.bureau) if scope.bureau else None,
    )
    for person in (scope.assigned, scope.owner):  # the mediator it is given to, its owner
        if person and row.get(person):
            groups.append(user_group(row[person]))
    _on_commit(groups, {"topic": topic, "id": record.pk, **data})


MISSING = object()


def _read(record: models.Model, path: str) -> Any:
    """The value at a scope path (`station__bureau_id`) from what the instance has loaded,
    or MISSING where a relation on the way is not loaded."""
    *relations, last = path.split("__")
    obj: Any = record
    for name in relations:
        if obj is None:
            return None
        if not obj._meta.get_field(name).is_cached(obj):
            return MISSING
        obj = getattr(obj, name)
    return getattr(obj, last) if obj is not None else None


def tell(user_ids: Iterable[int], topic: str, **data: Any) -> None:
    """A personal event (a job, the unread count, a ringing call) to these users' sockets,
    once the transaction commits."""
    groups = [user_group(pk) for pk in dict.fromkeys(user_ids)]
    if groups:
        _on_commit(groups, {"topic": topic, **data})


def send_each(unread: dict[int, int]) -> None:
    """Now: each user's unread count to their own sockets (the badge)."""
    _deliver(
        [(user_group(pk), _message({"topic": "badge", "unread": n})) for pk, n in unread.items()]
    )


def end(groups: Iterable[str]) -> None:
    """Close the sockets of these groups (a session that ended, a revoked token)."""
    _on_commit(list(groups), None)


def _on_commit(groups: list[str], event: dict[str, Any] | None) -> None:
    transaction.on_commit(lambda: send(groups, event))


def send(groups: list[str], event: dict[str, Any] | None) -> None:
    """Now: an event to these groups or, for None, the order to close their sockets."""
    message = {"type": "live.end"} if event is None else _message(event)
    _deliver([(group, message) for group in groups])


def _message(event: dict[str, Any]) -> dict[str, Any]:
    """The layer's message: the event as the sockets send it, written once here rather than
    by each of the hundreds of sockets that forward it; stamped with the moment it leaves
    (the latency measure of make bench)."""
    return {"type": "live.event", "text": json.dumps({**event, "sent": time.time()})}


SEND_TIMEOUT = 2  # seconds a publish may wait for a silent Redis before giving up


def _deliver(messages: list[tuple[str, dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    if layer is None or not messages:
        return
    try:
        async_to_sync(_send_all)(layer, messages)
    except Exception as error:
        logger.warning("Live event not sent (%s): %s", type(error).__name__, error)


async def _send_all(layer: Any, messages: list[tuple[str, dict[str, Any]]]) -> None:
    async with asyncio.timeout(SEND_TIMEOUT):
        for group, message in messages:
            await layer.group_send(group, message)
