import time

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .backends import forget_permissions
from .middleware import SESSION_LAST_SEEN, SESSION_STARTED
from .models import User


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
