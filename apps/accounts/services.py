from django.db import transaction
from django.utils.translation import gettext as _
from knox.settings import knox_settings

from apps.core.errors import DomainError, OutOfScope
from apps.core.scoping import CHANGE, is_in_scope

from .models import DeviceToken, User


@transaction.atomic
def device_token_issue(*, user: User, device: str) -> tuple[DeviceToken, str]:
    """A new expiring token for one device; returns the row and the secret, shown once."""
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    live = DeviceToken.objects.select_for_update().filter(user=user).live()
    if limit is not None and live.count() >= limit:
        raise DomainError(
            _("You have too many active devices. Revoke one under “My devices” first."),
            code="too_many_devices",
        )
    return DeviceToken.objects.create(
        user=user, expiry=knox_settings.TOKEN_TTL, prefix=knox_settings.TOKEN_PREFIX, device=device
    )


@transaction.atomic
def device_token_revoke(*, token: DeviceToken, by: User) -> None:
    if not is_in_scope(token, by, CHANGE):
        raise OutOfScope(_("Not found."))
    token.delete()
