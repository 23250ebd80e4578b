"""The device-token check of every tablet and phone API call: knox's hashed, expiring tokens,
read with one query.

knox's own TokenAuthentication also reads all the caller's other tokens on every request to
delete the expired ones: a second query per call and a scan that grows with the devices a
user has. Here an expired token is deleted when it is presented, and the user's other
expired tokens when a new one is issued (`services.device_token_issue`), which is where
their number can grow.

A token that passed is kept in the cache under its digest (never the secret) for
TOKEN_CACHE_SECONDS, and its user comes from the cached session user
(backends.session_user): a tablet's call then waits on no query before its own. Revoking
or deleting a token drops it from the cache (apps/accounts/signals.py).
"""

import binascii
from hmac import compare_digest
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions

from .backends import remember_user, session_user
from .models import DeviceToken

TOKEN_CACHE_SECONDS = 60
_TOKEN_USER: Any = DeviceToken._meta.get_field("user")


def token_key(digest: str) -> str:
    return f"accounts:token:{digest}"


class DeviceTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        refused = exceptions.AuthenticationFailed(_("Invalid token."))
        secret = token.decode(errors="replace")
        try:
            digest = hash_token(secret)
        except (TypeError, binascii.Error, ValueError):
            raise refused from None
        auth_token = cache.get(token_key(digest)) or self._stored(secret, digest)
        if auth_token is None:
            raise refused
        if auth_token.expired:
            auth_token.delete()
            raise refused
        user = session_user(auth_token.user_id)
        if user is None:  # deactivated: the token says nothing more than a wrong one
            raise refused
        auth_token.user = user
        return user, auth_token

    @staticmethod
    def _stored(secret: str, digest: str) -> DeviceToken | None:
        """The token from the database, with its user in the same query; both are cached."""
        candidates = (
            DeviceToken.objects.filter(token_key=secret[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user")
            .order_by()  # the model's ordering would only cost the query a sort
        )
        for auth_token in candidates:
            if compare_digest(digest, auth_token.digest):
                if not auth_token.expired:
                    remember_user(auth_token.user)
                    _TOKEN_USER.delete_cached_value(auth_token)  # cached apart, just above
                    cache.set(token_key(digest), auth_token, TOKEN_CACHE_SECONDS)
                return auth_token
        return None


class DeviceTokenScheme(KnoxTokenScheme):
    """The schema's security scheme for it: drf-spectacular matches knox's class exactly."""

    target_class = "apps.accounts.auth.DeviceTokenAuthentication"
