"""Issue 18 item 8: names keep no invisible control or format characters."""

from datetime import date

import pytest
from django.urls import reverse

from apps.core.errors import DomainError
from apps.core.idnumbers import FEMALE, make_id_number
from apps.core.names import check_name, clean_name, invisible_characters
from apps.core.testing.personas import CITIZEN, XIPENG_DESK
from apps.permits import services as permits
from apps.permits.choices import ApplicationKind, Basis
from apps.registry.models import Person

NUMBER = make_id_number(region="500107", birth_date=date(1991, 6, 1), sequence=3, gender=FEMALE)


@pytest.mark.parametrize(
    "name", ["王\u202e红小", "王\u200b小红", "王小红\u200f", "王\t小红", "\ufeff王小红"]
)
def test_invisible_characters_are_found_and_cleaned(name):
    assert invisible_characters(name)
    assert clean_name(name) in ("王红小", "王小红")
    with pytest.raises(DomainError) as caught:
        check_name(name)
    assert "不可见" in caught.value.message or "控制" in caught.value.message


def test_a_plain_name_passes():
    assert check_name(" 欧阳 娜娜 ") == "欧阳 娜娜" and not invisible_characters("阿依古丽·买买提")


def test_the_person_form_refuses_a_right_to_left_override(client, org):
    client.force_login(org.user(XIPENG_DESK))
    response = client.post(
        reverse("registry:person_create"),
        {
            "station": org.xipeng.pk,
            "name": "王\u202e红小",
            "id_number": NUMBER,
            "ethnicity": "汉族",
            "category": "permanent",
        },
    )
    assert response.status_code == 200
    assert "U+202E" in response.content.decode()
    assert not Person.objects.exists()


def test_the_person_api_refuses_it_too(client, org):
    client.force_login(org.user(XIPENG_DESK))
    response = client.post(
        reverse("person-list"),
        {
            "station": org.xipeng.pk,
            "name": "王\u202e红小",
            "id_number": NUMBER,
            "category": "permanent",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "U+202E" in response.content.decode()
    assert not Person.objects.exists()


def test_a_citizens_application_refuses_it(org):
    with pytest.raises(DomainError) as caught:
        permits.application_create(
            by=org.user(CITIZEN),
            kind=ApplicationKind.REGISTRATION,
            community=org.yingxin,
            name="王\u202e红小",
            id_number=NUMBER,
            phone="13912345678",
            basis=Basis.EMPLOYMENT,
            address_text="迎新村3组12号",
        )
    assert "U+202E" in caught.value.message
