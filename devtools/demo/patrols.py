"""The seeds' patrol scenes for 西彭: yesterday's dusk loudspeaker patrol to 泥璧村 and
宝华村 ("我们是西彭派出所民警……" — 牟婆婆's village), with its track, a broadcast before 21:00,
a hazard turned into an incident and 杨某's land quarrel by the driving-test site turned into
a dispute; an enterprise-protection visit to the aluminium works; the command room's camera
checks; a patrol under way now for the live map; and six weeks of routine patrols so that
last month's assessment has something to rank.

The station's vehicles: the seeds' four electric patrol cars (4辆电瓶巡逻车, each with its
loudspeaker), one at the station HQ and one at each post, and a police car at the HQ. The
car patrols above drive them; the patrol under way now has the park post's car out.

Idempotent (keyed on the dusk patrol's note) and independent of the time of day: every time
is relative to now or to yesterday's date.
"""

import uuid
from datetime import datetime, time, timedelta
from itertools import pairwise

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.models import IncidentCategory
from apps.patrols.assessment.services import assessment_compute
from apps.patrols.choices import (
    FindingKind,
    ParticipantKind,
    PatrolMode,
    VehicleKind,
    VideoPatrolKind,
)
from apps.patrols.findings.services import (
    finding_report,
    finding_to_dispute,
    finding_to_incident,
    video_patrol_log,
)
from apps.patrols.models import Patrol, Vehicle
from apps.patrols.services import (
    broadcast_log,
    patrol_create,
    patrol_finish,
    patrol_start,
    track_ingest,
)
from apps.registry.models import Unit
from apps.stations.models import Community, Post, Station

DUSK_NOTE = "傍晚有声巡逻：泥璧村、宝华村（种子故事）"
STEP = timedelta(seconds=10)
# A fixed namespace: the same demo point always gets the same client id.
NAMESPACE = uuid.UUID("6f1c1f4e-3d55-4c7e-9a57-0c5d2c1b7a10")


# (post, plate, kind, loudspeaker, note); post None: the station HQ.
VEHICLES = [
    (None, "渝A·3061警", VehicleKind.E_CAR, True, "值班领导带队夜巡用"),
    ("西彭园区警务站", "渝A·3062警", VehicleKind.E_CAR, True, "园区及周边村社穿插巡逻"),
    ("大石堡警务站", "渝A·3063警", VehicleKind.E_CAR, True, ""),
    ("城西家园警务站", "渝A·3064警", VehicleKind.E_CAR, True, ""),
    (None, "渝A·0571警", VehicleKind.POLICE_CAR, False, "110出警及农村道路巡逻"),
]
PARK_CAR, HQ_CAR, POLICE_CAR = "渝A·3062警", "渝A·3061警", "渝A·0571警"


def seed_vehicles(station) -> dict[str, Vehicle]:
    """西彭's vehicles by plate; those already there are kept as they are."""
    posts = {p.name: p for p in Post.objects.filter(station=station)}
    found = {v.plate: v for v in Vehicle.objects.filter(station=station)}
    for post, plate, kind, loudspeaker, note in VEHICLES:
        if plate not in found and (post is None or post in posts):
            found[plate] = Vehicle.objects.create(
                station=station,
                post=posts.get(post),
                plate=plate,
                kind=kind,
                has_loudspeaker=loudspeaker,
                note=note,
            )
    return found


def _local(day, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def _route(start: datetime, waypoints, minutes_per_leg: int, tag: str) -> list[dict]:
    """A point every 10 s along straight legs between waypoints (lat, lon)."""
    points, at = [], start
    steps = minutes_per_leg * 6
    for (lat1, lon1), (lat2, lon2) in pairwise(waypoints):
        for i in range(steps):
            share = i / steps
            points.append(
                {
                    "client_id": str(uuid.uuid5(NAMESPACE, f"{tag}:{len(points)}")),
                    "recorded_at": at,
                    "latitude": float(lat1) + (float(lat2) - float(lat1)) * share,
                    "longitude": float(lon1) + (float(lon2) - float(lon1)) * share,
                    "accuracy": 8.0,
                    "speed": 15.0,
                }
            )
            at += STEP
    return points


def _upload(patrol, by, points, tag: str) -> None:
    for n in range(0, len(points), 500):
        track_ingest(
            patrol=patrol,
            by=by,
            client_id=uuid.uuid5(NAMESPACE, f"{tag}:batch:{n}"),
            points=points[n : n + 500],
        )


def _walked(*, by, post, mode, start, waypoints, minutes_per_leg, tag, communities, **extra):
    """A patrol planned, started, tracked and finished at the given times."""
    patrol = patrol_create(
        by=by,
        post=post,
        mode=mode,
        planned_start=start,
        officers=[by],
        communities=communities,
        **extra,
    )
    patrol_start(patrol=patrol, by=by, now=start)
    points = _route(start, waypoints, minutes_per_leg, tag)
    end = start + STEP * len(points)
    patrol_finish(patrol=patrol, by=by, now=end)
    _upload(patrol, by, points, tag)  # sent after the finish, as a tablet back in range does
    return patrol


@transaction.atomic
def seed_patrols() -> int:
    """Returns the patrols created on this run (0 when the scenes are already there); all
    or nothing, so that a failed run is simply run again."""
    xipeng = Station.objects.filter(code="500107-xipeng").first()
    if xipeng is None:
        return 0
    cars = seed_vehicles(xipeng)
    if Patrol.objects.filter(station=xipeng, note=DUSK_NOTE).exists():
        return 0
    officer = User.objects.get(username="xipeng_community")
    desk = User.objects.get(username="xipeng_desk")
    park = Post.objects.get(station=xipeng, name="西彭园区警务站")
    villages = {c.name: c for c in Community.objects.filter(station=xipeng)}
    nibi, baohua = villages["泥璧村"], villages["宝华村"]
    here = (park.latitude, park.longitude)
    yesterday = timezone.localdate() - timedelta(days=1)
    created = 0

    # Six weeks of routine patrols: every third day a village loop from the park post.
    loops = [
        ("泥璧村", PatrolMode.FOOT),
        ("森林村", PatrolMode.E_CAR),
        ("迎新村", PatrolMode.NIGHT_VILLAGE),
        ("宝华村", PatrolMode.CAR),
    ]
    # The park post's electric car by day, the HQ's at night, the police car for car loops.
    driven = {
        PatrolMode.E_CAR: cars.get(PARK_CAR),
        PatrolMode.NIGHT_VILLAGE: cars.get(HQ_CAR),
        PatrolMode.CAR: cars.get(POLICE_CAR),
    }
    for n, days_ago in enumerate(range(45, 2, -3)):
        name, mode = loops[n % len(loops)]
        village = villages[name]
        clock = time(20, 30) if mode == PatrolMode.NIGHT_VILLAGE else time(9, 30)
        _walked(
            by=officer,
            post=park,
            vehicle=driven.get(mode),
            mode=mode,
            start=_local(timezone.localdate() - timedelta(days=days_ago), clock),
            waypoints=[here, (village.latitude, village.longitude), here],
            minutes_per_leg=20,
            tag=f"routine:{days_ago}",
            communities=[village],
        )
        created += 1

    # Yesterday at dusk: the loudspeaker patrol of the seeds, with two joint-force members.
    start = _local(yesterday, time(18, 40))
    dusk = patrol_create(
        by=officer,
        post=park,
        mode=PatrolMode.NIGHT_VILLAGE,
        planned_start=start,
        planned_end=_local(yesterday, time(21, 0)),
        officers=[officer],
        communities=[nibi, baohua],
        route="园区警务站 → 泥璧村 → 宝华村 → 园区警务站",
        loudspeaker=True,
        vehicle=cars.get(PARK_CAR),
        note=DUSK_NOTE,
        participants=[
            {"kind": ParticipantKind.GRID_WORKER, "name": "王网格", "phone": "13983460711"},
            {"kind": ParticipantKind.SECURITY_GUARD, "name": "陈保安", "phone": "13983460712"},
        ],
    )
    patrol_start(patrol=dusk, by=officer, now=start)
    waypoints = [here, (nibi.latitude, nibi.longitude), (baohua.latitude, baohua.longitude), here]
    points = _route(start, waypoints, 40, "dusk")
    patrol_finish(patrol=dusk, by=officer, now=start + STEP * len(points))
    _upload(dusk, officer, points, "dusk")
    broadcast_at = _local(yesterday, time(19, 5))
    broadcast_log(  # replayed as it was logged: on yesterday's clock, before the quiet hours
        patrol=dusk,
        by=officer,
        message="我们是西彭派出所民警，请关好门窗、看好家禽，发现可疑情况请拨打110。",
        at=broadcast_at,
        now=broadcast_at,
        place="泥璧村村道",
        latitude=float(nibi.latitude),
        longitude=float(nibi.longitude),
        client_id=uuid.uuid5(NAMESPACE, "dusk:broadcast"),
    )
    hazard, _ = finding_report(
        by=officer,
        patrol=dusk,
        kind=FindingKind.HAZARD,
        description="泥璧村村道旁电线杆倾斜，电线低垂至路面约2米，夜间行人有触碰危险。",
        found_at=_local(yesterday, time(19, 20)),
        place="泥璧村村道3组路口",
        latitude=float(nibi.latitude) + 0.0012,
        longitude=float(nibi.longitude) - 0.0008,
        community=nibi,
        client_id=uuid.uuid5(NAMESPACE, "dusk:hazard"),
    )
    category = IncidentCategory.objects.filter(bureau=xipeng.bureau, code="4002").first()
    finding_to_incident(finding=hazard, by=officer, category=category)
    quarrel, _ = finding_report(
        by=officer,
        patrol=dusk,
        kind=FindingKind.DISPUTE_SIGN,
        description="宝华村科目二考场旁，杨某夫妇与施工方因围墙占地争吵，情绪激动。",
        found_at=_local(yesterday, time(20, 5)),
        place="宝华村科目二考场东侧",
        latitude=float(baohua.latitude) + 0.0009,
        longitude=float(baohua.longitude) + 0.0011,
        community=baohua,
        client_id=uuid.uuid5(NAMESPACE, "dusk:quarrel"),
    )
    finding_to_dispute(finding=quarrel, by=officer, category="property")
    created += 1

    # Last week: an enterprise-protection patrol visits the aluminium works.
    works = Unit.objects.filter(station=xipeng, name__contains="西南铝").first()
    if works is not None:
        visit_day = timezone.localdate() - timedelta(days=6)
        guard = _walked(
            by=officer,
            post=park,
            mode=PatrolMode.ENTERPRISE,
            vehicle=cars.get(PARK_CAR),
            start=_local(visit_day, time(14, 0)),
            waypoints=[here, (float(park.latitude) + 0.004, float(park.longitude) + 0.003), here],
            minutes_per_leg=15,
            tag="enterprise",
            communities=[],
        )
        finding_report(
            by=officer,
            patrol=guard,
            kind=FindingKind.ENTERPRISE_TROUBLE,
            description="厂区西侧围墙有一处缺口，夜间有外来人员进出，已告知保卫科当日修补。",
            found_at=_local(visit_day, time(14, 20)),
            place=works.name,
            unit=works,
            client_id=uuid.uuid5(NAMESPACE, "enterprise:gap"),
        )
        created += 1

    # The command room's camera checks this morning (one of them raises a finding).
    today = timezone.localdate()
    for clock, camera, seen, kind in [
        (time(8, 0), "园区大道与铝城大道路口", "早高峰车流正常，无违停。", None),
        (time(8, 30), "西彭农贸市场东门", "市场门口两摊贩占道经营，堵塞消防通道。", "hazard"),
        (time(9, 0), "泥璧村村委会", "村委会门口无异常。", None),
    ]:
        at = min(_local(today, clock), timezone.now() - timedelta(minutes=5))
        video_patrol_log(
            by=desk,
            kind=VideoPatrolKind.MOUSE,
            camera=camera,
            checked_at=at,
            observation=seen,
            finding_kind=kind,
            finding_description=seen if kind else "",
        )

    # A patrol under way now, for the live map: out from the park post for half an hour.
    now = timezone.now().replace(microsecond=0)
    live = patrol_create(
        by=officer,
        post=park,
        mode=PatrolMode.E_CAR,
        vehicle=cars.get(PARK_CAR),
        planned_start=now - timedelta(minutes=30),
        officers=[officer],
        communities=[villages["森林村"]],
    )
    patrol_start(patrol=live, by=officer, now=now - timedelta(minutes=30))
    forest = villages["森林村"]
    _upload(
        live,
        officer,
        _route(
            now - timedelta(minutes=30), [here, (forest.latitude, forest.longitude)], 29, "live"
        ),
        "live",
    )
    created += 1

    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    assessment_compute(bureau=xipeng.bureau, month=last_month)
    return created
