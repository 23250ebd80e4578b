"""Two years of incidents in 张坪警区 (石桥铺派出所), so that the statistics replay the seed's
"警务站运行以来，刑事案件发案同比下降25%，可防性案件下降28%" (重庆之声, 2020-12-28); idempotent,
deterministic, fast.

The year before the post (2019-11-01 … 2020-10-31) the calls of 张坪社区 and 玉清寺社区 were
answered from the station HQ, with a wave of burglaries in the late summer of 2020 (the
"飞天大盗" of the seed: many households robbed, nearly 100,000 yuan lost); the post's first
year (2020-11-01 … 2021-10-31) answered them from 张坪警务站, with its joint force patrolling.
The counts of each category are fixed below; the statistics count them (criminal_incidents,
preventable_incidents), nothing stores the percentages: the station's twelve months to
2021-10 read −25 % and −28 % against the twelve months before.

Only incidents: the calls of a crime end "referred" to the station's case team (no Case is
made, so the case statistics are not touched). The before-year's calls have no post (there
was none), so the change shows at the station (石桥铺派出所) and the bureau; the post's own
figures start with its first year.
"""

import random
import uuid
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.choices import Disposition, IncidentSource, IncidentStatus
from apps.cases.models import Incident, IncidentCategory
from apps.cases.selectors import dispatch_settings, travel_minutes
from apps.core.geo import haversine_km
from apps.stations.models import Community, Post
from devtools.demo.stats import FAMILY_NAMES, _bulk, _number, _Numbers

NAMESPACE = uuid.UUID("2c8e51a4-6f0b-4d3e-9a71-5b4c3d2e1f60")
STATION = "500107-shiqiaopu"
POST = "张坪警务站"
OFFICER = "shiqiaopu_community"
BEFORE = (date(2019, 11, 1), date(2020, 11, 1))  # [first, last): the year before the post
AFTER = (date(2020, 11, 1), date(2021, 11, 1))  # the post's first year
# The burglary wave of the year before: these months weigh five times as much.
WAVE_MONTHS = {(2020, 8), (2020, 9), (2020, 10)}
WAVE_CODES = {"0101"}

# minor category code → (calls in the year before, calls in the post's first year).
# Preventable (apps.cases.taxonomy_data.PREVENTABLE_CODES): 250 → 180, −28 %.
PREVENTABLE_CALLS = {
    "0101": (70, 30),  # 入室盗窃: the wave, then the patrols of the joint force
    "0102": (60, 40),  # 电动车盗窃
    "0103": (20, 20),  # 扒窃
    "0104": (30, 20),  # 车内财物盗窃
    "0302": (10, 10),  # 飞车抢夺
    "0401": (50, 50),  # 电信网络诈骗: "近年高发", held level by the prevention talks
    "0402": (10, 10),  # 接触式诈骗
}
# Other crimes: with the preventable ones 320 → 240, −25 %.
OTHER_CRIMINAL_CALLS = {
    "0202": (20, 20),  # 故意伤害
    "2501": (30, 20),  # 故意损毁财物
    "2502": (10, 10),  # 敲诈勒索
    "0801": (10, 10),  # 吸毒
}
# Everything else a community calls about, the same in both years.
OTHER_CALLS = {
    "1101": (60, 60),
    "1401": (40, 40),
    "1402": (40, 40),
    "0902": (60, 60),
    "1603": (40, 40),
    "1601": (30, 30),
    "4402": (30, 30),
    "1503": (20, 20),
    "2201": (30, 30),  # 骚扰电话: invalid
}
CALLS = {**PREVENTABLE_CALLS, **OTHER_CRIMINAL_CALLS, **OTHER_CALLS}
INVALID_CODES = {"2201"}
SOURCES = [
    (IncidentSource.CENTRE_110, 70),
    (IncidentSource.PHONE, 12),
    (IncidentSource.WALK_IN, 10),
    (IncidentSource.PATROL, 8),
]
ROADS = ["张坪路", "张坪村", "玉清寺路", "石杨路", "渝州路"]


def _key(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def calls(scale: int = 1) -> dict[str, tuple[int, int]]:
    """The counts of each category, divided by `scale` (the tests' small version: every
    count is a multiple of 10, so the changes stay the same)."""
    return {code: (before // scale, after // scale) for code, (before, after) in CALLS.items()}


def _moments(total: int, first: date, last: date, wave: bool, rng) -> list[datetime]:
    days = [first + timedelta(days=n) for n in range((last - first).days)]
    weights = [5 if wave and (d.year, d.month) in WAVE_MONTHS else 1 for d in days]
    chosen = rng.choices(days, weights=weights, k=total)
    return [
        timezone.make_aware(
            datetime.combine(day, time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)))
        )
        for day in chosen
    ]


@transaction.atomic
def seed_zhangping_years(*, scale: int = 1) -> int:
    """Create the two years; returns the incidents created (0 when they are there already
    or the organisation, the post's communities, the officer or the taxonomy are missing)."""
    post = Post.objects.filter(station__code=STATION, name=POST).select_related("station").first()
    officer = User.objects.filter(username=OFFICER).first()
    if post is None or officer is None:
        return 0
    if Incident.objects.filter(client_id=_key("incident-0")).exists():
        return 0
    station = post.station
    communities = list(Community.objects.filter(post=post).order_by("name"))
    categories = {
        c.code: c
        for c in IncidentCategory.objects.filter(bureau_id=station.bureau_id, code__in=CALLS)
    }
    if not communities or not categories:
        return 0
    rng = random.Random(20201228)
    settings = dispatch_settings(station.bureau_id)
    sources, source_weights = zip(*SOURCES, strict=True)
    planned = []
    for code, (before, after) in calls(scale).items():
        if code not in categories:
            continue
        wave = code in WAVE_CODES
        planned += [(at, code) for at in _moments(before, *BEFORE, wave, rng)]
        planned += [(at, code) for at in _moments(after, *AFTER, False, rng)]
    planned.sort()
    numbers = _Numbers(station, "JQ")
    incidents = []
    for n, (received, code) in enumerate(planned):
        category = categories[code]
        community = communities[rng.randrange(len(communities))]
        latitude = float(community.latitude) + rng.uniform(-0.004, 0.004)
        longitude = float(community.longitude) + rng.uniform(-0.004, 0.004)
        incident = Incident(
            station=station,
            number=_number(station, "JQ", received, numbers),
            source=rng.choices(sources, weights=source_weights)[0],
            category=category,
            priority=category.default_priority,
            caller_phone=f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}",
            caller_name=rng.choice(FAMILY_NAMES) + rng.choice(["先生", "女士"]),
            place_text=f"{community.name}{rng.choice(ROADS)}{rng.randint(1, 120)}号",
            latitude=round(latitude, 6),
            longitude=round(longitude, 6),
            community=community,
            received_at=received,
            received_by=officer,
            client_id=_key(f"incident-{n}"),
            status=IncidentStatus.CLOSED,
            checklist=[],
        )
        from_post = received.date() >= AFTER[0]
        _answer(incident, post if from_post else None, code, settings, rng)
        incidents.append(incident)
    _bulk(Incident, incidents)
    officers = Incident.officers.through
    _bulk(
        officers,
        [officers(incident_id=i.pk, user_id=officer.pk) for i in incidents if i.arrived_at],
    )
    numbers.save()
    return len(incidents)


def _answer(incident, post, code, settings, rng) -> None:
    """Answered from the post (its first year) or from the station HQ (the year before)."""
    station = incident.station
    received = incident.received_at
    incident.assigned_at = received + timedelta(seconds=rng.randint(40, 150))
    if code in INVALID_CODES:
        incident.post = post
        incident.disposition = Disposition.INVALID
        incident.closed_at = received + timedelta(minutes=rng.randint(4, 12))
        return
    spot = (float(incident.latitude), float(incident.longitude))
    from_hq = haversine_km(*spot, float(station.latitude), float(station.longitude))
    hq_minutes = travel_minutes(from_hq + rng.uniform(0.3, 1.0), station.area, settings)
    minutes = hq_minutes
    if post is not None:
        from_post = haversine_km(*spot, float(post.latitude), float(post.longitude))
        from_post += rng.uniform(0.2, 0.8)
        minutes = travel_minutes(from_post, post.area, settings)
        incident.post = post
        incident.suggested_post = post
        incident.distance_km = round(from_post, 2)
        incident.minutes_saved = round(hq_minutes - minutes, 1)
    incident.dispatched_at = incident.assigned_at + timedelta(seconds=rng.randint(20, 120))
    incident.en_route_at = incident.dispatched_at + timedelta(seconds=rng.randint(30, 150))
    incident.arrived_at = incident.en_route_at + timedelta(minutes=minutes * rng.uniform(0.8, 1.5))
    incident.handled_at = incident.arrived_at + timedelta(minutes=rng.randint(20, 90))
    incident.closed_at = incident.handled_at + timedelta(minutes=rng.randint(5, 40))
    if code in PREVENTABLE_CALLS or code in OTHER_CRIMINAL_CALLS:
        incident.disposition = Disposition.REFERRED
        incident.outcome = "现场勘查并登记报案，移交案件办理队侦办"
    else:
        incident.disposition = Disposition.SETTLED
        incident.outcome = "现场处置完毕，已向报警人反馈"
