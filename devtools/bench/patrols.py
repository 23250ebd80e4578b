"""Benchmark data and scenarios of patrol tracks (see devtools.benchmark): finished
patrols of 2,000 GPS points each (a three-hour walk, one fix every 5 s) up to the scale's
track points (10M at full), and the tablet's uploads: a 500-point batch through the API
(target: p95 ≤ 100 ms) and sustained ingestion through the service (≥ 5,000 points/s).

Uploads go round-robin to a pool of patrols under way, reset at each run, so that each
gets a few batches like a real tablet and the track a batch extends stays patrol-sized."""

import random
import uuid
from datetime import datetime, timedelta
from math import cos, radians, sin

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.patrols.choices import PatrolStatus
from apps.patrols.models import Patrol, TrackBatch, TrackPoint
from apps.patrols.services import track_ingest
from apps.stations.models import Community, Station
from devtools.benchmark import batch_scenario, copy_rows, generator, request_scenario

XIPENG = "500107-xipeng"
OFFICER = "xipeng_community"
HISTORY, POOL_NOTE, BASELINE = "压测·历史巡逻", "压测·上传", "压测·SQL基准"
POINTS_PER_PATROL = 2_000
STEP_S = 5
POOL = 100
BATCH = 500
INGEST_BATCHES = 20


def _walk(rng, lat, lon, start, n, step_s):
    """n fixes of a walk at about 1.4 m/s from (lat, lon), one every step_s seconds."""
    heading = rng.uniform(0, 6.283)
    metres = 1.4 * step_s
    for i in range(n):
        heading += rng.gauss(0, 0.3)
        lat += metres * cos(heading) / 111_320
        lon += metres * sin(heading) / (111_320 * cos(radians(lat)))
        yield start + timedelta(seconds=step_s * i), lat, lon


def _places():
    return list(
        Community.objects.filter(station__code=XIPENG).values_list("latitude", "longitude")
    ) or [(29.4, 106.3)]


def _patrol(station, officer, note, **fields):
    patrol = Patrol.objects.create(
        station=station, mode="foot", created_by=officer, note=note, **fields
    )
    patrol.officers.add(officer)
    return patrol


@generator
def patrol_tracks_at_scale(sizes: dict, progress) -> None:
    """Finished patrols with their tracks over the last year (COPY), and the upload pool."""
    station = Station.objects.get(code=XIPENG)
    officer = User.objects.get(username=OFFICER)
    _reset_pool(station, officer)
    # A run broken off during COPY left patrols without their figures: start them again.
    Patrol.objects.filter(note=HISTORY, distance_m=0).delete()
    done = Patrol.objects.filter(note=HISTORY).count()
    wanted = sizes["track_points"] // POINTS_PER_PATROL
    if done >= wanted:
        return
    rng = random.Random(88)
    places = _places()
    now = timezone.now()
    with transaction.atomic():
        patrols = []
        for _ in range(wanted - done):
            started = now - timedelta(days=rng.uniform(1, 365))
            patrols.append(
                Patrol(
                    station=station,
                    mode=rng.choice(["foot", "e_car", "night_village"]),
                    status=PatrolStatus.FINISHED,
                    planned_start=started,
                    started_at=started,
                    ended_at=started + timedelta(seconds=STEP_S * POINTS_PER_PATROL),
                    created_by=officer,
                    note=HISTORY,
                )
            )
        Patrol.objects.bulk_create(patrols, batch_size=1000)
    figures = {}

    def rows():
        for patrol in patrols:
            lat0, lon0 = map(float, rng.choice(places))
            last = None
            for at, lat, lon in _walk(
                rng, lat0, lon0, patrol.started_at, POINTS_PER_PATROL, STEP_S
            ):
                client_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                yield [patrol.pk, client_id, at, lat, lon, 5.0, 5.0, 0]
                last = (lat, lon, at)
            figures[patrol.pk] = last

    copy_rows(
        "patrols_trackpoint",
        [
            "patrol_id",
            "client_id",
            "recorded_at",
            "latitude",
            "longitude",
            "accuracy_m",
            "speed_kmh",
            "flag",
        ],
        rows(),
        len(patrols) * POINTS_PER_PATROL,
        progress,
        "patrol track points",
    )
    for patrol in patrols:
        patrol.last_latitude, patrol.last_longitude, patrol.last_seen_at = figures[patrol.pk]
        patrol.distance_m = round(1.4 * STEP_S * (POINTS_PER_PATROL - 1))
    Patrol.objects.bulk_update(
        patrols,
        ["last_latitude", "last_longitude", "last_seen_at", "distance_m"],
        batch_size=1000,
    )


# --- uploads --------------------------------------------------------------------------------

_cursor: dict[int, tuple] = {}  # pool patrol -> (next time, lat, lon, rng)
_turn = {"i": 0, "patrol": None}


def _reset_pool(station, officer):
    """POOL patrols under way since two days ago, with no track yet (each run anew)."""
    pool = list(Patrol.objects.filter(note=POOL_NOTE).order_by("pk"))
    started = timezone.now() - timedelta(days=2)
    for _ in range(POOL - len(pool)):
        pool.append(_patrol(station, officer, POOL_NOTE, planned_start=started))
    ids = [p.pk for p in pool]
    TrackPoint.objects.filter(patrol_id__in=ids).delete()
    TrackBatch.objects.filter(patrol_id__in=ids).delete()
    Patrol.objects.filter(pk__in=ids).update(
        status=PatrolStatus.ACTIVE,
        started_at=started,
        ended_at=None,
        distance_m=0,
        last_latitude=None,
        last_longitude=None,
        last_seen_at=None,
    )
    for patrol in pool:
        patrol.covered.clear()
    if not Patrol.objects.filter(note=BASELINE).exists():
        _patrol(station, officer, BASELINE, planned_start=started)
    _cursor.clear()


def _next_patrol() -> int:
    ids = list(Patrol.objects.filter(note=POOL_NOTE).order_by("pk").values_list("pk", flat=True))
    patrol_id = ids[_turn["i"] % len(ids)]
    _turn["i"] += 1
    _turn["patrol"] = patrol_id
    return patrol_id


def _next_points(patrol_id: int) -> list[dict]:
    """The next BATCH one-second fixes of the pool patrol's walk."""
    if patrol_id not in _cursor:
        rng = random.Random(patrol_id)
        lat, lon = map(float, rng.choice(_places()))
        started = Patrol.objects.values_list("started_at", flat=True).get(pk=patrol_id)
        _cursor[patrol_id] = (started + timedelta(seconds=1), lat, lon, rng)
    start, lat0, lon0, rng = _cursor[patrol_id]
    points = []
    lat, lon = lat0, lon0
    for at, lat, lon in _walk(rng, lat0, lon0, start, BATCH, 1):
        points.append(
            {
                "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "recorded_at": at.isoformat(),
                "latitude": lat,
                "longitude": lon,
                "accuracy": 5.0,
                "speed": 5.0,
            }
        )
    _cursor[patrol_id] = (start + timedelta(seconds=BATCH), lat, lon, rng)
    return points


@request_scenario(
    "patrols: track upload, 500 points",
    persona=OFFICER,
    fresh=True,
    body=lambda: {"client_id": str(uuid.uuid4()), "points": _next_points(_turn["patrol"])},
)
def track_upload():
    return reverse("patrol-track", args=[_next_patrol()])


# The batches of the next timed run, made before it (setup): finding the pool's next patrol
# and walking its points is the harness's work, and had been a third of the timed run.
_batches: list[tuple[Patrol, list[dict]]] = []


def _prepare_batches() -> None:
    _batches.clear()
    for _ in range(INGEST_BATCHES):
        patrol = Patrol(pk=_next_patrol())
        points = _next_points(patrol.pk)
        for point in points:
            point["recorded_at"] = datetime.fromisoformat(point["recorded_at"])
        _batches.append((patrol, points))


def _ingest():
    """INGEST_BATCHES batches of BATCH points through the service, round the pool."""
    officer = User.objects.get(username=OFFICER)
    for patrol, points in _batches:
        track_ingest(patrol=patrol, by=officer, client_id=uuid.uuid4(), points=points)


def _insert_sql():
    # The same number of rows as one INSERT ... ON CONFLICT DO NOTHING, into a patrol of
    # its own, with no flags, distance or coverage.
    patrol = Patrol.objects.get(note=BASELINE)
    sql = (
        "INSERT INTO patrols_trackpoint "
        "(patrol_id, client_id, recorded_at, latitude, longitude, flag) "
        "SELECT %s, gen_random_uuid(), %s + n * interval '1 second', 29.4, 106.3, 0 "
        "FROM generate_series(1, %s) n ON CONFLICT DO NOTHING RETURNING id"
    )
    return sql, [patrol.pk, timezone.now() - timedelta(days=400), BATCH * INGEST_BATCHES]


batch_scenario(
    f"patrols: ingest {BATCH * INGEST_BATCHES:,} points ({INGEST_BATCHES}×{BATCH})",
    sql=_insert_sql,
    setup=_prepare_batches,
    items=BATCH * INGEST_BATCHES,
    unit="points",
)(_ingest)


def patrols_page_sql():
    """The first page of the bureau's patrols as the API gives them: names, plate, officers,
    joint-force participants, the communities planned and covered."""
    return (
        "SELECT json_agg(t) FROM (SELECT p.id, p.station_id AS station, st.name AS station_name, "
        "p.post_id AS post, po.name AS post_name, p.vehicle_id AS vehicle, "
        "v.plate AS vehicle_plate, p.mode, p.status, "
        "(SELECT json_agg(json_build_object('id', u.id, 'username', u.username, "
        "  'name', u.first_name || ' ' || u.last_name)) FROM patrols_patrol_officers o "
        "  JOIN accounts_user u ON u.id = o.user_id WHERE o.patrol_id = p.id) AS officers, "
        "(SELECT json_agg(json_build_object('kind', pp.kind, 'name', pp.name, "
        "  'phone', pp.phone)) FROM patrols_patrolparticipant pp WHERE pp.patrol_id = p.id) "
        "  AS participants, "
        "(SELECT json_agg(c.id) FROM patrols_patrol_communities pc JOIN stations_community c "
        "  ON c.id = pc.community_id WHERE pc.patrol_id = p.id) AS communities, "
        "(SELECT json_agg(c.name) FROM patrols_patrol_communities pc JOIN stations_community c "
        "  ON c.id = pc.community_id WHERE pc.patrol_id = p.id) AS community_names, "
        "p.route, p.planned_start, p.planned_end, p.started_at, p.ended_at, "
        "extract(epoch FROM coalesce(p.ended_at, now()) - p.started_at)::int AS duration, "
        "p.loudspeaker, p.note, p.distance_m, "
        "(SELECT json_agg(c.name) FROM patrols_patrol_covered pc JOIN stations_community c "
        "  ON c.id = pc.community_id WHERE pc.patrol_id = p.id) AS covered, "
        "p.last_latitude, p.last_longitude, p.last_seen_at "
        "FROM patrols_patrol p JOIN stations_station st ON st.id = p.station_id "
        "LEFT JOIN stations_post po ON po.id = p.post_id "
        "LEFT JOIN patrols_vehicle v ON v.id = p.vehicle_id "
        "WHERE st.bureau_id = %s ORDER BY p.planned_start DESC, p.id DESC LIMIT 50) t",
        [Station.objects.get(code=XIPENG).bureau_id],
    )


@request_scenario("patrols: API list", persona="jlp_admin", sql=patrols_page_sql)
def patrols_api():
    return reverse("patrol-list")


@request_scenario("patrols: track of a 2,000-point patrol", persona="jlp_admin")
def patrol_track():
    patrol = Patrol.objects.filter(note=HISTORY).order_by("pk").first()
    return reverse("patrol-track", args=[patrol.pk])
