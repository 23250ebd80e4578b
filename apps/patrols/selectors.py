"""Reads of the patrols app: the bureau's rules, the patrol lists, a patrol's track, the
village a point on the way belongs to, and the vehicles: which to offer a patrol, and the
vehicle board (each post's vehicles, free or out, and their hours this month)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from apps.accounts.models import User
from apps.core.geo import haversine_km_sql
from apps.stations.models import Community

from .choices import PatrolStatus
from .models import Patrol, PatrolSettings, TrackPoint, Vehicle

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from apps.stations.models import Bureau, Post, Station


def patrol_settings(bureau: "Bureau | int") -> PatrolSettings:
    """The bureau's patrol settings, or unsaved defaults when its admin has saved none.
    `bureau` is a Bureau or its id."""
    bureau_id = bureau if isinstance(bureau, int) else bureau.pk
    found = PatrolSettings.objects.filter(bureau_id=bureau_id).first()
    return found or PatrolSettings(bureau_id=bureau_id)


def patrols_for(user: User, action: str = "view") -> "QuerySet[Patrol]":
    """The user's patrols with what a list shows, in a fixed number of queries."""
    return (
        Patrol.objects.restrict(user, action)
        .select_related("station", "post", "vehicle")
        .prefetch_related(
            Prefetch("officers", queryset=User.objects.order_by("last_name", "first_name")),
            Prefetch("covered", queryset=Community.objects.only("id", "name")),
            Prefetch("communities", queryset=Community.objects.only("id", "name")),
        )
    )


def track_rows(patrol: Patrol) -> "QuerySet[TrackPoint, tuple[float, float, datetime, int]]":
    """The patrol's track in time order as lean rows (lat, lon, time, flag): no model
    instances, no limit (a four-hour patrol at one fix per 5 s is ~3,000 rows)."""
    return (
        TrackPoint.objects.filter(patrol=patrol)
        .order_by("recorded_at", "id")
        .values_list("latitude", "longitude", "recorded_at", "flag")
    )


def community_near(
    *, station: "Station", latitude: float | Decimal, longitude: float | Decimal
) -> Community | None:
    """The station's village / community nearest to the point, if it lies within the
    bureau's coverage radius (the distance at which a patrol counts as having covered a
    village): one query, the distance computed by the database."""
    radius_km = patrol_settings(station.bureau_id).coverage_radius_m / 1000
    return (
        Community.objects.filter(station=station)
        .annotate(distance_km=haversine_km_sql(latitude, longitude, Community._meta.db_table))
        .filter(distance_km__lte=radius_km)
        .order_by("distance_km", "pk")
        .first()
    )


# --- vehicles --------------------------------------------------------------------------------


def vehicles_for_patrol(
    *, station: "Station", post: "Post | int | None" = None
) -> "QuerySet[Vehicle]":
    """The station's vehicles in service a patrol may take, those of the patrol's post
    first, then the station HQ's, then the other posts'; each with `in_use` (out on a patrol
    under way now). One query."""
    post_id = getattr(post, "pk", post)
    order: list[When] = [When(post__isnull=True, then=Value(1))]
    if post_id:
        order.insert(0, When(post_id=post_id, then=Value(0)))
    return (
        Vehicle.objects.filter(station=station, is_active=True)
        .select_related("post")
        .annotate(
            nearness=Case(*order, default=Value(2), output_field=IntegerField()),
            in_use=Exists(
                Patrol.objects.filter(vehicle=OuterRef("pk"), status=PatrolStatus.ACTIVE)
            ),
        )
        .order_by("nearness", "post__name", "kind", "plate", "pk")
    )


def vehicle_choice_label(vehicle: Vehicle) -> str:
    """How a vehicle reads in a choice list: plate, kind, where it is kept, and whether it is
    out now (the service refuses it then, in words)."""
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    where = vehicle.post.name if vehicle.post is not None else _("station HQ")
    label = f"{vehicle} · {vehicle.get_kind_display()} · {where}"
    if vehicle.has_loudspeaker:
        label += " · " + pgettext("vehicle", "loudspeaker")
    if getattr(vehicle, "in_use", False):
        label += " · " + _("out on a patrol")
    return label


def month_start(now: datetime) -> datetime:
    """The first instant of `now`'s month, local time."""
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@dataclass
class VehicleRow:
    vehicle: Vehicle
    patrol: Patrol | None  # the patrol under way that has it, if any
    hours: float  # patrol hours this month


@dataclass
class VehicleGroup:
    station: "Station"
    post: "Post | None"  # None: the station HQ
    rows: list[VehicleRow]


def vehicle_board(
    *, user: User, vehicles: "QuerySet[Vehicle] | None" = None, now: datetime | None = None
) -> list[VehicleGroup]:
    """The user's vehicles (or the restricted queryset given, e.g. filtered) grouped by
    station and post, each with the patrol under way that has it and its patrol hours this
    month: the time its patrols were under way within the month (a patrol under way counts
    up to now). Three queries, however many vehicles and patrols."""
    now = now or timezone.now()
    start = month_start(now)
    listed = list(
        (vehicles if vehicles is not None else Vehicle.objects.restrict(user))
        .select_related("station", "post")
        .order_by(
            "station__name",
            "station_id",
            F("post__name").asc(nulls_first=True),
            "kind",
            "plate",
            "pk",
        )
    )
    ids = [v.pk for v in listed]
    out: dict[int | None, Patrol] = {}  # by vehicle id (the query wants one)
    hours: dict[int, float] = {}
    if ids:
        for patrol in (
            Patrol.objects.filter(vehicle_id__in=ids, status=PatrolStatus.ACTIVE)
            .select_related("post")
            .prefetch_related(
                Prefetch("officers", queryset=User.objects.order_by("last_name", "first_name"))
            )
        ):
            out[patrol.vehicle_id] = patrol
        under_way = ExpressionWrapper(
            Least(Coalesce("ended_at", Value(now)), Value(now))
            - Greatest("started_at", Value(start)),
            output_field=DurationField(),
        )
        rows = (
            Patrol.objects.filter(
                Q(ended_at__isnull=True) | Q(ended_at__gt=start),
                vehicle_id__in=ids,
                started_at__isnull=False,
                started_at__lt=now,
            )
            .exclude(status=PatrolStatus.PLANNED)
            .values("vehicle_id")
            .annotate(total=Sum(under_way))
            .values_list("vehicle_id", "total")
        )
        for vehicle_id, total in rows:
            seconds = total.total_seconds() if isinstance(total, timedelta) else 0
            hours[vehicle_id] = round(max(seconds, 0) / 3600, 1)
    groups: list[VehicleGroup] = []
    for vehicle in listed:
        key = (vehicle.station_id, vehicle.post_id)
        if not groups or (groups[-1].station.pk, getattr(groups[-1].post, "pk", None)) != key:
            groups.append(VehicleGroup(station=vehicle.station, post=vehicle.post, rows=[]))
        groups[-1].rows.append(
            VehicleRow(vehicle=vehicle, patrol=out.get(vehicle.pk), hours=hours.get(vehicle.pk, 0))
        )
    return groups
