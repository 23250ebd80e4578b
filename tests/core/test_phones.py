"""apps.core.phones is the one rule of a mainland mobile; masking and the hub build on it."""

import pytest

from apps.core.errors import DomainError
from apps.core.masking import redact
from apps.core.phones import MOBILE, normalise_phone
from apps.registry.hub import _ID_OR_PHONE


@pytest.mark.parametrize(
    ("text", "mobile"),
    [("13812345678", True), ("19912345678", True), ("12812345678", False), ("1381234567", False)],
)
def test_the_rule_and_the_pieces_built_on_it_agree(text, mobile):
    assert bool(MOBILE.match(text)) is mobile
    assert (_ID_OR_PHONE.fullmatch(text) is not None) is mobile
    assert (redact(f"电话 {text}。") != f"电话 {text}。") is mobile


def test_a_mobile_is_eleven_ascii_digits():
    assert normalise_phone("138 1234-5678") == "13812345678"
    assert redact("138-1234-5678") == "138****5678"
    with pytest.raises(DomainError):
        normalise_phone("13８１２３４５６７８")
