"""Chinese motor-vehicle number plates (GA 36-2018), one validator and one normaliser.

A plate is the province's one-character abbreviation, the issuing office's letter and the
serial; people write it with or without the dot after the office letter (渝A·12345,
渝A12345, 渝a 12345). Stored in one form, 渝A·12345, so that "unique per station" means one
car, whichever way it was typed. Accepted:

- ordinary plates: five letters or digits (no I or O, which read as 1 and 0): 渝A·12345;
- new-energy plates: D or F and five more (small cars), or five digits then D or F
  (large vehicles): 渝A·D12345, 渝A·12345D;
- police plates: four letters or digits and the red 警: 渝A·1234警;
- plates with a use character: coach 学, trailer 挂, Hong Kong 港, Macao 澳, consulate 领:
  渝A·1234学.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_SERIAL = "A-HJ-NP-Z0-9"  # letters and digits without I and O
_PATTERNS = [
    rf"[{_SERIAL}]{{5}}",  # ordinary
    rf"[DF][{_SERIAL}]\d{{4}}",  # new energy, small
    r"\d{5}[DF]",  # new energy, large
    rf"[{_SERIAL}]{{4}}[警学挂港澳领]",  # police and other use characters
]
_PLATE = re.compile(rf"([{PROVINCES}])([A-HJ-NP-Z])({'|'.join(_PATTERNS)})")
# What people type between the parts: spaces, dots of every width, hyphens.
_SEPARATORS = re.compile(r"[\s·•・.．\-—–]+")


def normalize_plate(text: str) -> str:
    """The plate in its stored form (渝A·1234警), or the text tidied (full-width letters
    made half-width, upper case, no separators) when it is not a plate."""
    value = unicodedata.normalize("NFKC", text or "")
    value = _SEPARATORS.sub("", value).upper()
    found = _PLATE.fullmatch(value)
    if found is None:
        return value
    return f"{found.group(1)}{found.group(2)}·{found.group(3)}"


def is_plate(text: str) -> bool:
    value = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "")).upper()
    return _PLATE.fullmatch(value) is not None


def validate_plate(value: str) -> None:
    if not is_plate(value):
        raise ValidationError(
            _(
                "Enter a Chinese number plate: the province, the office letter and the "
                "number, e.g. 渝A·12345 or the police plate 渝A·1234警."
            ),
            code="invalid_plate",
        )
