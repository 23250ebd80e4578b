"""Masking of personal data: the one rule used by templates, serializers, exports and logs."""

import re
from datetime import date

from django.core.exceptions import ValidationError

from .idnumbers import parse_id_number
from .phones import MOBILE_HEAD


def mask_phone(value: str | None) -> str:
    """13812345678 -> 138****5678; short or empty values are hidden entirely."""
    if not value:
        return ""
    value = str(value)
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_id_number(value: str | None) -> str:
    """500107199001011234 -> 50**************34: the province and the last two characters.

    The masked part must not be rebuilt from what pages show beside it. Keeping the region
    code and the last four left exactly the eight digits of the date of birth hidden, and
    lists showed that date in full: the number came back whole. Now the county, the whole
    date of birth and two of the three sequence digits are hidden, and a masked number is
    shown beside the year of birth only (mask_birth_date), so that even someone who knows
    the county and the year is left with thousands of valid numbers (tests/security/
    test_masking_rebuild.py counts them for every page, API and export)."""
    if not value:
        return ""
    value = str(value)
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:2]}{'*' * (len(value) - 4)}{value[-2:]}"


def mask_birth_date(value: date | str | None) -> str:
    """A date of birth beside a masked ID number: its year only (1990-05-04 -> 1990). The
    full date is the middle of the ID number; it is shown only with a logged reveal."""
    if not value:
        return ""
    year = getattr(value, "year", None)
    return str(year) if year is not None else str(value)[:4]


def mask_name(name: str | None) -> str:
    """王小红 -> 王**: the family name only, enough to match the person in front of you."""
    return f"{name[:1]}{'*' * (len(name) - 1)}" if name else ""


MASKS = {
    "phone": mask_phone,
    "id_number": mask_id_number,
    "birth_date": mask_birth_date,
    "name": mask_name,
}


def mask_personal(value: str | None) -> str:
    """A value masked by its shape: an ID number (18 characters) or a phone (digits, as a
    citizen's account name is); any other text is no personal number and is kept. For
    django-auditlog's change history (AUDITLOG_MASK_CALLABLE), which names no kind."""
    text = str(value or "")
    if len(text) == 18 and text[:17].isdigit():
        return mask_id_number(text)
    if text.lstrip("+").isdigit():
        return mask_phone(text)
    return text


# In free text (log lines, tracebacks): ID numbers valid by GB 11643 and mainland mobiles,
# written whole or grouped 3-4-4.
_ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(
    rf"(?<![0-9])({MOBILE_HEAD}[0-9])[ -]?([0-9]{{4}})[ -]?([0-9]{{4}})(?![0-9])"
)


def _masked_id_number(match: re.Match[str]) -> str:
    try:
        return mask_id_number(parse_id_number(match.group()).value)
    except ValidationError:
        return match.group()  # eighteen digits that are no ID number


def redact(text: str) -> str:
    """The text with every ID number and mobile number in it masked."""
    text = _ID_NUMBER_IN_TEXT.sub(_masked_id_number, text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone("".join(m.groups())), text)
