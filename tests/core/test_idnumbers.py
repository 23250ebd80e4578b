from datetime import date

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st

from apps.core.idnumbers import FEMALE, MALE, make_id_number, parse_id_number

# 11010519491231002X is the standard's own example (a woman born 1949-12-31).
STANDARD_EXAMPLE = "11010519491231002X"


def test_it_reads_the_standards_example():
    parsed = parse_id_number(STANDARD_EXAMPLE)
    assert (parsed.birth_date, parsed.gender, parsed.province) == (date(1949, 12, 31), FEMALE, "11")


def test_it_accepts_a_lowercase_x_and_stores_it_upper():
    assert parse_id_number(" 11010519491231002x ").value == STANDARD_EXAMPLE


@pytest.mark.parametrize(
    "value, code",
    [
        ("11010519491231002", "id_length"),
        ("110105194912310023X", "id_length"),
        ("1101051949123100X2", "id_characters"),
        ("99010519491231002X", "id_region"),
        ("110105194902300021", "id_birth_date"),  # 30 February
        ("110105194912310021", "id_check"),
    ],
)
def test_it_says_what_is_wrong(value, code):
    with pytest.raises(ValidationError) as caught:
        parse_id_number(value)
    assert caught.value.code == code


@freeze_time("2026-11-22")
def test_it_refuses_a_birth_date_in_the_future():
    future = make_id_number(region="500107", birth_date=date(2027, 1, 1), sequence=1, gender=MALE)
    with pytest.raises(ValidationError) as caught:
        parse_id_number(future)
    assert caught.value.code == "id_birth_date"


def test_the_wrong_check_character_message_names_the_right_one():
    with pytest.raises(ValidationError) as caught:
        parse_id_number("110105194912310021")
    assert "X" in caught.value.messages[0]


@given(
    birth=st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 12, 31)),
    sequence=st.integers(min_value=0, max_value=10_000),
    gender=st.sampled_from([MALE, FEMALE]),
)
def test_every_made_number_parses_back_to_what_it_was_made_from(birth, sequence, gender):
    parsed = parse_id_number(
        make_id_number(region="500107", birth_date=birth, sequence=sequence, gender=gender)
    )
    assert (parsed.birth_date, parsed.gender, parsed.province) == (birth, gender, "50")
