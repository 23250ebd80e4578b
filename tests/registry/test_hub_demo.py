"""歇台子警区's records for the information hub (devtools/demo/registry_hub.py), in a small copy:
every method of the hub finds something, and its pages read as many queries whatever the
size of the district."""

from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.registry import hub
from apps.registry.models import FocusRecord, HotelStay, Person, Residence, SavedQuery
from apps.stations.models import PoliceDistrict
from devtools.demo.registry_hub import SAVED_QUERIES, seed_xietaizi_hub


@pytest.fixture
def tian(demo_people):
    assert seed_xietaizi_hub(scale=10) > 0
    return User.objects.get(username="xietaizi_community")


def test_the_district_is_tians_and_seeded_once(tian):
    district = PoliceDistrict.objects.get(name="歇台子警区")
    assert district.real_population > 60000
    assert tian in district.responsible_officers.all()
    persons = Person.objects.filter(station=tian.station).count()
    assert persons >= 350
    assert seed_xietaizi_hub(scale=10) == 0
    assert Person.objects.filter(station=tian.station).count() == persons


def test_each_method_of_the_hub_finds_something(tian):
    today = timezone.localdate()
    # 碰撞: last week's hotel guests against the focus persons (the form's default dates).
    guests = hub.hotel_guests(user=tian, start=today - timedelta(days=7), end=today)
    matches = list(hub.collide(guests, hub.focus_persons(user=tian)))
    assert len(matches) >= 4
    assert all(FocusRecord.objects.filter(person=p).exists() for p in matches)
    # A pasted list: a guest's phone finds its person.
    listed = hub.listed_persons(user=tian, text=f"{matches[0].phone}\n13000000000")
    assert matches[0] in hub.collide(guests, listed)
    # 比较: the hotel's latest month against the one a year ago (the year rises).
    last = today - timedelta(days=1)
    recent = (last - timedelta(days=29), last)
    earlier = (today - timedelta(days=365), today - timedelta(days=336))
    compared = hub.compare(user=tian, measure="hotel_stays", first=earlier, second=recent)
    assert compared["first"] > 0 and compared["second"] > 0
    started = hub.compare(
        user=tian,
        measure="residences_started",
        first=(today - timedelta(days=730), today - timedelta(days=366)),
        second=(today - timedelta(days=365), today),
    )
    assert started["first"] > 0 and started["second"] > 0
    # 归类: every grouping has several groups.
    persons = Person.objects.restrict(tian)
    groups = {by: dict(hub.classify(persons, by)) for by in hub.GROUPINGS}
    assert len(groups["category"]) >= 2
    assert len(groups["domicile_province"]) >= 3
    assert len(groups["ethnicity"]) >= 2
    assert len(groups["community"]) == 3
    assert len(groups["age_band"]) >= 5
    # 筛网: 田小鹏's saved sieves each select someone; 关联: a focus person lives with others.
    for name, _params in SAVED_QUERIES:
        query = SavedQuery.objects.get(owner=tian, name=name)
        assert hub.persons_of_query(user=tian, params=query.params).exists(), name
    homes = Counter(
        Residence.objects.filter(station=tian.station).values_list("housing", flat=True)
    )
    focus_homes = Residence.objects.filter(person__focus_record__isnull=False).values_list(
        "housing", flat=True
    )
    assert any(homes[h] > 1 for h in focus_homes)
    assert HotelStay.objects.filter(station=tian.station).count() >= 240


def test_the_hub_pages_read_as_many_queries_for_more_records(
    tian, client, django_assert_max_num_queries
):
    client.force_login(tian)
    today = timezone.localdate()
    pages = [
        ("get", reverse("registry:hub_classification"), {"by": "community"}),
        ("get", reverse("registry:hub_classification"), {"by": "age_band", "is_focus": "true"}),
        (
            "get",
            reverse("registry:hub_comparison"),
            {
                "measure": "hotel_stays",
                "first_start": today - timedelta(days=60),
                "first_end": today - timedelta(days=31),
                "second_start": today - timedelta(days=30),
                "second_end": today,
            },
        ),
        (
            "post",
            reverse("registry:hub_collision"),
            {
                "left": "hotel_stays",
                "start": today - timedelta(days=7),
                "end": today,
                "right": "focus",
            },
        ),
        ("get", reverse("registry:person_list"), {"lives_alone": "true", "age_min": "70"}),
    ]

    def read():
        counts = []
        for method, url, data in pages:
            with django_assert_max_num_queries(40) as captured:
                response = getattr(client, method)(url, data)
            assert response.status_code == 200, url
            counts.append(len(captured))
        return counts

    small = read()
    assert len(client.post(pages[3][1], pages[3][2]).context["matches"]) >= 4
    # Four times the stays: no more queries (the first read also opened the session).
    stays = list(HotelStay.objects.filter(station=tian.station))
    HotelStay.objects.bulk_create(
        [
            HotelStay(
                station_id=s.station_id,
                hotel_id=s.hotel_id,
                person_id=s.person_id,
                room=s.room,
                checked_in_at=s.checked_in_at + timedelta(minutes=n),
            )
            for n in range(1, 4)
            for s in stays
        ]
    )
    assert all(more <= few for more, few in zip(read(), small, strict=True))
