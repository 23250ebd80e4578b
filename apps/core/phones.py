"""Mainland mobile numbers: the one rule of what a mobile number is, for every form and
service that takes one, and the pattern pieces the searches and the log masking build on."""

import re

from django.utils.translation import gettext as _

from .errors import DomainError

# 1, a second digit from 3 to 9, nine more: 11 ASCII digits (a full-width digit typed by
# an input method is not one).
MOBILE_HEAD = r"1[3-9]"
MOBILE_DIGITS = rf"{MOBILE_HEAD}[0-9]{{9}}"
MOBILE = re.compile(rf"^{MOBILE_DIGITS}$")
# A whole phone number typed into a search (apps.core.filters): a mobile (11 digits) or a
# landline with its area code (up to 12), +86 or 0086 before it; group 1 is the number.
SEARCHED_PHONE = re.compile(r"(?:\+86|0086)?(\d{7,12})")


def whole_phone(text: str) -> str | None:
    """The number of a whole phone number as people write it (spaces, dashes, +86 or 0086
    before it), or None: what a search or a telephone system's report gives."""
    found = SEARCHED_PHONE.fullmatch(re.sub(r"[\s-]", "", text or ""))
    return found.group(1) if found else None


def normalise_phone(raw: str) -> str:
    """The 11 digits without spaces or dashes, or a DomainError in the user's words."""
    value = re.sub(r"[\s-]", "", raw or "")
    if not MOBILE.match(value):
        raise DomainError(_("Enter an 11-digit mobile phone number."), code="invalid_phone")
    return value
