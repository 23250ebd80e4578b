"""The device-token check of every tablet and phone API call: knox's hashed, expiring tokens,
read with one query.

knox's own TokenAuthentication also reads all the caller's other tokens on every request to
delete the expired ones: a second query per call and a scan that grows with the devices a
user has. Here an expired token is deleted when it is presented, and the user's other
expired tokens when a new one is issued (`services.device_token_issue`), which is where
their number can grow.
"""

import binascii
from hmac import compare_digest

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions

from .models import DeviceToken


class DeviceTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        refused = exceptions.AuthenticationFailed(_("Invalid token."))
        secret = token.decode(errors="replace")
        try:
            digest = hash_token(secret)
        except (TypeError, binascii.Error, ValueError):
            raise refused from None
        candidates = (
            DeviceToken.objects.filter(token_key=secret[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user")
            .order_by()  # the model's ordering would only cost the query a sort
        )
        for auth_token in candidates:
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expired:
                auth_token.delete()
                raise refused
            return self.validate_user(auth_token)
        raise refused


class DeviceTokenScheme(KnoxTokenScheme):
    """The schema's security scheme for it: drf-spectacular matches knox's class exactly."""

    target_class = "apps.accounts.auth.DeviceTokenAuthentication"
