"""Demo residents, addresses, housing and units for 西彭 and 歇台子; idempotent.

Generated from a fixed seed, so every run produces the same people (keyed on their ID
numbers) and the same addresses (keyed on their standard text)."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts import roles
from apps.accounts.models import User
from apps.core.idnumbers import FEMALE, MALE, make_id_number
from apps.registry.choices import HousingKind, PersonCategory, ResidenceRelation, UnitKind
from apps.registry.models import Address, FocusRecord, HotelStay, Housing, Person, Residence, Unit
from apps.stations.models import Community, Station

FAMILY_NAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹彭曾萧田董潘袁蒋蔡余杜叶程"
)
GIVEN_NAMES = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰建国志红文斌琴云飞鹏辉"
# Where the floating population of the park comes from (region codes of their ID numbers).
FLOATING_REGIONS = ["510322", "511621", "500235", "522425", "430524", "500116", "411526"]
LOCAL_REGION = "500107"  # 九龙坡区
ROADS = {
    "village": ["一组", "二组", "三组", "四组"],
    "other": ["铝城大道", "白彭路", "渝州路", "科园一路"],
}
STATIONS = {"500107-xipeng": 180, "500107-xietaizi": 120}  # residents per station


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_NAMES) + (rng.choice(GIVEN_NAMES) if rng.random() < 0.6 else "")
    return rng.choice(FAMILY_NAMES) + given


@transaction.atomic
def seed_registry() -> int:
    """Create what is missing; returns how many persons were created."""
    rng = random.Random(2026)
    created = 0
    for code, residents in STATIONS.items():
        station = Station.objects.get(code=code)
        communities = list(Community.objects.filter(station=station).order_by("name"))
        officer = (
            User.objects.filter(station=station, groups__name=roles.COMMUNITY_OFFICER)
            .order_by("id")
            .first()
        )
        housing = []
        for index in range(residents // 3):
            community = communities[index % len(communities)]
            roads = ROADS["village" if community.kind == "village" else "other"]
            address, _ = Address.objects.get_or_create(
                station=station,
                text=Address(
                    community=community,
                    road=roads[index % len(roads)],
                    number=str(index + 1),
                    building=str(index % 6 + 1),
                    room=f"{index % 5 + 1}0{index % 3 + 1}",
                ).compose_text(),
                defaults={
                    "community": community,
                    "road": roads[index % len(roads)],
                    "number": str(index + 1),
                    "building": str(index % 6 + 1),
                    "room": f"{index % 5 + 1}0{index % 3 + 1}",
                    "latitude": community.latitude,
                    "longitude": community.longitude,
                },
            )
            home, _ = Housing.objects.get_or_create(
                address=address,
                defaults={
                    "station": station,
                    "is_rented": index % 3 == 0,
                    "kind": HousingKind.RENTAL_ROOM if index % 3 == 0 else HousingKind.RESIDENTIAL,
                },
            )
            housing.append(home)
        for index in range(residents):
            floating = rng.random() < 0.45
            gender = MALE if rng.random() < 0.52 else FEMALE
            birth = date(1940, 1, 1) + timedelta(days=rng.randint(0, 365 * 66))
            region = rng.choice(FLOATING_REGIONS) if floating else LOCAL_REGION
            number = make_id_number(
                region=region, birth_date=birth, sequence=rng.randint(0, 499), gender=gender
            )
            person, was_created = Person.objects.get_or_create(
                id_number=number,
                defaults={
                    "station": station,
                    "name": _name(rng),
                    "gender": gender,
                    "birth_date": birth,
                    "phone": f"139{rng.randint(10**7, 10**8 - 1)}",
                    "category": PersonCategory.FLOATING if floating else PersonCategory.PERMANENT,
                },
            )
            created += int(was_created)
            home = housing[index % len(housing)]
            Residence.objects.get_or_create(
                person=person,
                housing=home,
                defaults={
                    "station": station,
                    "since": date(2020, 1, 1) + timedelta(days=index),
                    "relation": ResidenceRelation.TENANT
                    if home.is_rented
                    else ResidenceRelation.FAMILY,
                },
            )
            if index % 3 == 0 and home.owner_id is None and not home.is_rented:
                home.owner = person
                home.save(update_fields=["owner"])
        _seed_units(station, housing, rng, officer)
    return created


def _seed_units(station, housing, rng, officer) -> None:
    units = [
        ("园区快捷酒店", UnitKind.HOTEL, 12),
        ("铝城宾馆", UnitKind.HOTEL, 20),
        ("西南铝配套加工厂", UnitKind.ENTERPRISE, 320),
        ("便民超市", UnitKind.SHOP, 6),
        ("小区茶馆", UnitKind.ENTERTAINMENT, 4),
    ]
    prefix = station.name.removesuffix("派出所")
    persons = list(Person.objects.filter(station=station).order_by("id"))
    for index, (name, kind, staff) in enumerate(units):
        unit, _ = Unit.objects.get_or_create(
            station=station,
            name=f"{prefix}{name}",
            defaults={
                "kind": kind,
                "address": housing[index].address,
                "staff_count": staff,
                "contact_name": persons[index].name,
                "contact_phone": persons[index].phone,
            },
        )
        if kind != UnitKind.HOTEL:
            continue
        # Last week's guests: some are residents, a few of them focus persons.
        for day in range(7):
            guest = persons[(index * 7 + day * 3) % len(persons)]
            check_in = timezone.make_aware(
                datetime.combine(timezone.localdate() - timedelta(days=day + 1), time(20, 0))
            )
            if not HotelStay.objects.filter(hotel=unit, person=guest).exists():
                HotelStay.objects.create(
                    station=station,
                    hotel=unit,
                    person=guest,
                    room=f"8{day}0{index}",
                    checked_in_at=check_in,
                    checked_out_at=check_in + timedelta(hours=14),
                )
    if officer is None:  # focus persons need a responsible officer of the station
        return
    for guest in persons[:3]:
        FocusRecord.objects.get_or_create(
            person=guest,
            defaults={
                "station": station,
                "reason": "多次寻衅滋事，需定期走访",
                "level": "watch",
                "responsible_officer": officer,
                "review_on": timezone.localdate() + timedelta(days=90),
            },
        )
