"""Mainland mobile numbers: the one check for every form and service that takes one."""

import re

from django.utils.translation import gettext as _

from .errors import DomainError

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: str) -> str:
    """The 11 digits without spaces or dashes, or a DomainError in the user's words."""
    value = re.sub(r"[\s-]", "", raw or "")
    if not MOBILE.match(value):
        raise DomainError(_("Enter an 11-digit mobile phone number."), code="invalid_phone")
    return value
