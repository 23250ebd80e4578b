"""Every write of a patrol's life: plan, start, finish or cancel it,
take in the tablet's GPS track, and log its loudspeaker broadcasts.

Track ingestion, per batch, under a lock on the patrol (so two batches of one patrol are
processed one after the other):
- a batch already received (same client id) is answered again without writing anything;
- points already stored (same point client id, e.g. an overlapping retry) are skipped by the
  database (ON CONFLICT DO NOTHING on (patrol, client_id, recorded_at));
- a point is flagged OUTSIDE_CHINA outside China's bounding box, IMPOSSIBLE_SPEED when the
  speed from the previous valid point (in recorded time order) is above the bureau's
  limit; flagged points are kept but not used for distance, coverage or the last position;
- when every new point is later than every stored one (the usual case) the new points are
  flagged from the last valid point and coverage is extended by them alone; when a late
  batch lands in the middle of the track, the whole track's flags and coverage are
  recomputed in time order, so the result equals that of the points arriving in order;
- the distance is summed afresh by the database over the valid points in time order (a
  window function, LAG), one query without fetching rows, so it never drifts by rounding.
- only points recorded while the patrol was under way are taken: from its start, up to its
  end when it is finished (an offline tablet may send its last batches after the finish).
  Points outside that window are ignored and counted as such.
"""

import enum
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from math import cos, radians
from typing import TYPE_CHECKING, Any, TypeAlias
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.core.errors import Conflict, DomainError, OutOfScope
from apps.core.geo import EARTH_RADIUS_KM, haversine_km, in_china
from apps.core.limits import CLOCK_SKEW, PLACE_MAX_LENGTH, ensure_plannable
from apps.core.names import check_name
from apps.core.rules import requires
from apps.core.scoping import CHANGE
from apps.core.timefmt import when
from apps.stations.models import Community, Post, Station

from .choices import MODES_WITHOUT_VEHICLE, ParticipantKind, PatrolMode, PatrolStatus, PointFlag
from .models import (
    Broadcast,
    Patrol,
    PatrolParticipant,
    PatrolSettings,
    TrackBatch,
    TrackPoint,
    Vehicle,
)
from .selectors import patrol_settings
from .workflow import WORKFLOW

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A valid point of a track as the walk keeps it: (latitude, longitude, recorded at).
_Point = tuple[float, float, datetime]
# Who a message blames: a text, or a function making it (only called when a check fails).
_What: TypeAlias = "Callable[[], str] | StrOrPromise"

LOCAL = ZoneInfo("Asia/Shanghai")
MAX_BATCH = 2000
# A broadcast is logged as it is made (the tablet needs the network for it): its time may
# lag the server's by a slow request or a clock a little behind, no more, so that the quiet
# hours are judged on the server's clock and a time in the past cannot dodge them.
BROADCAST_LAG = timedelta(minutes=5)


# --- patrols ---------------------------------------------------------------------------------


def _aware(value: datetime | None, label: str) -> None:
    if value is not None and (not isinstance(value, datetime) or timezone.is_naive(value)):
        raise DomainError(
            _("Give %(field)s with its time zone.") % {"field": label}, code="invalid"
        )


def _check_officers(officers: Iterable[User], station: Station) -> list[User]:
    officers = list(officers)
    if not officers:
        raise DomainError(_("Name at least one officer on the patrol."), code="invalid")
    for officer in officers:
        if officer.station_id != station.pk or not officer.is_active:
            raise DomainError(
                _("%(officer)s is not an active officer of %(station)s.")
                % {"officer": officer, "station": station},
                code="invalid",
            )
    return officers


def _check_communities(communities: Iterable[Community], station: Station) -> list[Community]:
    communities = list(communities)
    for community in communities:
        if community.station_id != station.pk:
            raise DomainError(
                _("%(community)s belongs to another station.") % {"community": community.name},
                code="invalid",
            )
    return communities


def _clean_participants(
    participants: Iterable[Mapping[str, Any]],
) -> list[PatrolParticipant]:
    rows: list[PatrolParticipant] = []
    for i, item in enumerate(participants):
        kind = item.get("kind")
        name = check_name(item.get("name") or "")
        phone = "".join((item.get("phone") or "").split())
        if kind not in ParticipantKind.values:
            raise DomainError(
                _("Participant %(i)d: choose what kind of participant.") % {"i": i + 1},
                code="invalid",
            )
        if not name:
            raise DomainError(_("Participant %(i)d: give the name.") % {"i": i + 1}, code="invalid")
        if len(name) > 50 or len(phone) > 20:
            raise DomainError(
                _("Participant %(i)d: the name or phone is too long.") % {"i": i + 1},
                code="invalid",
            )
        rows.append(PatrolParticipant(kind=kind, name=name, phone=phone))
    return rows


def _check_vehicle(vehicle: Vehicle | None, station: Station, mode: str) -> None:
    """The vehicle may go on this patrol: the station's own, in service, and the mode is
    one that drives or rides."""
    if vehicle is None:
        return
    if vehicle.station_id != station.pk:
        raise DomainError(_("The vehicle belongs to another station."), code="invalid")
    if not vehicle.is_active:
        raise DomainError(
            _("%(vehicle)s is out of service.") % {"vehicle": vehicle}, code="invalid"
        )
    if mode in MODES_WITHOUT_VEHICLE:
        raise DomainError(
            _("This mode (%(mode)s) uses no vehicle.") % {"mode": PatrolMode(mode).label},
            code="invalid",
        )


def _take_vehicle(patrol: Patrol) -> None:
    """The patrol (under way, or about to be) takes its vehicle: under a lock on the
    vehicle's row, so that of two patrols setting off with the same car at the same moment
    one goes and the other is told the car is out."""
    if patrol.vehicle_id is None:
        return
    vehicle = Vehicle.objects.select_for_update().get(pk=patrol.vehicle_id)
    _check_vehicle(vehicle, patrol.station, patrol.mode)
    other = (
        Patrol.objects.filter(vehicle=vehicle, status=PatrolStatus.ACTIVE)
        .exclude(pk=patrol.pk)
        .only("pk", "started_at")
        .first()
    )
    if other is not None:
        raise Conflict(
            _(
                "%(vehicle)s is already out on another patrol (under way since %(time)s): "
                "finish that patrol first, or choose another vehicle."
            )
            % {"vehicle": vehicle, "time": when(other.started_at, "short")}
        )


def _check_plan(mode: str, planned_start: datetime | None, planned_end: datetime | None) -> None:
    if mode not in PatrolMode.values:
        raise DomainError(_("Choose the patrol's mode."), code="invalid")
    if planned_start is None:
        raise DomainError(_("Give the planned start."), code="invalid")
    _aware(planned_start, _("the planned start"))
    _aware(planned_end, _("the planned end"))
    if planned_end is not None and planned_end <= planned_start:
        raise DomainError(_("The planned end must be after the planned start."), code="invalid")
    ensure_plannable(planned_start, _("The planned start"))
    ensure_plannable(planned_end, _("The planned end"))


def patrol_create(
    *,
    by: User,
    post: Post | None,
    mode: str,
    planned_start: datetime,
    officers: Iterable[User],
    communities: Iterable[Community] = (),
    planned_end: datetime | None = None,
    route: str = "",
    loudspeaker: bool = False,
    note: str = "",
    participants: Iterable[Mapping[str, Any]] = (),
    station: Station | None = None,
    vehicle: Vehicle | None = None,
) -> Patrol:
    """Plan a patrol of the station (the post's, else the writer's) with its officers, its
    planned area, its joint-force participants and the vehicle it will use (taken when the
    patrol starts: planning does not reserve it)."""
    station = station or (post.station if post else None) or by.station
    if station is None:
        raise DomainError(_("Choose the station that patrols."), code="invalid")
    if not Station.objects.restrict(by, CHANGE).filter(pk=station.pk).exists():
        raise OutOfScope(_("Not found."))
    if post is not None and post.station_id != station.pk:
        raise DomainError(_("The post belongs to another station."), code="invalid")
    _check_plan(mode, planned_start, planned_end)
    _check_vehicle(vehicle, station, mode)
    officers = _check_officers(officers, station)
    communities = _check_communities(communities, station)
    rows = _clean_participants(participants)
    with transaction.atomic():
        patrol = Patrol.objects.create(
            station=station,
            post=post,
            vehicle=vehicle,
            mode=mode,
            planned_start=planned_start,
            planned_end=planned_end,
            route=route.strip()[:300],
            loudspeaker=bool(loudspeaker),
            note=note.strip(),
            created_by=by,
        )
        patrol.officers.set(officers)
        patrol.communities.set(communities)
        for row in rows:
            row.patrol = patrol
        PatrolParticipant.objects.bulk_create(rows)
    return patrol


UPDATABLE = {
    "post",
    "mode",
    "planned_start",
    "planned_end",
    "route",
    "loudspeaker",
    "note",
    "vehicle",
}


def patrol_update(*, patrol: Patrol, by: User, **changes: Any) -> Patrol:
    """Change a planned or active patrol's plan; `officers`, `communities` and
    `participants`, when given, replace the current ones. A finished or cancelled patrol
    is a record and no longer changes."""
    unknown = set(changes) - UPDATABLE - {"officers", "communities", "participants"}
    if unknown:
        raise DomainError(
            _("These fields cannot be changed: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            code="invalid",
        )
    with transaction.atomic():
        patrol = Patrol.objects.lock_for(by, patrol.pk)
        if WORKFLOW.is_final(patrol.status):
            raise Conflict(_("A finished or cancelled patrol can no longer be changed."))
        station = patrol.station
        for name in UPDATABLE & set(changes):
            value = changes[name]
            if name in ("route", "note"):
                value = (value or "").strip()
            setattr(patrol, name, value)
        if patrol.post is not None and patrol.post.station_id != station.pk:
            raise DomainError(_("The post belongs to another station."), code="invalid")
        _check_plan(patrol.mode, patrol.planned_start, patrol.planned_end)
        if {"vehicle", "mode"} & set(changes):
            _check_vehicle(patrol.vehicle, station, patrol.mode)
        if "vehicle" in changes and patrol.status == PatrolStatus.ACTIVE:
            _take_vehicle(patrol)
        patrol.save()
        if "officers" in changes:
            patrol.officers.set(_check_officers(changes["officers"], station))
        if "communities" in changes:
            patrol.communities.set(_check_communities(changes["communities"], station))
        if "participants" in changes:
            rows = _clean_participants(changes["participants"])
            patrol.participants.all().delete()
            for row in rows:
                row.patrol = patrol
            PatrolParticipant.objects.bulk_create(rows)
    return patrol


class _Keep(enum.Enum):
    VEHICLE = 0


KEEP = _Keep.VEHICLE  # patrol_start: keep the vehicle of the plan


@requires("patrols.change_patrol")
def patrol_start(
    *, patrol: Patrol, by: User, now: datetime | None = None, vehicle: Vehicle | _Keep | None = KEEP
) -> Patrol:
    """A planned patrol sets off now, with the vehicle of its plan, or the one given here
    (None: without one). A vehicle out on another patrol under way cannot be taken."""
    now = now or timezone.now()
    with transaction.atomic():
        patrol = Patrol.objects.lock_for(by, patrol.pk)
        WORKFLOW.check(patrol.status, PatrolStatus.ACTIVE)
        if not isinstance(vehicle, _Keep):  # (KEEP is its one member)
            patrol.vehicle = vehicle
        _take_vehicle(patrol)
        patrol.status, patrol.started_at = PatrolStatus.ACTIVE, now
        patrol.save(update_fields=["status", "started_at", "vehicle", "updated_at"])
    return patrol


@requires("patrols.change_patrol")
def patrol_finish(*, patrol: Patrol, by: User, now: datetime | None = None) -> Patrol:
    """An active patrol ends now; finishing it again is a conflict."""
    now = now or timezone.now()
    with transaction.atomic():
        patrol = Patrol.objects.lock_for(by, patrol.pk)
        WORKFLOW.check(patrol.status, PatrolStatus.FINISHED)
        assert patrol.started_at is not None  # only an active patrol finishes
        patrol.status, patrol.ended_at = PatrolStatus.FINISHED, max(now, patrol.started_at)
        patrol.save(update_fields=["status", "ended_at", "updated_at"])
    return patrol


@requires("patrols.change_patrol")
def patrol_cancel(*, patrol: Patrol, by: User, now: datetime | None = None) -> Patrol:
    """A planned patrol is called off, or one under way is broken off (its track so far
    stays, its end is now)."""
    now = now or timezone.now()
    with transaction.atomic():
        patrol = Patrol.objects.lock_for(by, patrol.pk)
        WORKFLOW.check(patrol.status, PatrolStatus.CANCELLED)
        if patrol.status == PatrolStatus.ACTIVE:
            assert patrol.started_at is not None  # set when it set off
            patrol.ended_at = max(now, patrol.started_at)
        patrol.status = PatrolStatus.CANCELLED
        patrol.save(update_fields=["status", "ended_at", "updated_at"])
    return patrol


# --- the GPS track ---------------------------------------------------------------------------


@dataclass
class TrackResult:
    batch: uuid.UUID
    received: int
    new: int
    duplicates: int
    flagged: int
    distance_m: int
    ignored: int = 0  # recorded outside the patrol's time under way
    covered: list[str] = field(default_factory=list)


def _label(what: _What) -> str:
    # Messages name their subject only when they are raised: a 2,000-point batch must not
    # translate "Point 1" … "Point 2000" on its way in.
    return str(what()) if callable(what) else str(what)


def _as_uuid(value: object, what: _What) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise DomainError(
            _("%(what)s: the client id is not a UUID.") % {"what": _label(what)},
            code="invalid",
        ) from None


def _float(value: Any, what: _What, low: float, high: float, name: "StrOrPromise") -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DomainError(
            _("%(what)s: the %(name)s is not a number.")
            % {"what": _label(what), "name": str(name)},
            code="invalid",
        ) from None
    if not low <= number <= high:  # NaN fails this too
        raise DomainError(
            _("%(what)s: the %(name)s is out of range.")
            % {"what": _label(what), "name": str(name)},
            code="invalid",
        )
    return number


def _optional(
    value: Any, what: _What, low: float, high: float, name: "StrOrPromise"
) -> float | None:
    return None if value is None else _float(value, what, low, high, name)


LATITUDE, LONGITUDE = gettext_lazy("latitude"), gettext_lazy("longitude")
ACCURACY, SPEED = gettext_lazy("accuracy"), gettext_lazy("speed")


def _clean_points(points: Sequence[Mapping[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """The batch's points checked (a bad one refuses the batch: nothing is saved), each
    client id once (the first wins)."""
    if not points:
        raise DomainError(_("The batch has no points."), code="invalid")
    if len(points) > MAX_BATCH:
        raise DomainError(_("At most %(n)d points per batch.") % {"n": MAX_BATCH}, code="invalid")
    cleaned: list[dict[str, Any]] = []
    seen: set[uuid.UUID] = set()
    latest = now + CLOCK_SKEW
    for i, point in enumerate(points):

        def what(i: int = i) -> str:
            return _("Point %(i)d") % {"i": i + 1}

        client_id = _as_uuid(point.get("client_id"), what)
        at = point.get("recorded_at")
        if not isinstance(at, datetime) or at.tzinfo is None or timezone.is_naive(at):
            raise DomainError(
                _("%(what)s: give the time with its time zone.") % {"what": what()},
                code="invalid",
            )
        if at > latest:
            raise DomainError(
                _("%(what)s: the time is in the future.") % {"what": what()}, code="invalid"
            )
        if client_id in seen:
            continue
        seen.add(client_id)
        cleaned.append(
            {
                "client_id": client_id,
                "recorded_at": at,
                "latitude": _float(point.get("latitude"), what, -90, 90, LATITUDE),
                "longitude": _float(point.get("longitude"), what, -180, 180, LONGITUDE),
                "accuracy_m": _optional(point.get("accuracy"), what, 0, 100000, ACCURACY),
                "speed_kmh": _optional(point.get("speed"), what, 0, 10000, SPEED),
            }
        )
    return cleaned


class _Walker:
    """Walks points in time order from the last valid one and flags them."""

    def __init__(self, max_speed_kmh: int, last: _Point | None = None) -> None:
        self.max_speed = max_speed_kmh
        self.last = last  # (latitude, longitude, recorded_at) of the last valid point

    def flag(self, latitude: float, longitude: float, at: datetime) -> int:
        if not in_china(latitude, longitude):
            return PointFlag.OUTSIDE_CHINA
        if self.last is not None:
            metres = haversine_km(self.last[0], self.last[1], latitude, longitude) * 1000
            # Two fixes in the same second count as one second apart.
            seconds = max((at - self.last[2]).total_seconds(), 1.0)
            if metres / seconds * 3.6 > self.max_speed:
                return PointFlag.IMPOSSIBLE_SPEED
        self.last = (latitude, longitude, at)
        return PointFlag.OK


# The length of a patrol's valid points in time order, in metres: the haversine of each
# point and the one before it (LAG over the valid points), summed in the database.
# Functions both PostgreSQL and SQLite (Django registers them there) know.
DISTANCE_SQL = """
SELECT COALESCE(SUM(
    2 * %(radius)s * ASIN(SQRT(
        POWER(SIN(RADIANS(lat - plat) / 2), 2)
        + COS(RADIANS(plat)) * COS(RADIANS(lat)) * POWER(SIN(RADIANS(lon - plon) / 2), 2)
    ))
), 0)
FROM (
    SELECT latitude AS lat, longitude AS lon,
        LAG(latitude) OVER (ORDER BY recorded_at, id) AS plat,
        LAG(longitude) OVER (ORDER BY recorded_at, id) AS plon
    FROM patrols_trackpoint
    WHERE patrol_id = %(patrol)s AND flag = 0
) steps
WHERE plat IS NOT NULL
"""


def track_distance_m(patrol_id: int) -> float:
    """The patrol's distance from its stored valid points (one query, no rows fetched)."""
    with connection.cursor() as cursor:
        cursor.execute(DISTANCE_SQL, {"radius": EARTH_RADIUS_KM * 1000, "patrol": patrol_id})
        return float(cursor.fetchone()[0] or 0)


def _covered(
    communities: Iterable[Community], points: Sequence[tuple[float, float]], radius_m: float
) -> set[int]:
    """Ids of the communities (with coordinates) within radius_m of one of the points
    (latitude, longitude): a cheap box test first, the haversine only inside the box."""
    found: set[int] = set()
    lat_deg = radius_m / 111_320.0
    for community in communities:
        lat0, lon0 = float(community.latitude), float(community.longitude)
        lon_deg = radius_m / (111_320.0 * max(cos(radians(lat0)), 0.01))
        for latitude, longitude in points:
            if abs(latitude - lat0) > lat_deg or abs(longitude - lon0) > lon_deg:
                continue
            if haversine_km(lat0, lon0, latitude, longitude) * 1000 <= radius_m:
                found.add(community.pk)
                break
    return found


def _communities_near(
    patrol: Patrol, points: Sequence[tuple[float, float]], radius_m: float
) -> list[Community]:
    """The station's communities inside the points' bounding box widened by the radius:
    a walk passes a handful of a station's hundreds of villages."""
    if not points:
        return []
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    lat_deg = radius_m / 111_320.0
    lon_deg = radius_m / (111_320.0 * max(cos(radians(max(map(abs, lats)))), 0.01))
    return list(
        Community.objects.filter(
            station_id=patrol.station_id,
            latitude__range=(min(lats) - lat_deg, max(lats) + lat_deg),
            longitude__range=(min(lons) - lon_deg, max(lons) + lon_deg),
        ).only("id", "latitude", "longitude")
    )


POINT_COLUMNS = [
    "client_id",
    "recorded_at",
    "latitude",
    "longitude",
    "accuracy_m",
    "speed_kmh",
    "flag",
]
# PostgreSQL: the batch as one INSERT of arrays (no model instances), and back the client
# ids it did store, so that a point a concurrent or earlier batch stored is not counted.
INSERT_SQL = (
    "INSERT INTO patrols_trackpoint (patrol_id, client_id, recorded_at, latitude, longitude, "
    "accuracy_m, speed_kmh, flag) "
    "SELECT %s, * FROM UNNEST(%s::uuid[], %s::timestamptz[], %s::float8[], %s::float8[], "
    "%s::float8[], %s::float8[], %s::smallint[]) "
    "ON CONFLICT (patrol_id, client_id, recorded_at) DO NOTHING RETURNING client_id"
)


def _insert_points(patrol: Patrol, points: list[dict[str, Any]]) -> set[uuid.UUID]:
    """Store the points (a stored client id is skipped); returns the client ids stored."""
    if not points:
        return set()
    if connection.vendor == "postgresql":
        columns = [[p[c] for p in points] for c in POINT_COLUMNS]
        with connection.cursor() as cursor:
            cursor.execute(INSERT_SQL, [patrol.pk, *columns])
            return {row[0] for row in cursor.fetchall()}
    TrackPoint.objects.bulk_create(
        [TrackPoint(patrol=patrol, **p) for p in points], ignore_conflicts=True, batch_size=500
    )
    return {p["client_id"] for p in points}


def track_ingest(
    *,
    patrol: Patrol,
    by: User,
    client_id: object,
    points: Sequence[Mapping[str, Any]],
    now: datetime | None = None,
) -> TrackResult:
    """Store a batch of GPS points of a patrol (see the module's docstring)."""
    now = now or timezone.now()
    batch_id = _as_uuid(client_id, _("The batch"))
    cleaned = _clean_points(points, now)
    with transaction.atomic():
        patrol = Patrol.objects.lock_for(by, patrol.pk)
        if TrackBatch.objects.filter(patrol=patrol, client_id=batch_id).exists():
            return TrackResult(
                batch=batch_id,
                received=len(points),
                new=0,
                duplicates=len(points),
                flagged=0,
                distance_m=patrol.distance_m,
            )
        if patrol.started_at is None:  # planned, or cancelled before it set off
            raise Conflict(_("Only a patrol under way takes track points."))
        start, end = patrol.started_at, patrol.ended_at
        in_window = [
            p
            for p in cleaned
            if p["recorded_at"] >= start and (end is None or p["recorded_at"] <= end)
        ]
        ignored = len(cleaned) - len(in_window)
        latest = TrackPoint.objects.filter(patrol=patrol).aggregate(m=Max("recorded_at"))["m"]
        # A point later than every stored one is new; only the others (a retry, an
        # overlap, a late batch) are looked up.
        earlier = [p for p in in_window if latest is not None and p["recorded_at"] <= latest]
        stored: set[uuid.UUID] = set()
        if earlier:
            stored = set(
                TrackPoint.objects.filter(
                    patrol=patrol, client_id__in=[p["client_id"] for p in earlier]
                ).values_list("client_id", flat=True)
            )
        new = sorted(
            (p for p in in_window if p["client_id"] not in stored),
            key=lambda p: p["recorded_at"],
        )
        config = patrol_settings(patrol.station.bureau_id)
        in_order = latest is None or not new or new[0]["recorded_at"] > latest
        if in_order:
            last: _Point | None = None
            # (the three are saved together, below)
            lat, lon, seen_at = patrol.last_latitude, patrol.last_longitude, patrol.last_seen_at
            if seen_at is not None and lat is not None and lon is not None:
                last = (lat, lon, seen_at)
            walker = _Walker(config.max_speed_kmh, last)
            for p in new:
                p["flag"] = walker.flag(p["latitude"], p["longitude"], p["recorded_at"])
        else:
            for p in new:
                p["flag"] = (
                    PointFlag.OK
                    if in_china(p["latitude"], p["longitude"])
                    else PointFlag.OUTSIDE_CHINA
                )
        inserted = _insert_points(patrol, new)
        if len(inserted) != len(new):  # a client id stored with another time: not new
            new = [p for p in new if p["client_id"] in inserted]
            in_order = False  # the walk above counted points that were not stored
        if in_order:
            valid = [(p["latitude"], p["longitude"]) for p in new if p["flag"] == PointFlag.OK]
            flagged = len(new) - len(valid)
            last = walker.last
            near = _communities_near(patrol, valid, config.coverage_radius_m)
            if near:
                covered_now = set(patrol.covered.values_list("pk", flat=True))
                todo = [c for c in near if c.pk not in covered_now]
                added = _covered(todo, valid, config.coverage_radius_m)
                if added:
                    patrol.covered.add(*added)
        else:
            last, flagged = _recompute(patrol, config, {p["client_id"] for p in new})
        if new:
            # Summed afresh rather than added to the stored (rounded) metres, so that a
            # track is as long whatever order its batches came in.
            patrol.distance_m = round(track_distance_m(patrol.pk))
        if last is not None:
            patrol.last_latitude, patrol.last_longitude, patrol.last_seen_at = last
        patrol.save(
            update_fields=[
                "distance_m",
                "last_latitude",
                "last_longitude",
                "last_seen_at",
                "updated_at",
            ]
        )
        TrackBatch.objects.create(
            patrol=patrol, client_id=batch_id, points=len(points), new_points=len(new)
        )
    return TrackResult(
        batch=batch_id,
        received=len(points),
        new=len(new),
        duplicates=len(in_window) - len(new) + (len(points) - len(cleaned)),
        flagged=flagged,
        distance_m=patrol.distance_m,
        ignored=ignored,
    )


def _recompute(
    patrol: Patrol, config: PatrolSettings, new_ids: set[uuid.UUID]
) -> tuple[_Point | None, int]:
    """A late batch landed inside the track: walk the whole track again in time order,
    re-flag speeds, and derive coverage afresh. Returns (the last valid point, how many of
    the new points are flagged)."""
    walker = _Walker(config.max_speed_kmh)
    changed: dict[int, list[int]] = {}
    flagged = 0
    valid: list[tuple[float, float]] = []
    rows = (
        TrackPoint.objects.filter(patrol=patrol)
        .order_by("recorded_at", "id")
        .values_list("id", "client_id", "latitude", "longitude", "recorded_at", "flag")
    )
    for pk, client_id, latitude, longitude, at, old in rows.iterator(chunk_size=5000):
        flag = walker.flag(latitude, longitude, at)
        if flag != old:
            changed.setdefault(flag, []).append(pk)
        if flag == PointFlag.OK:
            valid.append((latitude, longitude))
        elif client_id in new_ids:
            flagged += 1
    for flag, ids in changed.items():
        for i in range(0, len(ids), 1000):
            TrackPoint.objects.filter(pk__in=ids[i : i + 1000]).update(flag=flag)
    covered = _covered(
        _communities_near(patrol, valid, config.coverage_radius_m), valid, config.coverage_radius_m
    )
    patrol.covered.set(covered)
    return walker.last, flagged


# --- loudspeaker broadcasts ------------------------------------------------------------------


def is_quiet(at: datetime, quiet_from: time, quiet_until: time) -> bool:
    """Whether `at` (local time) falls in the quiet hours [from, until), which may span
    midnight (21:00 to 07:00) or not (12:00 to 14:00)."""
    clock = timezone.localtime(at, LOCAL).time()
    if quiet_from == quiet_until:
        return False
    if quiet_from < quiet_until:
        return quiet_from <= clock < quiet_until
    return clock >= quiet_from or clock < quiet_until


def broadcast_log(
    *,
    patrol: Patrol,
    by: User,
    message: str,
    at: datetime | None = None,
    place: str = "",
    latitude: Any = None,
    longitude: Any = None,
    client_id: object = None,
    now: datetime | None = None,
) -> tuple[Broadcast, bool]:
    """Log a loudspeaker broadcast of a patrol under way, made now or at most
    BROADCAST_LAG ago; refused in the bureau's quiet hours, judged on the server's clock
    (`now`; only tests pass it) as well as on the broadcast's time. Returns (broadcast,
    created): a re-sent client id returns the stored one."""
    now = now or timezone.now()
    at = at or now
    _aware(at, _("the time"))
    if at > now + CLOCK_SKEW:
        raise DomainError(_("The broadcast's time is in the future."), code="invalid")
    if at < now - BROADCAST_LAG:
        raise DomainError(
            _(
                "A broadcast is logged when it is made: its time may be at most %(minutes)d "
                "minutes before the server's (%(time)s)."
            )
            % {
                "minutes": int(BROADCAST_LAG.total_seconds() // 60),
                "time": when(now, "time"),
            },
            code="invalid",
        )
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Say what was broadcast."), code="invalid")
    if len(message) > 200 or len(place) > PLACE_MAX_LENGTH:
        raise DomainError(_("The message or the place is too long."), code="invalid")
    if (latitude is None) != (longitude is None):
        raise DomainError(_("Give both latitude and longitude, or neither."), code="invalid")
    if latitude is not None:
        latitude = _float(latitude, _("The broadcast"), -90, 90, _("latitude"))
        longitude = _float(longitude, _("The broadcast"), -180, 180, _("longitude"))
    client_id = _as_uuid(client_id, _("The broadcast")) if client_id else uuid.uuid4()
    with transaction.atomic():
        patrol = Patrol.objects.lock_for(by, patrol.pk)
        existing = Broadcast.objects.filter(patrol=patrol, client_id=client_id).first()
        if existing is not None:
            return existing, False
        if patrol.started_at is None or patrol.status == PatrolStatus.PLANNED:
            raise Conflict(_("Only a patrol under way can broadcast."))
        if at < patrol.started_at or (patrol.ended_at and at > patrol.ended_at):
            raise DomainError(
                _("The broadcast's time is outside the patrol's time under way."),
                code="invalid",
            )
        config = patrol_settings(patrol.station.bureau_id)
        quiet = [
            moment
            for moment in (now, at)
            if is_quiet(moment, config.broadcast_quiet_from, config.broadcast_quiet_until)
        ]
        if quiet:
            raise DomainError(
                _(
                    "Loudspeakers are quiet from %(start)s to %(end)s so as not to disturb "
                    "residents: no broadcast at %(time)s. Keep the lights flashing."
                )
                % {
                    "start": when(config.broadcast_quiet_from, "time"),
                    "end": when(config.broadcast_quiet_until, "time"),
                    "time": when(quiet[0], "time"),
                },
                code="quiet_hours",
            )
        broadcast = Broadcast.objects.create(
            patrol=patrol,
            client_id=client_id,
            at=at,
            message=message,
            place=place.strip(),
            latitude=latitude,
            longitude=longitude,
            by=by,
        )
    return broadcast, True
