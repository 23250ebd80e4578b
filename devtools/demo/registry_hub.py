"""The records of 歇台子警区 (田小鹏's district, 60,000+ real population) that the information
hub (百宝箱, apps/registry/hub.py) works on, so that each of its methods finds something:

- 常住人口 and 流动人口: a few thousand persons living in the district's three communities,
  three to an address, some old people living alone (the sieve: 独居老人), from a dozen
  regions and several ethnic groups (the classification by domicile, ethnicity, community,
  age band);
- 旅馆业: two hotels of 渝州路 with a year of check-ins, mostly travellers (registered as
  persons without a residence), rising towards the latest months (the comparison of months);
- 高危人员 / 重点人口: focus-person records, some of them travellers who stayed in the
  hotels — four in the last week, so the collision "hotel guests × focus persons" finds them
  with its default dates — and some living with others (the association on the person page);
- three saved sieves of 田小鹏 (独居老人, young floating men, the focus persons).

Bulk-created from a fixed random seed; the dates hang on the day of seeding (the hotel
year ends yesterday), everything else is the same on every run. Seeded once: the first
hotel having stays is the marker. `seed_xietaizi_hub(scale=…)` makes the tests' small copy.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.idnumbers import FEMALE, MALE, make_id_number
from apps.registry.choices import (
    FocusLevel,
    HousingKind,
    PersonCategory,
    ResidenceRelation,
    UnitKind,
)
from apps.registry.models import (
    Address,
    FocusRecord,
    HotelStay,
    Housing,
    Person,
    Residence,
    SavedQuery,
    Unit,
)
from apps.stations.models import Community, PoliceDistrict

STATION = "500107-xietaizi"
DISTRICT = "歇台子警区"
OFFICER = "xietaizi_community"
BATCH = 1000
FAMILY_NAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹彭曾萧田董潘袁蒋蔡余杜叶程"
)
GIVEN_NAMES = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰建国志红文斌琴云飞鹏辉"
# (region of the ID number, weight, ethnicities that occur there): 九龙坡 and other districts
# of the city for the permanent residents, the provinces around for the floating population.
LOCAL = [("500107", 10, ["汉族"]), ("500108", 2, ["汉族"]), ("500112", 2, ["汉族"])]
AWAY = [
    ("510129", 4, ["汉族"]),  # 四川 大邑
    ("512021", 3, ["汉族"]),  # 四川 安岳
    ("522101", 2, ["汉族", "苗族"]),  # 贵州 遵义
    ("500240", 2, ["土家族", "汉族"]),  # 石柱 (a county of the city, 土家族)
    ("500243", 2, ["苗族", "土家族"]),  # 彭水
    ("431121", 2, ["汉族"]),  # 湖南 祁阳
    ("421083", 1, ["汉族"]),  # 湖北 洪湖
    ("411723", 1, ["汉族", "回族"]),  # 河南 平舆
    ("532128", 1, ["彝族", "汉族"]),  # 云南 镇雄
]
ROADS = {
    "歇台子社区": ["渝州路", "歇台子正街", "科园四路"],
    "石小路社区": ["石小路", "石杨路", "渝州路"],
    "渝州路社区": ["渝州路", "奥体路", "袁茄路"],
}
HOTELS = [("渝州路商务酒店", 48), ("石小路快捷宾馆", 22)]  # name, rooms
FOCUS_REASONS = [
    (FocusLevel.HIGH_RISK, "入室盗窃前科，刑满释放未满三年"),
    (FocusLevel.CONTROL, "吸毒人员，社区戒毒期间"),
    (FocusLevel.CONTROL, "涉电信网络诈骗重点人员"),
    (FocusLevel.WATCH, "精神障碍患者，有肇事肇祸风险"),
    (FocusLevel.WATCH, "多次寻衅滋事，需定期走访"),
]


@dataclass(frozen=True)
class Size:
    residents: int = 3000
    travellers: int = 500
    stays: int = 2400
    focus_residents: int = 24
    focus_travellers: int = 12

    def scaled(self, scale: int) -> "Size":
        return Size(*(max(n // scale, 4) for n in vars(self).values()))


def _name(rng) -> str:
    given = rng.choice(GIVEN_NAMES) + (rng.choice(GIVEN_NAMES) if rng.random() < 0.6 else "")
    return rng.choice(FAMILY_NAMES) + given


def _bulk(model, rows):
    return model.objects.bulk_create(rows, batch_size=BATCH)


@transaction.atomic
def seed_xietaizi_hub(*, scale: int = 1, today: date | None = None) -> int:
    """Create the district's records; returns the persons created (0 when they are there
    already, or the district, its communities or 田小鹏 are missing)."""
    district = (
        PoliceDistrict.objects.filter(station__code=STATION, name=DISTRICT)
        .select_related("station")
        .first()
    )
    officer = User.objects.filter(username=OFFICER).first()
    if district is None or officer is None:
        return 0
    station = district.station
    first_hotel = f"{station.name.removesuffix('派出所')}{HOTELS[0][0]}"
    if HotelStay.objects.filter(hotel__station=station, hotel__name=first_hotel).exists():
        return 0
    communities = list(Community.objects.filter(district=district).order_by("name"))
    if not communities:
        return 0
    size = Size().scaled(scale) if scale > 1 else Size()
    today = today or timezone.localdate()
    rng = random.Random(60000)
    taken = set(Person.objects.values_list("id_number", flat=True))

    def person(region_table, category, *, youngest=0, oldest=88) -> Person:
        region, _w, ethnicities = rng.choices(region_table, [r[1] for r in region_table])[0]
        gender = MALE if rng.random() < 0.51 else FEMALE
        while True:
            birth = today - timedelta(days=rng.randint(365 * youngest, 365 * oldest))
            number = make_id_number(
                region=region, birth_date=birth, sequence=rng.randint(0, 499), gender=gender
            )
            if number not in taken:
                taken.add(number)
                break
        return Person(
            station_id=station.pk,
            name=_name(rng),
            gender=gender,
            birth_date=birth,
            id_number=number,
            ethnicity=rng.choice(ethnicities) if rng.random() < 0.3 else ethnicities[0],
            phone=f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}",
            category=category,
        )

    # Residents: three to an address, a family of permanent residents or floating tenants
    # (38 %); every twentieth address one old person living alone.
    groups, count = [], 0
    while count < size.residents:
        if len(groups) % 20 == 19:
            group = [person(LOCAL, PersonCategory.PERMANENT, youngest=70)]
        else:
            floating = rng.random() < 0.38
            table, category = (
                (AWAY, PersonCategory.FLOATING) if floating else (LOCAL, PersonCategory.PERMANENT)
            )
            group = [person(table, category) for _ in range(3)]
        groups.append(group)
        count += len(group)
    residents = [p for group in groups for p in group]
    travellers = [
        person(AWAY + LOCAL, PersonCategory.FLOATING, youngest=18, oldest=65)
        for _ in range(size.travellers)
    ]
    _bulk(Person, residents + travellers)

    _homes(station, communities, groups, rng, today)
    hotels = _hotels(station, communities, officer)
    focus = _focus(station, officer, residents, travellers, rng, size, today)
    _stays(station, hotels, residents, travellers, focus, rng, size, today)
    _saved_queries(station, officer)
    return len(residents) + len(travellers)


def _homes(station, communities, groups, rng, today) -> None:
    """One address and its housing to a group, the group living there."""
    addresses = []
    for n, _group in enumerate(groups):
        community = communities[n % len(communities)]
        road = ROADS.get(community.name, ["渝州路"])[n % 3]
        fields = {
            "community": community,
            "road": road,
            "number": str(n // 60 + 1),
            "building": str(n // 12 % 5 + 1),
            "unit": str(n // 4 % 3 + 1),
            "room": f"{n % 4 + 1 + n // 36 % 20}0{n % 4 + 1}",
        }
        address = Address(
            station_id=station.pk,
            latitude=community.latitude,
            longitude=community.longitude,
            **fields,
        )
        address.text = address.compose_text()
        addresses.append(address)
    existing = set(Address.objects.filter(station=station).values_list("text", flat=True))
    fresh = [a for a in addresses if a.text not in existing]
    _bulk(Address, fresh)
    by_text = {
        a.text: a
        for a in Address.objects.filter(station=station, text__in=[a.text for a in addresses])
    }
    taken = set(
        Housing.objects.filter(address__in=by_text.values()).values_list("address_id", flat=True)
    )
    housing = []
    for address, group in zip(addresses, groups, strict=True):
        saved = by_text[address.text]
        if saved.pk in taken:
            continue
        rented = len(group) > 1 and group[0].category == "floating"
        housing.append(
            Housing(
                station_id=station.pk,
                address_id=saved.pk,
                kind=HousingKind.RENTAL_ROOM if rented else HousingKind.RESIDENTIAL,
                is_rented=rented,
                owner_id=None if rented else group[0].pk,
            )
        )
        taken.add(saved.pk)
    _bulk(Housing, housing)
    home_of = {h.address_id: h for h in Housing.objects.filter(address__in=by_text.values())}
    residences = []
    for address, group in zip(addresses, groups, strict=True):
        home = home_of[by_text[address.text].pk]
        since = today - timedelta(days=rng.randint(30, 365 * 12))
        for k, resident in enumerate(group):
            if home.is_rented:
                relation = ResidenceRelation.TENANT
            else:
                relation = ResidenceRelation.OWNER if k == 0 else ResidenceRelation.FAMILY
            residences.append(
                Residence(
                    station_id=station.pk,
                    person_id=resident.pk,
                    housing_id=home.pk,
                    relation=relation,
                    since=max(since, resident.birth_date),
                )
            )
    _bulk(Residence, residences)


def _hotels(station, communities, officer) -> list[Unit]:
    prefix = station.name.removesuffix("派出所")
    hotels = []
    for n, (name, rooms) in enumerate(HOTELS):
        community = communities[n % len(communities)]
        fields = {"community": community, "road": "渝州路", "number": str(200 + n)}
        address, _ = Address.objects.get_or_create(
            station=station,
            text=Address(**fields).compose_text(),
            defaults={**fields, "latitude": community.latitude, "longitude": community.longitude},
        )
        hotel, _ = Unit.objects.get_or_create(
            station=station,
            name=f"{prefix}{name}",
            defaults={
                "kind": UnitKind.HOTEL,
                "address": address,
                "staff_count": rooms // 3,
                "contact_name": officer.last_name + "经理",
                "contact_phone": f"023-6879{n:04d}",
            },
        )
        hotels.append(hotel)
    return hotels


def _focus(station, officer, residents, travellers, rng, size, today) -> list[Person]:
    """Focus persons: residents (some living with others) and travellers (外地高危人员)."""
    chosen = rng.sample(residents, size.focus_residents) + rng.sample(
        travellers, size.focus_travellers
    )
    have = set(FocusRecord.objects.filter(person__in=chosen).values_list("person_id", flat=True))
    records = []
    for n, person in enumerate(chosen):
        if person.pk in have:
            continue
        level, reason = FOCUS_REASONS[n % len(FOCUS_REASONS)]
        records.append(
            FocusRecord(
                station_id=station.pk,
                person_id=person.pk,
                reason=reason,
                level=level,
                responsible_officer_id=officer.pk,
                review_on=today + timedelta(days=30 + n * 7 % 150),
            )
        )
    _bulk(FocusRecord, records)
    return chosen


def _stays(station, hotels, residents, travellers, focus, rng, size, today) -> None:
    """A year of check-ins ending yesterday, a third more in the latest months than in the
    first; four focus travellers stayed last week, the others earlier in the year."""
    days = [today - timedelta(days=n) for n in range(365, 0, -1)]
    weights = [1 + 0.5 * i / len(days) for i in range(len(days))]
    guests = travellers * 4 + residents[:: max(len(residents) // 50, 1)]
    focus_travellers = [p for p in focus if p in set(travellers)]
    plan = [(rng.choices(days, weights)[0], rng.choice(guests)) for _ in range(size.stays)]
    for n, guest in enumerate(focus_travellers):
        plan.append((today - timedelta(days=1 + n % 6) if n < 4 else rng.choice(days[:330]), guest))
    stays = []
    for day, guest in plan:
        hotel = rng.choice(hotels)
        check_in = timezone.make_aware(
            datetime.combine(day, time(rng.randint(12, 23), rng.randint(0, 59)))
        )
        stays.append(
            HotelStay(
                station_id=station.pk,
                hotel_id=hotel.pk,
                person_id=guest.pk,
                room=f"{rng.randint(2, 9)}{rng.randint(1, 24):02d}",
                checked_in_at=check_in,
                checked_out_at=check_in + timedelta(hours=rng.randint(10, 60)),
            )
        )
    _bulk(HotelStay, stays)


SAVED_QUERIES = [
    ("独居老人（70岁以上）", "lives_alone=true&age_min=70"),
    ("18至35岁流动人口男性", "category=floating&gender=male&age_min=18&age_max=35"),
    ("重点人员", "is_focus=true"),
]


def _saved_queries(station, officer) -> None:
    for name, params in SAVED_QUERIES:
        SavedQuery.objects.get_or_create(
            owner=officer, name=name, defaults={"station": station, "params": params}
        )
