"""Permission checks that do not query the database on every request.

Django's ModelBackend reads a user's permissions with two queries per request (their own and
their groups'), the first time a view, a template or the API asks. They change only when
roles do, while the desk polls some endpoints while typing; so the set is kept in the cache
per user, under a generation number that every change of groups or permissions bumps
(apps/accounts/signals.py). A cached set is used only while its generation is the current
one, and for PERMISSIONS_TIMEOUT at most.
"""

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.core.cache import cache

GENERATION_KEY = "permissions:generation"
PERMISSIONS_TIMEOUT = 5 * 60  # seconds


def user_key(user) -> str:
    return f"permissions:user:{user.pk}"


class CachedModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            found = cache.get_many([GENERATION_KEY, user_key(user_obj)])
            generation = found.get(GENERATION_KEY, 0)
            # A superuser holds every permission: the flag is part of what the set was for.
            stamp = (generation, user_obj.is_superuser)
            stored = found.get(user_key(user_obj))
            if stored is not None and stored[0] == stamp:
                user_obj._perm_cache = stored[1]
            else:
                user_obj._perm_cache = super().get_all_permissions(user_obj)
                cache.set(user_key(user_obj), (stamp, user_obj._perm_cache), PERMISSIONS_TIMEOUT)
        return user_obj._perm_cache


def forget_permissions() -> None:
    """Retire every cached permission set (the next check of each user reads the database)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet
        cache.set(GENERATION_KEY, 1, None)


class PhoneCodeBackend(BaseBackend):
    """A citizen logs in with the code texted to their phone (the portal's "log in with an
    SMS code"): `authenticate(request, username=phone, sms_token=code)`. The credential is
    named a token so that Django masks it in the failure signal; django-axes, first in
    AUTHENTICATION_BACKENDS, refuses a locked-out phone before this runs and counts each
    failure after it. Permissions come from CachedModelBackend, as for every login."""

    def authenticate(self, request, username=None, sms_token=None, **kwargs):
        if username is None or sms_token is None:
            return None
        from .citizens import citizen_by_code

        return citizen_by_code(phone=username, code=sms_token)

    def get_user(self, user_id):
        from .models import User

        user = User._default_manager.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None
