"""The live socket (/ws/live/): who is on it, which groups it joins, and when it closes.

A socket authenticates as the API does: by the browser's session (the page's own cookie,
from a page of this site: the Origin must be the host it connects to, or another site's
page could open a socket with the user's cookie) or by a device token in the
Authorization header (a tablet or phone app). It joins the groups of `events.groups_of`
and closes when what let it in ends: at logout, when the token is revoked or expires, when
the account is locked or its password changed (signals.py), and at the session's absolute
limit (SESSION_ABSOLUTE_TIMEOUT). While open, a browser's socket keeps its session from
going idle, as the page's polling did before it: the page is open and showing live work.
"""

import asyncio
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string
from rest_framework import exceptions

from apps.accounts.auth import DeviceTokenAuthentication
from apps.accounts.middleware import SESSION_LAST_SEEN, session_ends_at
from apps.accounts.models import User

from .events import groups_of

# Closing codes the page reads (static/js/live.js): 4401, not let in or no longer.
ENDED = 4401


def session_group(session_key: str) -> str:
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:32]


def token_group(digest: str) -> str:
    return "token." + digest[:32]


@dataclass
class Caller:
    user: User
    groups: list[str] = field(default_factory=list)
    session_key: str = ""
    token_digest: str = ""
    until: float = 0.0  # when the socket must close at the latest (epoch seconds)


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def caller_of(scope: dict[str, Any]) -> Caller | None:
    """Who opens this socket, or None to refuse it."""
    authorization = _header(scope, b"authorization")
    prefix = f"{settings.REST_KNOX['AUTH_HEADER_PREFIX']} "
    if authorization.startswith(prefix):
        return _token_caller(authorization[len(prefix) :].strip())
    origin = urlsplit(_header(scope, b"origin"))
    if not origin.netloc or origin.netloc != _header(scope, b"host"):
        return None
    session = scope.get("session")
    if session is None or not session.session_key:
        return None
    return _session_caller(session)


def _token_caller(secret: str) -> Caller | None:
    try:
        user, token = DeviceTokenAuthentication().authenticate_credentials(secret.encode())
    except exceptions.AuthenticationFailed:
        return None
    until = token.expiry.timestamp() if token.expiry else time.time() + 365 * 86400
    caller = Caller(user=user, token_digest=token.digest, until=until)
    caller.groups = [*groups_of(user), token_group(token.digest)]
    return caller


def _session_user(session: SessionBase) -> User | None:
    """The session's user if the session still stands, as Django's own get_user checks it:
    same account, active, and the password hash it was opened with."""
    try:
        user: User = User.objects.select_related("station").get(pk=session[SESSION_KEY])
    except (KeyError, User.DoesNotExist, ValueError):
        return None
    if not user.is_active:
        return None
    if not constant_time_compare(session.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
        return None
    if time.time() > session_ends_at(session):
        return None
    return user


def _session_caller(session: SessionBase) -> Caller | None:
    user = _session_user(session)
    if user is None:
        return None
    caller = Caller(
        user=user, session_key=session.session_key or "", until=session_ends_at(session)
    )
    caller.groups = [*groups_of(user), session_group(caller.session_key)]
    return caller


def still_in(caller: Caller) -> bool:
    """Whether the socket may stay open; a session's last-seen time is moved on."""
    if time.time() >= caller.until:
        return False
    if caller.token_digest:
        return _token_still_in(caller)
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")
    session = store(session_key=caller.session_key)
    if not session.exists(caller.session_key) or _session_user(session) is None:
        return False
    session[SESSION_LAST_SEEN] = time.time()
    session.save()
    return True


def _token_still_in(caller: Caller) -> bool:
    from apps.accounts.models import DeviceToken

    token = DeviceToken.objects.filter(digest=caller.token_digest).select_related("user").first()
    return token is not None and not token.expired and token.user.is_active


def _next_check(caller: Caller) -> float:
    """Seconds until the next look: well within the idle limit, and at the absolute end."""
    every = settings.SESSION_IDLE_TIMEOUT.total_seconds() / 2
    return max(0.0, min(every, caller.until - time.time()))


class LiveConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]  # Channels has no types
    caller: Caller | None = None
    check: asyncio.TimerHandle | None = None

    async def connect(self) -> None:
        self.caller = await database_sync_to_async(caller_of)(self.scope)
        if self.caller is None:
            await self.close(code=ENDED)  # before accept: the handshake is refused (403)
            return
        for group in self.caller.groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"topic": "hello", "sent": time.time()})
        self._schedule()

    def _schedule(self) -> None:
        assert self.caller is not None
        loop = asyncio.get_running_loop()
        self.check = loop.call_later(
            _next_check(self.caller), lambda: asyncio.ensure_future(self._look())
        )

    async def _look(self) -> None:
        assert self.caller is not None
        if await database_sync_to_async(still_in)(self.caller):
            self._schedule()
        else:
            await self.close(code=ENDED)

    async def disconnect(self, code: int) -> None:
        if self.check is not None:
            self.check.cancel()
        if self.caller is not None:
            for group in self.caller.groups:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """The page speaks only to check the line: a ping gets a pong."""
        if content == "ping":
            await self.send_json("pong")

    async def dispatch(self, message: dict[str, Any]) -> None:
        # An event only passes through, without the database: Channels' own dispatch would
        # first close stale database connections, a hop to a thread for every message of
        # every socket (a third of the socket server's time in make bench).
        if message["type"] == "live.event":
            await self.send(text_data=message["text"])
        else:
            await super().dispatch(message)

    async def live_end(self, message: dict[str, Any]) -> None:
        await self.close(code=ENDED)
