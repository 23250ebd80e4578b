"""The hub's five methods: sieve, association (test_persons), collision, comparison and
classification."""

from datetime import date, timedelta
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.core.masking import mask_id_number
from apps.core.testing.personas import (
    SHUANGFENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
)
from apps.registry.models import Person, SavedQuery

from .factories import (
    AddressFactory,
    FocusRecordFactory,
    HotelStayFactory,
    HousingFactory,
    PersonFactory,
    UnitFactory,
)


def lives_in(person, community, **address):
    housing = HousingFactory(address=AddressFactory(community=community, **address))
    person.residences.create(
        station=person.station, housing=housing, relation="owner", since=date(2020, 1, 1)
    )
    return housing


def test_the_sieve_finds_the_elderly_living_alone_in_a_village(client, org):
    old_alone = PersonFactory(
        station=org.xipeng,
        name="独居老人",
        birth_date=date(1945, 5, 1),
        gender="male",
        id_number="500107194505010017",
    )
    lives_in(old_alone, org.yingxin, room="101")
    old_together = PersonFactory(
        station=org.xipeng,
        name="同住老人",
        birth_date=date(1946, 6, 2),
        gender="male",
        id_number="500107194606020013",
    )
    shared = lives_in(old_together, org.yingxin, room="102")
    PersonFactory(station=org.xipeng, name="同住子女").residences.create(
        station=org.xipeng, housing=shared, relation="family", since=date(2020, 1, 1)
    )
    PersonFactory(
        station=org.xipeng,
        name="年轻独居",
        birth_date=date(1995, 1, 1),
        gender="male",
        id_number="500107199501010011",
    )
    client.force_login(org.user(XIPENG_COMMUNITY))
    url = (
        reverse("registry:person_list") + f"?community={org.yingxin.pk}&age_min=70&lives_alone=true"
    )
    page = client.get(url).content.decode()
    assert "独居老人" in page
    assert "同住老人" not in page and "年轻独居" not in page


def test_a_sieve_is_saved_by_name_and_shared_with_the_station(client, org):
    client.force_login(org.user(XIPENG_COMMUNITY))
    client.post(
        reverse("registry:savedquery_create"),
        {
            "name": "迎新村流动人口",
            "params": f"community={org.yingxin.pk}&category=floating&page=3",
        },
    )
    query = SavedQuery.objects.get()
    assert query.params == f"community={org.yingxin.pk}&category=floating"
    client.force_login(org.user(XIPENG_DESK))
    assert "迎新村流动人口" in client.get(reverse("registry:person_list")).content.decode()
    client.force_login(org.user(SHUANGFENG_DESK))
    assert "迎新村流动人口" not in client.get(reverse("registry:person_list")).content.decode()


def test_the_focus_filter_is_not_offered_without_the_permission(client, org):
    person = PersonFactory(station=org.xipeng, name="重点某")
    FocusRecordFactory(person=person, responsible_officer=org.user(XIPENG_COMMUNITY))
    PersonFactory(station=org.xipeng, name="普通某")
    client.force_login(org.user(XIPENG_DESK))
    page = client.get(reverse("registry:person_list") + "?is_focus=true").content.decode()
    assert 'name="is_focus"' not in page and "普通某" in page  # the filter is ignored
    client.force_login(org.user(XIPENG_COMMUNITY))
    page = client.get(reverse("registry:person_list") + "?is_focus=true").content.decode()
    assert "重点某" in page and "普通某" not in page


def hotel_week(org):
    hotel = UnitFactory(address=AddressFactory(community=org.yingxin), name="园区快捷酒店")
    focus_guest = PersonFactory(station=org.xipeng, name="住店重点人员")
    FocusRecordFactory(person=focus_guest, responsible_officer=org.user(XIPENG_COMMUNITY))
    plain_guest = PersonFactory(station=org.xipeng, name="普通住客")
    FocusRecordFactory(
        person=PersonFactory(station=org.xipeng, name="未住店重点人员"),
        responsible_officer=org.user(XIPENG_COMMUNITY),
    )
    for guest in (focus_guest, plain_guest):
        HotelStayFactory(
            hotel=hotel, person=guest, checked_in_at=timezone.now() - timedelta(days=2)
        )
    return focus_guest, plain_guest


def collision_form(**overrides):
    today = timezone.localdate()
    return {
        "left": "hotel_stays",
        "start": today - timedelta(days=7),
        "end": today,
        "right": "focus",
        **overrides,
    }


def test_last_weeks_hotel_guests_collide_with_the_focus_list(client, org):
    hotel_week(org)
    client.force_login(org.user(XIPENG_COMMUNITY))
    page = client.post(reverse("registry:hub_collision"), collision_form()).content.decode()
    assert "住店重点人员" in page
    assert "普通住客" not in page and "未住店重点人员" not in page


def test_hotel_guests_collide_with_a_pasted_list_of_numbers(client, org):
    _, plain_guest = hotel_week(org)
    client.force_login(org.user(XIPENG_DESK))
    page = client.post(
        reverse("registry:hub_collision"),
        collision_form(right="list", numbers=f"不相关的一行\n{plain_guest.id_number.lower()}\n"),
    ).content.decode()
    assert "普通住客" in page and "住店重点人员" not in page


def test_the_desk_cannot_collide_against_the_focus_list(client, org):
    hotel_week(org)
    client.force_login(org.user(XIPENG_DESK))
    page = client.post(reverse("registry:hub_collision"), collision_form()).content.decode()
    assert "住店重点人员" not in page


def test_the_collision_exports_masked_and_formula_safe(client, org):
    focus_guest, _ = hotel_week(org)
    Person.objects.filter(pk=focus_guest.pk).update(name="=HYPERLINK(1)")
    client.force_login(org.user(XIPENG_COMMUNITY))
    response = client.post(reverse("registry:hub_collision"), collision_form(export="xlsx"))
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert focus_guest.id_number not in str(rows)
    assert mask_id_number(focus_guest.id_number) in rows[1]


def test_the_comparison_counts_two_periods_with_the_change(client, org):
    hotel = UnitFactory(address=AddressFactory(community=org.yingxin))
    for days_ago in (3, 4, 5, 40):
        HotelStayFactory(
            hotel=hotel,
            person=PersonFactory(station=org.xipeng),
            checked_in_at=timezone.now() - timedelta(days=days_ago),
        )
    today = timezone.localdate()
    client.force_login(org.user(XIPENG_DESK))
    response = client.get(
        reverse("registry:hub_comparison"),
        {
            "measure": "hotel_stays",
            "first_start": today - timedelta(days=60),
            "first_end": today - timedelta(days=30),
            "second_start": today - timedelta(days=7),
            "second_end": today,
        },
    )
    result = response.context["result"]
    assert (result["first"], result["second"], result["change"], result["percent"]) == (
        1,
        3,
        2,
        200.0,
    )


def test_the_classification_groups_and_counts_in_the_database(
    client, org, django_assert_max_num_queries
):
    for category in ("floating", "floating", "permanent"):
        PersonFactory(station=org.xipeng, category=category)
    PersonFactory(station=org.shuangfeng, category="permanent")  # another station: not counted
    client.force_login(org.user(XIPENG_DESK))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry:hub_classification"), {"by": "category"})
    assert response.context["rows"] == [("流动人口", 2), ("常住人口", 1)]
    assert response.context["total"] == 3
    bands = client.get(reverse("registry:hub_classification"), {"by": "age_band"})
    assert sum(n for _label, n in bands.context["rows"]) == 3
