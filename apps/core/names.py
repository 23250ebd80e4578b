"""Names of people as typed, imported or sent by a device: no control or format characters.

A right-to-left override (U+202E) turns 王小红 into a name that reads otherwise on screen and
in exports, and a zero-width space (U+200B) makes two spellings of one name that search and
the collision never match. Unicode categories Cc (controls: tabs, line breaks, NUL …) and
Cf (format: RLO, LRM, ZWSP, ZWJ, BOM …) have no place in a name: every person-name field
refuses them with this one validator (model fields, so forms, the API, admin, imports and
services that run full_clean all refuse alike), and `clean_name` strips them where a name
is copied from a file that cannot be refused row by row."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

INVISIBLE_CATEGORIES = ("Cc", "Cf")


def invisible_characters(text: str) -> list[str]:
    """The control and format characters in the text, as U+XXXX, in order of appearance."""
    return [
        f"U+{ord(char):04X}"
        for char in text or ""
        if unicodedata.category(char) in INVISIBLE_CATEGORIES
    ]


def clean_name(text: str) -> str:
    """The name without its control and format characters, trimmed."""
    return "".join(
        char for char in text or "" if unicodedata.category(char) not in INVISIBLE_CATEGORIES
    ).strip()


@deconstructible
class NameValidator:
    message = _(
        "The name contains invisible control characters (%(chars)s): retype it without them."
    )
    code = "invisible_characters"

    def __call__(self, value: object) -> None:
        found = invisible_characters(str(value or ""))
        if found:
            raise ValidationError(
                self.message, code=self.code, params={"chars": ", ".join(dict.fromkeys(found))}
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameValidator)


validate_name = NameValidator()


def check_name(text: str) -> str:
    """The name trimmed, or a DomainError (Chinese message) when it holds invisible
    characters: for services that build records without full_clean (imports, lists)."""
    from .errors import DomainError

    try:
        validate_name(text)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="invalid") from exc
    return (text or "").strip()
