"""Permission checks that do not query the database on every request.

Django's ModelBackend reads a user's permissions with two queries per request (their own and
their groups'), the first time a view, a template or the API asks. They change only when
roles do, while the desk polls some endpoints while typing; so the set is kept in the cache
per user, under a generation number that every change of groups or permissions bumps
(apps/accounts/signals.py). A cached set is used only while its generation is the current
one, and for PERMISSIONS_TIMEOUT at most.

The session's user is read the same way (issue 21, item 4: a list the tablet or the desk
asks for should cost little more than its own query): the user's row is kept in the cache,
read together with the permission set in one round trip, and dropped by every save or
delete of the user (apps/accounts/signals.py), so a deactivated user or a changed password
ends the user's sessions at once. A cached row lives USER_TIMEOUT at most.
"""

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.core.cache import cache

GENERATION_KEY = "permissions:generation"
PERMISSIONS_TIMEOUT = 5 * 60  # seconds
USER_TIMEOUT = 60  # seconds: bounds a row written back by a read that raced a save


def user_key(user_id) -> str:
    return f"permissions:user:{user_id}"


def row_key(user_id) -> str:
    return f"accounts:user:{user_id}"


def _current_set(found: dict, user):
    """The user's permission set among what the cache returned, if it is still current."""
    stored = found.get(user_key(user.pk))
    # A superuser holds every permission: the flag is part of what the set was for.
    if stored is not None and stored[0] == (found.get(GENERATION_KEY, 0), user.is_superuser):
        return stored[1]
    return None


def remember_user(user) -> None:
    """Keep a user's row as just read from the database (before anything is attached)."""
    cache.set(row_key(user.pk), user, USER_TIMEOUT)


def session_user(user_id):
    """The active user of a session, from the cache when it holds the row; its permission
    set comes along in the same round trip when that is current."""
    from .models import User

    found = cache.get_many([row_key(user_id), GENERATION_KEY, user_key(user_id)])
    user = found.get(row_key(user_id))
    if user is None:
        user = User._default_manager.filter(pk=user_id).first()
        if user is None:
            return None
        remember_user(user)
    if not user.is_active:
        return None
    permissions = _current_set(found, user)
    if permissions is not None:
        user._perm_cache = permissions
    return user


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        return session_user(user_id)

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            found = cache.get_many([GENERATION_KEY, user_key(user_obj.pk)])
            permissions = _current_set(found, user_obj)
            if permissions is None:
                permissions = super().get_all_permissions(user_obj)
                stamp = (found.get(GENERATION_KEY, 0), user_obj.is_superuser)
                cache.set(user_key(user_obj.pk), (stamp, permissions), PERMISSIONS_TIMEOUT)
            user_obj._perm_cache = permissions
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
        return session_user(user_id)
