"""The first year of 西彭园区警务站 in records, so that the statistics can replay "the park
post's first year in numbers"; idempotent, deterministic, fast.

The seeds: the post went into trial operation in November 2020 (opened_on 2020-11-01 in the
organisation data) and was formally inaugurated on 11 May 2021 after half a year, with
"nearly 500 consultations, 2100+ residents registered, 384 residence permits" (人民网,
2021-05-11); after more than a year (重庆之声, 2021-12-28) "1000+ consultations, 4400+
residents registered, 833 permits". So the first half-year is 2020-11-01 … 2021-04-30 and
the first year 2020-11-01 … 2021-10-31, local time.

What a registered resident is, in records: one residence registration at the window — a
ServiceLog of kind `residence_registration` at the post, an approved registration
PermitApplication with its ResidenceCertificate issued that day, and the person in the
registry with a Residence (since that day) in one of the post's villages. Whichever of these
the statistics count, the numbers agree. A residence permit (暂住证/居住证) is a ServiceLog of
kind `residence_permit`, an approved permit PermitApplication and its ResidencePermit issued
that day. A permit needs a registration six months old: the permits of the first half-year
went to workers registered at the station before the post opened (2019-11 … 2020-04, no
post), those of the second half to the post's own registrants of the first months.

Also: the other services of the window, the incidents answered from the post with their
times (received → dispatched → on the way → arrived) and the minutes saved against the
station HQ (the dispatch desk's own formula), a few disputes and the enterprise-protection
patrols. Everything is bulk-created from a fixed random seed; nothing depends on today's
date or the time of day. The marker is the first service log's client id.

The night patrols drive the park post's electric patrol car (its loudspeaker).

`seed_statistics` then fills the statistics store as the nightly job would have, had it run
every night since the demo's first record.
"""

import random
import uuid
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.choices import Disposition, IncidentSource, IncidentStatus
from apps.cases.models import Incident, IncidentCategory
from apps.cases.selectors import dispatch_settings, travel_minutes
from apps.core.geo import haversine_km
from apps.core.idnumbers import FEMALE, MALE, make_id_number, parse_id_number
from apps.core.models import NumberSequence
from apps.mediation.choices import DisputeCategory, DisputeSource, DisputeStatus, Outcome
from apps.mediation.models import Dispute
from apps.patrols.choices import PatrolMode, PatrolStatus, VehicleKind
from apps.patrols.models import Patrol, Vehicle
from apps.permits.choices import ApplicationKind, ApplicationStatus, Basis
from apps.permits.household import is_local
from apps.permits.models import (
    PermitApplication,
    ResidenceCertificate,
    ResidencePermit,
)
from apps.permits.services import issuing_organ
from apps.registry.choices import HousingKind, PersonCategory, ResidenceRelation
from apps.registry.models import Address, Housing, Person, Residence
from apps.stations.choices import ServiceKind
from apps.stations.models import Bureau, Community, Post, ServiceLog
from apps.stations.numbers import record_number
from apps.stats import compute, services
from apps.stats.models import StatsRun

NAMESPACE = uuid.UUID("9b1f3c2e-7d4a-4c8e-b5a6-0e2d4f6a8c17")
PARK = "西彭园区警务站"
STATION = "500107-xipeng"
YEAR_START = date(2020, 11, 1)
HALF_END = date(2021, 5, 1)  # exclusive: the first half-year is November … April
YEAR_END = date(2021, 11, 1)  # exclusive
BATCH = 1000

# (first half-year, second half-year): the seed figures, "近500 / 1000余", "2100余 / 4400余",
# "384 / 833". The half-years add up to the year.
CONSULTATIONS = (488, 1046 - 488)
REGISTRATIONS = (2137, 4452 - 2137)
PERMITS = (384, 833 - 384)
# The window's other services over the year (a lost driving licence replaced, as in the seed).
OTHER_SERVICES = {
    ServiceKind.LOST_DRIVING_LICENCE: 96,
    ServiceKind.HOUSEHOLD: 214,
    ServiceKind.CERTIFICATE: 173,
    ServiceKind.LOST_AND_FOUND: 58,
    ServiceKind.OTHER: 121,
}
# Incidents answered from the post: minor category code → weight (an industrial park with
# villages around it: wage disputes, electric bikes, scrapes, neighbours, fraud calls).
CATEGORIES = {
    "0102": 8,
    "0104": 3,
    "0201": 5,
    "0401": 6,
    "4402": 5,
    "0504": 3,
    "0901": 2,
    "0902": 10,
    "1001": 3,
    "1101": 10,
    "1201": 3,
    "1301": 8,
    "1304": 3,
    "1503": 3,
    "1601": 4,
    "1603": 6,
    "2001": 2,
    "2201": 5,
}
INVALID_CODES = {"2201"}
# Fights among the park's workers: the one fight in 迎新村 is the seed's story (demo/cases.py).
PARK_ONLY = {"0201"}
DISPUTE_CODES = {"1101": DisputeCategory.NEIGHBOUR, "1301": DisputeCategory.LABOUR}
SOURCES = [
    (IncidentSource.CENTRE_110, 62),
    (IncidentSource.PHONE, 14),
    (IncidentSource.WALK_IN, 14),
    (IncidentSource.PATROL, 7),
    (IncidentSource.ONLINE, 3),
]
FAMILY_NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹彭曾田董潘袁蒋蔡余杜"
GIVEN_NAMES = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰建国志红文斌琴云飞鹏辉"
# Where the park's workers come from (region codes of their ID numbers; none of the regions
# the other demos use, so no number can collide with theirs).
REGIONS = ["510921", "511623", "500236", "522426", "430522", "500241", "411527", "513030"]
# Those from outside Chongqing: only they may hold a permit here (居住证暂行条例 第二条), so the
# registrations before the post opened, whose holders came for their permits, are theirs.
AWAY_REGIONS = [region for region in REGIONS if not region.startswith("50")]
EMPLOYERS = ["西南铝业配套厂", "园区物流公司", "铝材加工厂", "汽配制造公司", "园区食堂"]
ROUTES = {
    PatrolMode.ENTERPRISE: "园区铝城大道—企业密集区",
    PatrolMode.NIGHT_VILLAGE: "迎新村—泥璧村—森林村",
}
DORMITORIES = 60
# Registered at the station before the post opened, more than the first half-year's permits:
# the post's own registrants become eligible only from May 2021.
EARLIER_EXTRA = 60  # worker dormitory rooms and rented rooms in the post's villages


def _key(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days)]


def _at(day: date, rng: random.Random, first=(8, 30), last=(17, 30)) -> datetime:
    """A moment on `day` between the window's opening hours, local time."""
    start = first[0] * 60 + first[1]
    minutes = rng.randint(start, last[0] * 60 + last[1] - 1)
    moment = datetime.combine(day, time(minutes // 60, minutes % 60, rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _spread(total: int, first: date, last: date, rng: random.Random) -> list[datetime]:
    """`total` moments over the days [first, last), weekdays three times busier, sorted."""
    days = _days(first, last)
    weights = [1 if day.weekday() >= 5 else 3 for day in days]
    return sorted(_at(day, rng) for day in rng.choices(days, weights=weights, k=total))


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_NAMES) + (rng.choice(GIVEN_NAMES) if rng.random() < 0.6 else "")
    return rng.choice(FAMILY_NAMES) + given


def _bulk(model, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


class _Numbers:
    """Document and record numbers in the apps' own formats, taken from their sequence
    (core.NumberSequence, moved past them at the end), so later numbers never repeat these."""

    def __init__(self, station, series: str):
        self.station, self.series = station, series
        self.last: dict[int, int] = {}

    def next(self, year: int) -> int:
        if year not in self.last:
            found = NumberSequence.objects.filter(
                station=self.station, series=self.series, year=year
            ).aggregate(last=Max("last"))["last"]
            self.last[year] = found or 0
        self.last[year] += 1
        return self.last[year]

    def save(self) -> None:
        for year, last in self.last.items():
            NumberSequence.objects.update_or_create(
                station=self.station, series=self.series, year=year, defaults={"last": last}
            )


@transaction.atomic
def seed_park_year() -> int:
    """Create the park post's first year; returns the service log entries created (0 when
    it is there already or the organisation, its villages or the users are missing)."""
    park = Post.objects.filter(station__code=STATION, name=PARK).select_related("station").first()
    officer = User.objects.filter(username="xipeng_community").first()
    desk = User.objects.filter(username="xipeng_desk").first()
    if park is None or officer is None or desk is None:
        return 0
    if ServiceLog.objects.filter(client_id=_key("service-0")).exists():
        return 0
    villages = list(Community.objects.filter(post=park).order_by("name"))
    if not villages:
        return 0
    rng = random.Random(20201101)
    logs = _service_logs(park, officer, rng)
    registrations = _registrations(park, officer, villages, rng)
    logs += _permits(park, officer, registrations, rng)
    logs += _registration_logs(park, officer, registrations)
    _bulk(ServiceLog, sorted(logs, key=lambda log: log.occurred_at))
    incidents = _incidents(park, desk, officer, villages, rng)
    _disputes(park, desk, incidents, rng)
    _patrols(park, officer, villages, rng)
    return len(logs)


def _service_logs(park, officer, rng) -> list[ServiceLog]:
    moments = []
    for kind, halves in [(ServiceKind.CONSULTATION, CONSULTATIONS)]:
        moments += [(kind, at) for at in _spread(halves[0], YEAR_START, HALF_END, rng)]
        moments += [(kind, at) for at in _spread(halves[1], HALF_END, YEAR_END, rng)]
    for kind, total in OTHER_SERVICES.items():
        moments += [(kind, at) for at in _spread(total, YEAR_START, YEAR_END, rng)]
    moments.sort(key=lambda item: item[1])
    return [
        ServiceLog(
            station_id=park.station_id,
            post_id=park.pk,
            kind=kind,
            occurred_at=at,
            recorded_by_id=officer.pk,
            client_id=_key(f"service-{n}"),
        )
        for n, (kind, at) in enumerate(moments)
    ]


def _registrations(park, officer, villages, rng) -> list[PermitApplication]:
    """The registrations: the post's in its first year, and the station's of the half-year
    before the post opened whose holders came to the post for their permits."""
    station = park.station
    rooms = _dormitories(station, villages)
    taken = set(Person.objects.values_list("id_number", flat=True))
    before = _spread(
        PERMITS[0] + EARLIER_EXTRA,
        YEAR_START - relativedelta(months=13),
        YEAR_START - relativedelta(months=7),
        rng,
    )
    at_post = _spread(REGISTRATIONS[0], YEAR_START, HALF_END, rng) + _spread(
        REGISTRATIONS[1], HALF_END, YEAR_END, rng
    )
    persons, plans = [], []
    for n, (at, post) in enumerate([(at, None) for at in before] + [(at, park) for at in at_post]):
        gender = MALE if rng.random() < 0.62 else FEMALE
        while True:
            birth = date(1966, 1, 1) + timedelta(days=rng.randint(0, 365 * 36))
            number = make_id_number(
                region=rng.choice(AWAY_REGIONS if post is None else REGIONS), birth_date=birth,
                sequence=rng.randint(0, 499), gender=gender,
            )  # fmt: skip
            if number not in taken:
                taken.add(number)
                break
        persons.append(
            Person(
                station_id=station.pk,
                name=_name(rng),
                gender=gender,
                birth_date=birth,
                id_number=number,
                phone=f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}",
                category=PersonCategory.FLOATING,
            )
        )
        basis = Basis.EMPLOYMENT if rng.random() < 0.85 else Basis.HOUSING
        detail = rng.choice(EMPLOYERS) if basis == Basis.EMPLOYMENT else ""
        plans.append((at, post, rooms[n % len(rooms)], basis, detail, rng.randint(10, 40)))
    # Ids from the database (both backends return them), then the rows that point to them:
    # plain ids rather than objects, which halves the cost of building the rows.
    _bulk(Person, persons)
    residences, applications = [], []
    for person, (at, post, room, basis, detail, minutes) in zip(persons, plans, strict=True):
        residences.append(
            Residence(
                station_id=station.pk,
                person_id=person.pk,
                housing_id=room.pk,
                relation=ResidenceRelation.TENANT,
                since=timezone.localdate(at),
            )
        )
        applications.append(
            PermitApplication(
                station_id=station.pk,
                post_id=post and post.pk,
                community_id=room.address.community_id,
                kind=ApplicationKind.REGISTRATION,
                person_id=person.pk,
                name=person.name,
                id_number=person.id_number,
                household_region=person.id_number[:6],
                phone=person.phone,
                address_id=room.address_id,
                address_text=room.address.text,
                basis=basis,
                basis_detail=detail,
                status=ApplicationStatus.APPROVED,
                submitted_at=at - timedelta(minutes=minutes),
                decided_at=at,
                decided_by_id=officer.pk,
                created_by_id=officer.pk,
            )
        )
    _bulk(Residence, residences)
    _bulk(PermitApplication, applications)
    numbers = _Numbers(station, "PZ")
    _bulk(
        ResidenceCertificate,
        [
            ResidenceCertificate(
                application_id=application.pk,
                station_id=station.pk,
                post_id=application.post_id,
                person_id=application.person_id,
                number=_number(station, "PZ", application.decided_at, numbers),
                name=application.name,
                id_number=application.id_number,
                address_text=application.address_text,
                issued_at=application.decided_at,
            )
            for application in applications
        ],
    )
    numbers.save()
    return applications


def _number(station, series: str, at: datetime, numbers: _Numbers) -> str:
    year = timezone.localtime(at).year
    return record_number(station, series, year, numbers.next(year))


def _dormitories(station, villages) -> list[Housing]:
    """Rented rooms and worker dormitories in the post's villages (keyed on the address)."""
    rooms = []
    for n in range(DORMITORIES):
        village = villages[n % len(villages)]
        fields = {
            "community": village,
            "road": f"{n % 6 + 1}组",
            "number": str(100 + n),
            "building": str(n % 4 + 1),
            "room": f"{n % 5 + 1}0{n % 4 + 1}",
        }
        address, _ = Address.objects.get_or_create(
            station=station,
            text=Address(**fields).compose_text(),
            defaults={**fields, "latitude": village.latitude, "longitude": village.longitude},
        )
        room, _ = Housing.objects.get_or_create(
            address=address,
            defaults={"station": station, "is_rented": True, "kind": HousingKind.RENTAL_ROOM},
        )
        room.address = address  # cached: every registration reads it
        rooms.append(room)
    return rooms


def _permits(park, officer, registrations, rng) -> list[ServiceLog]:
    """The permits issued at the post, each to a holder registered six months before."""
    station = park.station
    # Oldest registration first: the station's before the post opened, then the post's own;
    # a household of this city has none (第二条).
    away = [r for r in registrations if not is_local(r.id_number[:6], station)]
    waiting = sorted(away, key=lambda r: (r.post_id is not None, r.decided_at))
    organ = issuing_organ(station)
    moments = _spread(PERMITS[0], YEAR_START, HALF_END, rng) + _spread(
        PERMITS[1], HALF_END, YEAR_END, rng
    )
    numbers = _Numbers(station, "JZ")
    applications, permits, logs = [], [], []
    for n, (at, registration) in enumerate(zip(moments, waiting, strict=False)):
        if registration.decided_at > at - relativedelta(months=6):
            raise ValueError(f"Demo permit {n} would be issued before its holder is eligible.")
        application = PermitApplication(
            station_id=station.pk,
            post_id=park.pk,
            community_id=registration.community_id,
            kind=ApplicationKind.PERMIT,
            person_id=registration.person_id,
            registration_id=registration.pk,
            name=registration.name,
            id_number=registration.id_number,
            household_region=registration.id_number[:6],
            phone=registration.phone,
            address_id=registration.address_id,
            address_text=registration.address_text,
            basis=registration.basis,
            basis_detail=registration.basis_detail,
            status=ApplicationStatus.APPROVED,
            submitted_at=at - timedelta(days=rng.randint(1, 6)),
            decided_at=at,
            decided_by_id=officer.pk,
            created_by_id=officer.pk,
        )
        applications.append(application)
        valid_from = timezone.localdate(at)
        permits.append(
            ResidencePermit(
                station_id=station.pk,
                post_id=park.pk,
                person_id=registration.person_id,
                number=_number(station, "JZ", at, numbers),
                name=registration.name,
                id_number=registration.id_number,
                address_text=registration.address_text,
                gender=parse_id_number(registration.id_number).gender,
                birth_date=parse_id_number(registration.id_number).birth_date,
                ethnicity="汉族",
                issuing_organ=organ,
                issued_at=at,
                valid_from=valid_from,
                valid_until=valid_from + relativedelta(years=1),
            )
        )
        logs.append(
            ServiceLog(
                station_id=station.pk,
                post_id=park.pk,
                kind=ServiceKind.RESIDENCE_PERMIT,
                occurred_at=at,
                recorded_by_id=officer.pk,
                client_id=_key(f"permit-{n}"),
            )
        )
    _bulk(PermitApplication, applications)
    for permit, application in zip(permits, applications, strict=True):
        permit.application_id = application.pk
    _bulk(ResidencePermit, permits)
    numbers.save()
    return logs


def _registration_logs(park, officer, registrations) -> list[ServiceLog]:
    return [
        ServiceLog(
            station_id=park.station_id,
            post_id=registration.post_id,
            kind=ServiceKind.RESIDENCE_REGISTRATION,
            occurred_at=registration.decided_at,
            recorded_by_id=officer.pk,
            client_id=_key(f"registration-{n}"),
        )
        for n, registration in enumerate(registrations)
    ]


def _incidents(park, desk, officer, villages, rng) -> list[Incident]:
    """Incidents answered from the post, one to six a day, at any hour."""
    station = park.station
    bureau_categories = {
        c.code: c
        for c in IncidentCategory.objects.filter(bureau_id=station.bureau_id, code__in=CATEGORIES)
    }
    codes = [code for code in CATEGORIES if code in bureau_categories]
    if not codes:
        return []
    weights = [CATEGORIES[code] for code in codes]
    settings = dispatch_settings(station.bureau_id)
    # The park itself (no village), then its villages: where the calls come from.
    places = [(None, "西彭工业园区铝城大道", park.latitude, park.longitude, 4)] + [
        (v, f"{v.name}{rng.randint(1, 6)}组", v.latitude, v.longitude, 2) for v in villages
    ]
    place_weights = [place[4] for place in places]
    numbers = _Numbers(station, "JQ")
    sources, source_weights = zip(*SOURCES, strict=True)
    callers = [f"139{rng.randint(10**7, 10**8 - 1)}" for _ in range(12)]  # who call often
    incidents = []
    for day in _days(YEAR_START, YEAR_END):
        for _ in range(rng.randint(1, 6)):
            received = _at(day, rng, first=(0, 0), last=(23, 59))
            code = rng.choices(codes, weights=weights)[0]
            place = rng.choices(places, weights=place_weights)[0]
            if code in PARK_ONLY:
                place = places[0]
            community, place, latitude, longitude, _ = place
            repeat = rng.random() < 0.05
            incident = Incident(
                station=station,
                number=_number(station, "JQ", received, numbers),
                source=rng.choices(sources, weights=source_weights)[0],
                category=bureau_categories[code],
                priority=bureau_categories[code].default_priority,
                caller_phone=rng.choice(callers)
                if repeat
                else f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}",
                caller_name=rng.choice(FAMILY_NAMES) + rng.choice(["先生", "女士"]),
                place_text=place,
                latitude=latitude,
                longitude=longitude,
                community=community,
                received_at=received,
                received_by=desk,
                caller_recent_calls=rng.randint(3, 6) if repeat else 1,
                is_repeat_caller=repeat,
                client_id=_key(f"incident-{len(incidents)}"),
                status=IncidentStatus.CLOSED,
            )
            if code in INVALID_CODES:
                # Assigned to the post of the area, called back and closed: nobody goes out.
                incident.post = park
                incident.assigned_at = received + timedelta(seconds=rng.randint(40, 150))
                incident.disposition = Disposition.INVALID
                incident.closed_at = received + timedelta(minutes=rng.randint(4, 12))
            else:
                _handled(incident, park, officer, settings, rng)
            incidents.append(incident)
    _bulk(Incident, incidents)
    officers = Incident.officers.through
    _bulk(
        officers,
        [
            officers(incident_id=incident.pk, user_id=officer.pk)
            for incident in incidents
            if incident.arrived_at
        ],
    )
    numbers.save()
    return incidents


def _handled(incident, park, officer, settings, rng) -> None:
    """Dispatched from the post: its travel against the station HQ's is the time saved."""
    station = park.station
    from_post = haversine_km(incident.latitude, incident.longitude, park.latitude, park.longitude)
    # The call comes from somewhere in the village or the park, not from its centre.
    from_post += rng.uniform(0.3, 1.2)
    from_hq = haversine_km(
        incident.latitude, incident.longitude, station.latitude, station.longitude
    )
    post_minutes = travel_minutes(from_post, park.area, settings)
    hq_minutes = travel_minutes(from_hq + rng.uniform(0.3, 1.2), station.area, settings)
    received = incident.received_at
    incident.assigned_at = received + timedelta(seconds=rng.randint(40, 150))
    incident.dispatched_at = incident.assigned_at + timedelta(seconds=rng.randint(20, 120))
    incident.en_route_at = incident.dispatched_at + timedelta(seconds=rng.randint(30, 180))
    # Actual driving varies around the estimate: traffic, finding the house.
    driving = post_minutes * rng.uniform(0.8, 1.5)
    incident.arrived_at = incident.en_route_at + timedelta(minutes=driving)
    incident.handled_at = incident.arrived_at + timedelta(minutes=rng.randint(15, 90))
    incident.closed_at = incident.handled_at + timedelta(minutes=rng.randint(5, 40))
    incident.post = park
    incident.suggested_post = park
    incident.distance_km = round(from_post, 2)
    incident.minutes_saved = round(hq_minutes - post_minutes, 1)
    incident.checklist = []
    if incident.category.code in DISPUTE_CODES and rng.random() < 0.3:
        incident.disposition = Disposition.MEDIATION
        incident.outcome = "当事人同意调解，移交人民调解员"
    else:
        incident.disposition = rng.choices(
            [Disposition.SETTLED, Disposition.REFERRED], weights=[9, 1]
        )[0]
        incident.outcome = "现场处置完毕，已向报警人反馈"


def _disputes(park, desk, incidents, rng) -> None:
    """The incidents diverted to mediation become disputes; most end in an agreement."""
    station = park.station
    numbers = _Numbers(station, "TJ")
    disputes = []
    for incident in incidents:
        if incident.disposition != Disposition.MEDIATION:
            continue
        received = incident.closed_at
        concluded = received + timedelta(days=rng.randint(3, 20))
        agreed = rng.random() < 0.85
        disputes.append(
            Dispute(
                station=station,
                number=_number(station, "TJ", received, numbers),
                source=DisputeSource.INCIDENT,
                category=DISPUTE_CODES[incident.category.code],
                description="劳资双方就拖欠工资发生争执。"
                if incident.category.code == "1301"
                else "邻里因占道、噪声等琐事发生争执。",
                place_text=incident.place_text,
                community=incident.community,
                post=park,
                incident=incident,
                status=DisputeStatus.CLOSED,
                received_at=received,
                assess_by=received + timedelta(hours=48),
                assessed_at=received + timedelta(hours=rng.randint(2, 30)),
                outcome=Outcome.AGREEMENT if agreed else Outcome.FAILED,
                concluded_at=concluded,
                outcome_note="双方达成调解协议并履行" if agreed else "调解不成，告知诉讼途径",
                closed_at=concluded + timedelta(days=rng.randint(1, 10)),
                created_by=desk,
            )
        )
    _bulk(Dispute, disputes)
    numbers.save()


def _patrols(park, officer, villages, rng) -> None:
    """The enterprise-protection patrol through the park twice a week, and a night patrol
    through the villages on Fridays."""
    patrols = []
    # The night patrols drive the park post's electric car with its loudspeaker (seeded by
    # devtools.demo.patrols; none when it is missing).
    car = Vehicle.objects.filter(station=park.station, post=park, kind=VehicleKind.E_CAR).first()
    for day in _days(YEAR_START, YEAR_END):
        if day.weekday() in (1, 4):
            start = timezone.make_aware(datetime.combine(day, time(9, 30)))
            mode, length = PatrolMode.ENTERPRISE, rng.randint(90, 150)
        elif day.weekday() == 5:
            start = timezone.make_aware(datetime.combine(day, time(20, 30)))
            mode, length = PatrolMode.NIGHT_VILLAGE, rng.randint(100, 160)
        else:
            continue
        started = start + timedelta(minutes=rng.randint(0, 15))
        patrols.append(
            Patrol(
                station=park.station,
                post=park,
                mode=mode,
                status=PatrolStatus.FINISHED,
                route=ROUTES[mode],
                planned_start=start,
                planned_end=start + timedelta(hours=2),
                started_at=started,
                ended_at=started + timedelta(minutes=length),
                loudspeaker=mode == PatrolMode.NIGHT_VILLAGE,
                vehicle=car if mode == PatrolMode.NIGHT_VILLAGE else None,
                created_by=officer,
                distance_m=length * rng.randint(60, 90),
            )
        )
    _bulk(Patrol, patrols)
    officers = Patrol.officers.through
    covered = Patrol.covered.through
    _bulk(officers, [officers(patrol_id=p.pk, user_id=officer.pk) for p in patrols])
    _bulk(
        covered,
        [
            covered(patrol_id=p.pk, community_id=v.pk)
            for p in patrols
            if p.mode == PatrolMode.NIGHT_VILLAGE
            for v in villages
        ],
    )


def seed_statistics(*, now: datetime | None = None) -> int:
    """The statistics store as the nightly job leaves it when it has run every night: each
    bureau's days with records, up to yesterday, computed, then the nightly run itself, so
    that /stats/ shows the demo on first opening (the park post's year and the recent
    weeks) and the next night's run starts from this one's watermark. A bureau the nightly
    job has already run for is left to it (idempotent). Returns the days computed."""
    now = now or timezone.now()
    last = compute.yesterday(now)
    total = 0
    for bureau in Bureau.objects.order_by("pk"):
        done = StatsRun.objects.filter(
            bureau=bureau, incremental=True, status=StatsRun.Status.DONE
        ).exists()
        if done:
            continue
        days = {day for day in compute.record_days(bureau) if day <= last}
        # One transaction rather than one a day: a demo loads whole or not at all, and
        # SQLite writes hundreds of days' commits to disk one by one otherwise.
        with transaction.atomic():
            total += compute.compute_days(bureau, days)[0]
            services.nightly_bureau(bureau=bureau, now=now)
    return total
