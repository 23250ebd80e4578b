from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st

from apps.core.filters import whole_number
from apps.core.idnumbers import FEMALE, MALE, make_id_number, parse_id_number, upgrade_15

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


# 港澳台居民居住证申领发放办法: the permits' numbers carry 810000, 820000 and 830000.
@pytest.mark.parametrize("region, province", [("810000", "81"), ("820000", "82"), ("830000", "83")])
def test_it_accepts_the_numbers_of_hong_kong_macao_and_taiwan_residents_permits(region, province):
    number = make_id_number(region=region, birth_date=date(1990, 5, 17), sequence=3, gender=MALE)
    parsed = parse_id_number(number)
    assert (parsed.value, parsed.province, parsed.birth_date) == (
        number,
        province,
        date(1990, 5, 17),
    )


def test_a_taiwan_permit_number_has_no_other_address_code_than_830000():
    number = make_id_number(region="830100", birth_date=date(1990, 5, 17), sequence=3, gender=MALE)
    with pytest.raises(ValidationError) as caught:
        parse_id_number(number)
    assert caught.value.code == "id_region"


def test_a_birth_before_1900_is_said_as_it_is_not_as_a_typing_error():
    # A correct check character: the only fault is the year.
    number = make_id_number(region="500107", birth_date=date(1899, 12, 31), sequence=1, gender=MALE)
    with pytest.raises(ValidationError) as caught:
        parse_id_number(number)
    assert caught.value.code == "id_birth_before_1900"
    with translation.override("zh-hans"):
        message = str(caught.value.messages[0])
    assert "出生日期早于1900年" in message
    assert "18991231" in message


def test_a_birth_before_1900_with_a_wrong_check_character_still_says_1900():
    number = make_id_number(region="500107", birth_date=date(1850, 1, 1), sequence=1, gender=MALE)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        parse_id_number(wrong)
    assert caught.value.code == "id_birth_before_1900"


def test_a_15_digit_number_is_read_as_the_18_it_became():
    # The standard's example without "19" and the check character: 110105 491231 002.
    parsed = parse_id_number("110105491231002")
    assert parsed.value == STANDARD_EXAMPLE
    assert (parsed.birth_date, parsed.gender) == (date(1949, 12, 31), FEMALE)


def test_upgrade_leaves_other_values_alone():
    assert upgrade_15(STANDARD_EXAMPLE) == STANDARD_EXAMPLE
    assert upgrade_15("11010549123100") == "11010549123100"


def test_a_search_by_a_15_digit_number_looks_for_the_18_digit_one():
    assert whole_number("110105 491231 002") == ("id_number", STANDARD_EXAMPLE)
    # 0086 and a mobile number: a phone, not an old ID number.
    assert whole_number("008613912345678") == ("phone", "13912345678")
