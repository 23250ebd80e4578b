"""Issue 18 item 1: a masked ID number cannot be rebuilt from what is shown beside it.

Every page, API answer and export that shows a person's masked ID number is read as an
outsider would: the masked number, plus any date of birth on the same page. The attacker is
granted the county code (the domicile address says it) and the year of birth (shown); the
test counts the valid ID numbers (GB 11643 check character) that still fit, and asks for
thousands. The old mask (region and last four, 500107********1234) beside the full date
left exactly one."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.idnumbers import FEMALE, check_character, make_id_number
from apps.core.masking import mask_birth_date, mask_id_number
from apps.core.models import AccessLog
from apps.core.testing.personas import SUPERUSER, XIPENG_COMMUNITY, XIPENG_DESK
from apps.core.testing.workbooks import sheet_rows
from tests.registry.factories import PersonFactory

BIRTH = date(1990, 5, 4)
NUMBER = make_id_number(region="500107", birth_date=BIRTH, sequence=123, gender=FEMALE)
PHONE = "13983464184"
ENOUGH = 1000  # valid numbers left to guess among, at the least

_MASKED_ID = re.compile(r"(?<![0-9A-Za-z*])[0-9X*]{18}(?![0-9A-Za-z*])")


def date_spellings(day: date) -> list[str]:
    return [
        f"{day:%Y-%m-%d}",
        f"{day:%Y%m%d}",
        f"{day:%Y/%m/%d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y年%m月%d日}",
        f"{day.year}-{day.month}-{day.day}",
    ]


def rebuild(masked: str, *, text: str, region: str, birth: date) -> int:
    """How many valid ID numbers fit the masked one, given the county and what the text
    says of the date of birth (the full date when it is there, else the year)."""
    if any(spelling in text for spelling in date_spellings(birth)):
        days = [birth]
    else:
        first = date(birth.year, 1, 1)
        days = [
            first + timedelta(days=n)
            for n in range(366)
            if (first + timedelta(n)).year == birth.year
        ]
    fits = 0
    for day in days:
        head = f"{region}{day:%Y%m%d}"
        if any(m != "*" and m != c for m, c in zip(masked[:14], head, strict=True)):
            continue
        for sequence in range(1000):
            first17 = f"{head}{sequence:03d}"
            if any(m != "*" and m != c for m, c in zip(masked[14:17], first17[14:], strict=True)):
                continue
            if masked[17] in ("*", check_character(first17)):
                fits += 1
    return fits


def assert_not_rebuilt(text: str) -> None:
    assert NUMBER not in text, "the full ID number is shown"
    masks = [m for m in _MASKED_ID.findall(text) if "*" in m]
    assert masks, "no masked ID number on this surface: the test reads the wrong thing"
    for masked in masks:
        assert rebuild(masked, text=text, region=NUMBER[:6], birth=BIRTH) >= ENOUGH


@pytest.fixture
def person(org):
    return PersonFactory(
        station=org.xipeng,
        name="王小红",
        id_number=NUMBER,
        birth_date=BIRTH,
        gender=FEMALE,
        phone=PHONE,
        domicile_address="重庆市九龙坡区西彭镇迎新村3组",
    )


def test_the_old_mask_beside_the_date_of_birth_gave_the_number_back():
    old = f"{NUMBER[:6]}********{NUMBER[-4:]}"
    assert rebuild(old, text=f"{BIRTH:%Y-%m-%d}", region=NUMBER[:6], birth=BIRTH) == 1
    assert rebuild(old, text="1990", region=NUMBER[:6], birth=BIRTH) < 100


def test_the_mask_keeps_the_province_and_the_last_two():
    assert mask_id_number(NUMBER) == f"50{'*' * 14}{NUMBER[-2:]}"
    assert mask_birth_date(BIRTH) == "1990"
    assert rebuild(mask_id_number(NUMBER), text="1990", region=NUMBER[:6], birth=BIRTH) >= ENOUGH


def _xlsx_text(content: bytes) -> str:
    return " ".join(str(value) for row in sheet_rows(content) for value in row if value is not None)


SURFACES = {
    "api list": lambda c, p: c.get(reverse("person-list")).content.decode(),
    "api detail": lambda c, p: c.get(reverse("person-detail", args=[p.pk])).content.decode(),
    "list page": lambda c, p: c.get(reverse("registry:person_list")).content.decode(),
    "detail page": lambda c, p: c.get(
        reverse("registry:person_detail", args=[p.pk])
    ).content.decode(),
    "caller lookup": lambda c, p: c.post(
        reverse("registry:caller_lookup"), {"caller_lookup": "王小红"}
    ).content.decode(),
    "collision page": lambda c, p: _collide(c, p),
}


def _get(client, name, *args) -> str:
    return client.get(reverse(name, args=args)).content.decode()


def _collide(client, person) -> str:
    from tests.registry.factories import AddressFactory, HotelStayFactory, UnitFactory
    from tests.registry.test_hub import collision_form

    hotel = UnitFactory(address=AddressFactory(community=person.station.communities.first()))
    HotelStayFactory(hotel=hotel, person=person, checked_in_at=timezone.now() - timedelta(days=1))
    page = client.post(
        reverse("registry:hub_collision"), collision_form(right="list", numbers=NUMBER)
    )
    text = page.content.decode()
    assert "王小红" in text
    # The numbers the officer typed come back in their box; the matches are what is read.
    return re.sub(r"<textarea.*?</textarea>", "", text, flags=re.S)


@pytest.mark.parametrize("surface", SURFACES)
def test_no_page_or_api_answer_rebuilds_the_id_number(client, org, person, surface):
    client.force_login(org.user(XIPENG_COMMUNITY))
    text = SURFACES[surface](client, person)
    assert_not_rebuilt(text)
    # Nothing of it needed a reveal, and nothing was logged as one.
    assert not AccessLog.objects.exclude(field__startswith="lookup:").exists()


def test_the_edit_page_shows_neither_the_number_nor_the_date_of_birth(client, org, person):
    client.force_login(org.user(XIPENG_COMMUNITY))
    text = _get(client, "registry:person_update", person.pk)
    assert NUMBER not in text
    assert not [spelling for spelling in date_spellings(BIRTH) if spelling in text]
    # Saved without them, the record keeps its number and date of birth.
    assert 'name="birth_date"' not in text and 'name="id_number"' not in text


def test_the_collision_export_does_not_rebuild_the_id_number(client, org, person):
    from tests.registry.test_hub import collision_form, hotel_week

    focus_guest, _plain = hotel_week(org)
    client.force_login(org.user(XIPENG_COMMUNITY))
    response = client.post(reverse("registry:hub_collision"), collision_form(export="xlsx"))
    text = _xlsx_text(response.content)
    assert focus_guest.id_number not in text
    assert focus_guest.birth_date.isoformat() not in text
    assert str(focus_guest.birth_date.year) in text
    assert mask_id_number(focus_guest.id_number) in text


def test_admins_person_list_shows_the_year_of_birth_only(client, org, person):
    client.force_login(org.user(SUPERUSER))
    text = client.get(reverse("admin:registry_person_changelist")).content.decode()
    assert_not_rebuilt(text)


def test_the_full_date_of_birth_is_a_logged_reveal(client, org, person):
    desk = org.user(XIPENG_DESK)
    client.force_login(desk)
    response = client.post(reverse("registry:person_reveal", args=[person.pk, "birth_date"]))
    assert response.status_code == 200 and "1990-05-04" in response.content.decode()
    assert list(AccessLog.objects.values_list("user", "subject_id", "field")) == [
        (desk.pk, str(person.pk), "birth_date")
    ]


def test_the_api_still_takes_a_full_date_of_birth(client, org):
    client.force_login(org.user(XIPENG_DESK))
    number = make_id_number(region="500107", birth_date=date(1985, 3, 7), sequence=9, gender=FEMALE)
    response = client.post(
        reverse("person-list"),
        {
            "station": org.xipeng.pk,
            "name": "赵敏",
            "id_number": number,
            "birth_date": "1985-03-07",
            "category": "permanent",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["birth_year"] == 1985 and "birth_date" not in body
    assert "1985-03-07" not in response.content.decode()
