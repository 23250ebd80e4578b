import time
from functools import partial

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .auth import token_key
from .backends import forget_permissions, row_key
from .middleware import SESSION_LAST_SEEN, SESSION_STARTED
from .models import DeviceToken, User


@receiver(user_logged_in, dispatch_uid="accounts.start_session_clock")
def start_session_clock(sender, request, user, **kwargs):
    # The API token login sends this signal too, with a DRF request and no session.
    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session[SESSION_STARTED] = now
        session[SESSION_LAST_SEEN] = now


def _permissions_changed(**kwargs):
    forget_permissions()


# Any change of who holds which permission retires the cached sets (apps/accounts/backends).
for _through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
    m2m_changed.connect(
        _permissions_changed, sender=_through, dispatch_uid=f"permissions.{_through.__name__}"
    )
for _model in (Group, Permission):
    for _signal in (post_save, post_delete):
        _signal.connect(
            _permissions_changed, sender=_model, dispatch_uid=f"permissions.{_model.__name__}"
        )


def _forget(key: str) -> None:
    """Drop a cached row now, and again at commit: a request that read the old row from the
    database meanwhile may have cached it."""
    cache.delete(key)
    transaction.on_commit(partial(cache.delete, key))


@receiver([post_save, post_delete], sender=User, dispatch_uid="accounts.forget_user")
def _user_changed(sender, instance, **kwargs):
    # The row the sessions and tokens read from the cache (backends.session_user): a
    # deactivation, a new password or a new station takes effect on the next request.
    _forget(row_key(instance.pk))


@receiver([post_save, post_delete], sender=DeviceToken, dispatch_uid="accounts.forget_token")
def _token_changed(sender, instance, **kwargs):
    # A revoked device's next call is refused (auth.DeviceTokenAuthentication).
    _forget(token_key(instance.digest))
