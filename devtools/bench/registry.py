"""Benchmark data and scenarios of the registry (see devtools.benchmark)."""

import random
from datetime import date, timedelta

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.core.idnumbers import FEMALE, MALE, make_id_number
from apps.registry import hub
from apps.registry.models import Address, HotelStay, Housing, Person, Unit
from apps.registry.pinyin import name_keys
from apps.stations.models import Community, Station
from devtools.benchmark import batch_scenario, copy_rows, generator, request_scenario
from devtools.demo.registry import FAMILY_NAMES, FLOATING_REGIONS, GIVEN_NAMES, LOCAL_REGION

XIPENG = "500107-xipeng"


def _max_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
        return cursor.fetchone()[0]


@generator
def registry_at_scale(sizes: dict, progress) -> None:
    """Addresses with housing across the bureau, persons living in them, hotel stays."""
    rng = random.Random(4)
    now = timezone.now()
    communities = list(
        Community.objects.filter(station__bureau__code="500107").values_list(
            "id", "station_id", "name"
        )
    )
    missing = sizes["addresses"] - Address.objects.count()
    if missing > 0:
        start = _max_id(Address)
        copy_rows(
            "registry_address",
            [
                "created_at",
                "updated_at",
                "station_id",
                "community_id",
                "road",
                "number",
                "building",
                "unit",
                "room",
                "text",
            ],
            (
                [
                    now,
                    now,
                    station,
                    community,
                    "压测路",
                    str(start + n),
                    str(n % 30 + 1),
                    "1",
                    str(n % 40 + 101),
                    f"{name}压测路{start + n}号{n % 30 + 1}栋1单元{n % 40 + 101}室",
                ]
                for n, (community, station, name) in (
                    (n, communities[n % len(communities)]) for n in range(missing)
                )
            ),
            missing,
            progress,
            "registry_address",
        )
        # Read before a COPY: the connection cannot fetch while a COPY runs on it.
        bare = list(Address.objects.filter(housing__isnull=True).values_list("id", "station_id"))
        copy_rows(
            "registry_housing",
            ["created_at", "updated_at", "station_id", "address_id", "kind", "is_rented"],
            (
                [now, now, station, address, "residential", address % 3 == 0]
                for address, station in bare
            ),
            len(bare),
            progress,
            "registry_housing",
        )
    missing = sizes["persons"] - Person.objects.count()
    if missing > 0:
        housing = list(Housing.objects.values_list("id", "station_id")[: sizes["addresses"]])
        start = _max_id(Person)
        taken = set()

        def persons():
            for n in range(missing):
                gender = MALE if n % 2 else FEMALE
                birth = date(1940, 1, 1) + timedelta(days=rng.randint(0, 365 * 80))
                region = rng.choice(FLOATING_REGIONS + [LOCAL_REGION] * 3)
                number = make_id_number(
                    region=region, birth_date=birth, sequence=(start + n) % 500, gender=gender
                )
                while number in taken:  # the sequence space of one day is small
                    birth += timedelta(days=1)
                    number = make_id_number(
                        region=region, birth_date=birth, sequence=(start + n) % 500, gender=gender
                    )
                taken.add(number)
                _home, station = housing[n % len(housing)]
                name = rng.choice(FAMILY_NAMES) + rng.choice(GIVEN_NAMES)
                yield [
                    now,
                    now,
                    station,
                    name,
                    *name_keys(name),  # COPY skips Person.derive(): the search keys by hand
                    gender,
                    "汉族",
                    birth,
                    number,
                    number[:2],
                    f"139{rng.randint(10**7, 10**8 - 1)}",
                    "",
                    "permanent" if region == LOCAL_REGION else "floating",
                ]

        taken |= set(Person.objects.values_list("id_number", flat=True))
        copy_rows(
            "registry_person",
            [
                "created_at",
                "updated_at",
                "station_id",
                "name",
                "name_pinyin",
                "name_initials",
                "gender",
                "ethnicity",
                "birth_date",
                "id_number",
                "domicile_province",
                "phone",
                "domicile_address",
                "category",
            ],
            persons(),
            missing,
            progress,
            "registry_person",
        )
        homeless = list(
            Person.objects.filter(residences__isnull=True)
            .order_by("id")
            .values_list("id", flat=True)
        )
        copy_rows(
            "registry_residence",
            [
                "created_at",
                "updated_at",
                "station_id",
                "person_id",
                "housing_id",
                "relation",
                "since",
            ],
            (
                [
                    now,
                    now,
                    housing[i % len(housing)][1],
                    person,
                    housing[i % len(housing)][0],
                    "family",
                    date(2020, 1, 1),
                ]
                for i, person in enumerate(homeless)
            ),
            len(homeless),
            progress,
            "registry_residence",
        )
    missing = sizes["hotel_stays"] - HotelStay.objects.count()
    hotels = list(Unit.objects.filter(kind="hotel").values_list("id", "station_id"))
    if missing > 0 and hotels:
        guests = list(Person.objects.values_list("id", flat=True)[:200_000])
        offset = HotelStay.objects.count()
        copy_rows(
            "registry_hotelstay",
            ["station_id", "person_id", "hotel_id", "room", "checked_in_at", "client_id"],
            (
                [
                    hotels[n % len(hotels)][1],
                    rng.choice(guests),
                    hotels[n % len(hotels)][0],
                    "801",
                    now - timedelta(minutes=rng.randint(0, 365 * 24 * 60)),
                    f"00000000-0000-4000-8000-{n + offset:012d}",
                ]
                for n in range(missing)
            ),
            missing,
            progress,
            "registry_hotelstay",
        )


def _linked_person() -> Person:
    """A 西彭 person with a residence and a hotel stay: the person page's full case."""
    return (
        Person.objects.filter(
            station__code=XIPENG, hotel_stays__isnull=False, residences__isnull=False
        )
        .order_by("id")
        .first()
    )


@request_scenario(
    "persons: lookup by ID number (POST)",
    persona="xipeng_desk",
    body=lambda: {"id_number": _linked_person().id_number},
)
def person_lookup():
    return reverse("person-lookup")


@request_scenario("persons: person page with its links", persona="xipeng_community")
def person_page():
    return _linked_person().get_absolute_url()


@request_scenario("persons: sieve, three filters, page of 50", persona="xipeng_community")
def person_sieve():
    community = Community.objects.filter(station__code=XIPENG).order_by("id").first()
    return (
        reverse("registry:person_list") + f"?community={community.pk}&age_min=30&category=floating"
    )


@request_scenario("persons: search by pinyin initials, page of 50", persona="xipeng_desk")
def person_search_by_initials():
    return reverse("registry:person_list") + "?q=wxh"


@request_scenario("persons: API search by a whole ID number (logged)", persona="xipeng_desk")
def person_search_by_id_number():
    return reverse("person-list") + f"?q={_linked_person().id_number}"


def persons_page_sql():
    return (
        "SELECT json_agg(t) FROM (SELECT id, station_id AS station, name, gender, ethnicity, "
        "birth_date, id_number, domicile_province, phone, domicile_address, category "
        "FROM registry_person WHERE station_id = %s ORDER BY station_id, name, id LIMIT 50) t",
        [Station.objects.get(code=XIPENG).pk],
    )


@request_scenario("persons: API list", persona="xipeng_desk", sql=persons_page_sql)
def persons_api():
    return reverse("person-list")


def _ten_thousand_numbers() -> str:
    numbers = list(Person.objects.order_by("-id").values_list("id_number", flat=True)[:5000])
    # Half of the list is not registered at all, as an uploaded list would be.
    numbers += [
        make_id_number(
            region="650102",
            birth_date=date(1999, 1, 1) + timedelta(days=n),
            sequence=n % 500,
            gender=MALE,
        )
        for n in range(5000)
    ]
    return "\n".join(numbers)


def collision_sql():
    numbers = _ten_thousand_numbers().split("\n")
    return "SELECT id FROM registry_person WHERE id_number = ANY(%s)", [numbers]


@batch_scenario("collision: 10,000 ID numbers against the registry", sql=collision_sql)
def collision_of_a_list():
    admin = User.objects.get(username="jlp_admin")
    listed = hub.listed_persons(user=admin, text=_ten_thousand_numbers())
    return list(hub.collide(listed, Person.objects.restrict(admin)).values_list("id", flat=True))
