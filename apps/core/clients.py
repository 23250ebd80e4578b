"""Where a request comes from: the one answer for every rate limit, the login lockout and
the access log.

The address is REMOTE_ADDR unless settings.TRUSTED_PROXIES (env TRUSTED_PROXIES, 0 by
default) says how many proxies of our own stand in front of the app. Each of them appends
the address it received the request from to X-Forwarded-For, so with N of them the client
is the Nth address from the right; everything left of it was written by the client and is
ignored. Without a proxy (0) the header is never read.
"""

import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

if TYPE_CHECKING:
    from rest_framework.request import Request


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request: "HttpRequest | Request | None") -> str:
    """The client's IP address as the last trusted proxy saw it ('' when there is none)."""
    meta = getattr(request, "META", {})
    remote = _address(meta.get("REMOTE_ADDR") or "") or ""
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if proxies <= 0:
        return remote
    forwarded = [part for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        # Shorter than the chain of our proxies: the request did not come through them all,
        # so nothing in the header is vouched for.
        return remote
    return _address(forwarded[-proxies]) or remote
