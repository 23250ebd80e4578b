from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.settings import knox_settings

from apps.core.errors import DomainError, OutOfScope
from apps.core.scoping import CHANGE, is_in_scope

from .models import DeviceToken, User


@transaction.atomic
def device_token_issue(*, user: User, device: str) -> tuple[DeviceToken, str]:
    """A new expiring token for one device; returns the row and the secret, shown once.
    The user's expired tokens go here (requests do not look at them: apps/accounts/auth.py)."""
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    DeviceToken.objects.filter(user=user).expired().delete()
    live = DeviceToken.objects.select_for_update().filter(user=user).live()
    if limit is not None and live.count() >= limit:
        raise DomainError(
            _("You have too many active devices. Revoke one under “My devices” first."),
            code="too_many_devices",
        )
    # knox's manager makes the row and gives the secret with it.
    issued: tuple[DeviceToken, str] = DeviceToken.objects.create(
        user=user, expiry=knox_settings.TOKEN_TTL, prefix=knox_settings.TOKEN_PREFIX, device=device
    )
    return issued


@transaction.atomic
def device_token_revoke(*, token: DeviceToken, by: User) -> None:
    if not is_in_scope(token, by, CHANGE):
        raise OutOfScope(_("Not found."))
    token.delete()


@transaction.atomic
def otp_device_for_setup(*, user: User) -> TOTPDevice:
    """The authenticator-app device the user is enrolling: the unconfirmed one from an earlier
    visit (so a QR code already scanned stays valid), else a new one with a new secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def otp_device_confirm(*, user: User, token: str) -> TOTPDevice:
    """Confirm the user's new authenticator app with a code it shows; refused if wrong."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token):
        raise DomainError(_("The code is not right. Enter the six digits the app shows now."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One app per person: an older one (a lost phone) stops working.
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device


def otp_check(*, user: User, token: str) -> TOTPDevice:
    """The user's confirmed device that accepts this code (django-otp throttles guesses)."""
    device = match_token(user, token.strip())
    if device is None:
        raise DomainError(_("The code is not right. Enter the six digits the app shows now."))
    return device
