"""What ends a live socket before its time (sockets.py): the session's logout, the device
token's revocation (deleted: by the user, an admin, or a changed password), the account
locked or its password changed."""

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from apps.accounts.models import DeviceToken, User

from .events import end, user_group
from .sockets import session_group, token_group


@receiver(user_logged_out)
def _logged_out(
    sender: type, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        end([session_group(session_key)])


@receiver(post_delete, sender=DeviceToken)
def _token_gone(sender: type, instance: DeviceToken, **kwargs: Any) -> None:
    end([token_group(instance.digest)])


@receiver(pre_save, sender=User)
def _password_changing(sender: type, instance: User, **kwargs: Any) -> None:
    # set_password() leaves the new raw password on the instance until this save: every
    # socket of the account closes (the page that changed it opens a new one at once).
    if instance.pk is not None and getattr(instance, "_password", None) is not None:
        end([user_group(instance.pk)])


@receiver(post_save, sender=User)
def _account_locked(sender: type, instance: User, created: bool, **kwargs: Any) -> None:
    if not created and not instance.is_active:
        end([user_group(instance.pk)])
