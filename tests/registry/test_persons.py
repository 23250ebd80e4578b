from datetime import date

from django.urls import reverse

from apps.core.idnumbers import MALE, make_id_number
from apps.core.masking import mask_id_number
from apps.core.models import AccessLog
from apps.core.testing.personas import (
    SHUANGFENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    XIPENG_LEADER,
)
from apps.registry.models import Person

from .factories import (
    AddressFactory,
    FocusRecordFactory,
    HotelStayFactory,
    HousingFactory,
    PersonFactory,
    UnitFactory,
)

LI_MING = make_id_number(region="500107", birth_date=date(1985, 3, 7), sequence=12, gender=MALE)


def person_form(org, **overrides):
    return {
        "station": org.xipeng.pk,
        "name": "李明",
        "id_number": LI_MING,
        "gender": "male",
        "birth_date": "1985-03-07",
        "ethnicity": "汉族",
        "category": "floating",
        **overrides,
    }


def test_a_community_officer_adds_a_resident_at_the_door(client, org):
    client.force_login(org.user(XIPENG_COMMUNITY))
    response = client.post(reverse("registry:person_create"), person_form(org))
    person = Person.objects.get()
    assert response["Location"] == person.get_absolute_url()
    assert (person.id_number, person.domicile_province) == (LI_MING, "50")


def test_a_wrong_check_character_is_rejected_with_the_right_one_named(client, org):
    client.force_login(org.user(XIPENG_COMMUNITY))
    wrong = LI_MING[:17] + ("0" if LI_MING[17] != "0" else "1")
    page = client.post(reverse("registry:person_create"), person_form(org, id_number=wrong))
    assert f"最后一位应为 {LI_MING[17]}" in page.content.decode()
    assert not Person.objects.exists()


def test_a_birth_date_that_disagrees_with_the_id_number_is_rejected(client, org):
    client.force_login(org.user(XIPENG_COMMUNITY))
    page = client.post(reverse("registry:person_create"), person_form(org, birth_date="1985-03-08"))
    assert "出生日期与身份证号码不符" in page.content.decode()
    assert not Person.objects.exists()


def test_one_person_per_id_number(client, org):
    PersonFactory(station=org.xipeng, id_number=LI_MING, birth_date=date(1985, 3, 7), gender="male")
    client.force_login(org.user(XIPENG_COMMUNITY))
    client.post(reverse("registry:person_create"), person_form(org, name="李明明"))
    assert Person.objects.filter(id_number=LI_MING).count() == 1


def test_id_numbers_are_masked_in_lists_and_the_api(client, org):
    person = PersonFactory(station=org.xipeng)
    client.force_login(org.user(XIPENG_DESK))
    page = client.get(reverse("registry:person_list")).content.decode()
    api = client.get(reverse("person-list")).json()["results"][0]
    masked = mask_id_number(person.id_number)
    assert masked in page and person.id_number not in page
    assert api["id_number"] == masked


def test_showing_an_id_number_in_full_is_logged_without_the_number(client, org):
    person = PersonFactory(station=org.xipeng)
    client.force_login(org.user(XIPENG_DESK))
    url = reverse("registry:person_reveal", args=[person.pk, "id_number"])
    assert person.id_number in client.post(url).content.decode()
    log = AccessLog.objects.get()
    assert (log.field, log.subject_id) == ("id_number", str(person.pk))
    assert person.id_number not in f"{log.subject_label}{log.page}"


def test_a_lookup_by_id_number_is_a_post_and_stays_in_scope(client, org):
    person = PersonFactory(station=org.xipeng)
    client.force_login(org.user(XIPENG_DESK))
    found = client.post(
        reverse("person-lookup"),
        {"id_number": person.id_number.lower()},
        content_type="application/json",
    )
    assert found.status_code == 200 and found.json()["id"] == person.pk
    assert AccessLog.objects.get().field == "lookup:id_number"
    assert client.get(reverse("person-lookup")).status_code == 405
    client.force_login(org.user(SHUANGFENG_DESK))
    other = client.post(
        reverse("person-lookup"), {"id_number": person.id_number}, content_type="application/json"
    )
    assert other.status_code == 404


def test_a_malformed_lookup_says_what_is_wrong(client, org):
    client.force_login(org.user(XIPENG_DESK))
    response = client.post(
        reverse("person-lookup"), {"id_number": "12345"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "18" in response.json()["error"]["fields"]["id_number"][0]


def test_the_api_does_not_change_an_id_number_and_keeps_it_when_sent_back_masked(client, org):
    person = PersonFactory(station=org.xipeng)
    client.force_login(org.user(XIPENG_LEADER))
    url = reverse("person-detail", args=[person.pk])
    body = client.get(url).json()
    body["name"] = "改名"
    assert client.put(url, body, content_type="application/json").status_code == 200
    assert (
        client.patch(url, {"id_number": LI_MING}, content_type="application/json").status_code
        == 400
    )
    person.refresh_from_db()
    assert person.name == "改名" and person.id_number != LI_MING


def test_the_person_page_links_residences_and_hotel_stays(client, org):
    person = PersonFactory(station=org.xipeng)
    housing = HousingFactory(address=AddressFactory(community=org.yingxin, room="301"))
    person.residences.create(
        station=org.xipeng, housing=housing, relation="tenant", since=date(2024, 5, 1)
    )
    hotel = UnitFactory(address=AddressFactory(community=org.yingxin), name="园区快捷酒店")
    HotelStayFactory(hotel=hotel, person=person, room="8206")
    client.force_login(org.user(XIPENG_COMMUNITY))
    page = client.get(person.get_absolute_url()).content.decode()
    assert "301室" in page and "园区快捷酒店" in page


def test_the_focus_record_shows_only_with_its_permission(client, org):
    person = PersonFactory(station=org.xipeng)
    FocusRecordFactory(
        person=person, responsible_officer=org.user(XIPENG_COMMUNITY), reason="多次寻衅滋事"
    )
    client.force_login(org.user(XIPENG_COMMUNITY))
    assert "多次寻衅滋事" in client.get(person.get_absolute_url()).content.decode()
    client.force_login(org.user(XIPENG_DESK))
    assert "多次寻衅滋事" not in client.get(person.get_absolute_url()).content.decode()


def test_the_address_page_shows_who_lives_there_and_which_units(client, org):
    address = AddressFactory(community=org.yingxin, building="3", unit="2", room="501")
    housing = HousingFactory(address=address)
    tenant = PersonFactory(station=org.xipeng, name="王租户")
    tenant.residences.create(
        station=org.xipeng, housing=housing, relation="tenant", since=date(2025, 1, 1)
    )
    client.force_login(org.user(XIPENG_COMMUNITY))
    page = client.get(address.get_absolute_url()).content.decode()
    assert "迎新村白彭路" in page and "3栋2单元501室" in page
    assert "王租户" in page


def test_later_apps_plug_their_records_into_the_person_page(client, org):
    from apps.registry import related

    def incidents(*, person, user):
        return ("警情", [person], [("name", "报警人")])

    related.person_records(incidents)
    try:
        person = PersonFactory(station=org.xipeng, name="报警的居民")
        client.force_login(org.user(XIPENG_DESK))
        page = client.get(person.get_absolute_url()).content.decode()
        assert "警情" in page and "报警人" in page
    finally:
        related._providers.remove(incidents)


def test_a_resident_is_registered_at_the_door_with_the_address_picker(client, org):
    room = AddressFactory(
        community=org.yingxin, road="白彭路", number="12", building="5", unit="1", room="302"
    )
    AddressFactory(community=org.yingxin, road="白彭路", number="12", building="5", room="101")
    # Another building "5" on another road is another building.
    other = AddressFactory(community=org.yingxin, road="科园路", number="3", building="5", room="9")
    client.force_login(org.user(XIPENG_COMMUNITY))
    buildings = client.get(
        reverse("registry:address_options"), {"community": org.yingxin.pk}
    ).content.decode()
    assert f'<option value="{room.pk}">迎新村白彭路12号5栋</option>' in buildings
    assert f'<option value="{other.pk}">迎新村科园路3号5栋</option>' in buildings
    assert buildings.count("<option") == 3  # the empty choice and the two buildings
    rooms = client.get(
        reverse("registry:address_options"), {"community": org.yingxin.pk, "building": room.pk}
    ).content.decode()
    assert f'value="{room.pk}"' in rooms and "101室" in rooms and "科园路" not in rooms
    response = client.post(
        reverse("registry:resident_register"),
        {
            **person_form(org),
            "community": org.yingxin.pk,
            "building": room.pk,
            "address": room.pk,
            "relation": "tenant",
            "since": "2026-11-01",
        },
    )
    person = Person.objects.get()
    assert response["Location"] == person.get_absolute_url()
    residence = person.residences.get()
    assert (residence.housing.address, residence.relation, person.station) == (
        room,
        "tenant",
        org.xipeng,
    )


def test_a_bad_id_number_at_the_door_saves_nothing(client, org):
    room = AddressFactory(community=org.yingxin, building="5", room="302")
    client.force_login(org.user(XIPENG_COMMUNITY))
    page = client.post(
        reverse("registry:resident_register"),
        {
            **person_form(
                org, id_number=LI_MING[:-1] + "0" if LI_MING[-1] != "0" else LI_MING[:-1] + "1"
            ),
            "community": org.yingxin.pk,
            "building": room.pk,
            "address": room.pk,
            "relation": "tenant",
            "since": "2026-11-01",
        },
    ).content.decode()
    assert "最后一位应为" in page
    assert not Person.objects.exists()
    from apps.registry.models import Housing

    assert not Housing.objects.exists()


def test_the_picker_does_not_offer_another_stations_addresses(client, org):
    AddressFactory(community=org.yingxin, building="5", room="302")
    client.force_login(org.user(SHUANGFENG_DESK))
    assert (
        'value="5"'
        not in client.get(
            reverse("registry:address_options"), {"community": org.yingxin.pk}
        ).content.decode()
    )


# --- The ID number says the rest, and says who has it already -------------------------------


def test_gender_and_birth_date_are_taken_from_the_id_number(client, org):
    client.force_login(org.user(XIPENG_COMMUNITY))
    form = person_form(org, gender="", birth_date="")
    assert client.post(reverse("registry:person_create"), form).status_code == 302
    person = Person.objects.get()
    assert (person.gender, person.birth_date) == ("male", date(1985, 3, 7))
    page = client.get(reverse("registry:person_create")).content.decode()
    assert "data-id-number" in page and "js/idnumber.js" in page
    assert "由身份证号码自动填写" in page


def test_the_api_and_the_door_take_them_from_the_number_too(client, org):
    room = AddressFactory(community=org.yingxin, building="5", room="302")
    client.force_login(org.user(XIPENG_COMMUNITY))
    client.post(
        reverse("registry:resident_register"),
        {
            **person_form(org, gender="", birth_date=""),
            "community": org.yingxin.pk,
            "building": room.pk,
            "address": room.pk,
            "relation": "tenant",
            "since": "2026-11-01",
        },
    )
    other = make_id_number(
        region="510104", birth_date=date(1995, 3, 8), sequence=12, gender="female"
    )
    created = client.post(
        reverse("person-list"),
        {"station": org.xipeng.pk, "name": "赵丽", "id_number": other, "category": "floating"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert sorted(Person.objects.values_list("name", "gender", "birth_date")) == [
        ("李明", "male", date(1985, 3, 7)),
        ("赵丽", "female", date(1995, 3, 8)),
    ]


def test_a_number_registered_in_scope_links_to_that_person(client, org):
    existing = PersonFactory(
        station=org.xipeng, name="李明", id_number=LI_MING, birth_date=date(1985, 3, 7), gender=MALE
    )
    desk = org.user(XIPENG_DESK)
    client.force_login(desk)
    page = client.post(
        reverse("registry:person_create"), person_form(org, id_number=LI_MING.lower())
    ).content.decode()
    assert f'已登记：<a href="{existing.get_absolute_url()}">李明</a>' in page
    api = client.post(
        reverse("person-list"),
        {**person_form(org), "birth_date": "1985-03-07"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert f"李明（人员 {existing.pk}）" in api.json()["error"]["fields"]["id_number"][0]
    assert Person.objects.count() == 1
    # Found by the whole number: a lookup, as a search by it would be.
    assert (
        list(AccessLog.objects.values_list("user", "field", "subject_id"))
        == [(desk.pk, "lookup:id_number", str(existing.pk))] * 2
    )


def test_a_number_registered_elsewhere_is_refused_without_saying_where(client, org):
    PersonFactory(
        station=org.shuangfeng,
        name="李明",
        id_number=LI_MING,
        birth_date=date(1985, 3, 7),
        gender=MALE,
    )
    room = AddressFactory(community=org.yingxin, building="5", room="302")
    client.force_login(org.user(XIPENG_COMMUNITY))
    answers = [
        client.post(reverse("registry:person_create"), person_form(org)).content.decode(),
        client.post(
            reverse("registry:resident_register"),
            {
                **person_form(org),
                "community": org.yingxin.pk,
                "building": room.pk,
                "address": room.pk,
                "relation": "tenant",
                "since": "2026-11-01",
            },
        ).content.decode(),
        client.post(
            reverse("person-list"), person_form(org), content_type="application/json"
        ).content.decode(),
    ]
    for answer in answers:
        assert "此身份证号码不能在此登记" in answer
        assert "已登记" not in answer and "双凤" not in answer and "李明（" not in answer
    assert Person.objects.count() == 1
    assert not AccessLog.objects.exists()
