"""Reads that cross relations, already restricted to the user's scope."""

from datetime import datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.core.filters import record_id
from apps.core.scoping import VIEW, scoped_rows

from .choices import ServiceKind, StaffKind
from .models import (
    Community,
    CommunityAppointment,
    PoliceDistrict,
    Post,
    ServiceLog,
    StaffAssignment,
    Station,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from apps.accounts.models import User


def working_station(user: "User", chosen: object = None, action: str = VIEW) -> Station | None:
    """The station a page or call works on: the one chosen (`?station=`, in scope), else
    the user's own, else the first of a bureau admin's scope; None when there is none."""
    stations = Station.objects.restrict(user, action).select_related("bureau")
    if chosen:
        pk = record_id(chosen)
        return None if pk is None else stations.filter(pk=pk).first()
    own = stations.filter(pk=user.station_id).first() if user.station_id else None
    return own or stations.first()


def service_counters_today(*, user: "User") -> dict[str, object]:
    """Today's services at the user's post (if any) and in their whole scope, by type."""
    today = ServiceLog.objects.restrict(user).on_day(timezone.localdate())
    by_kind = dict(today.values_list("kind").annotate(n=Count("id")).order_by())
    totals = today.aggregate(
        total=Count("id"),
        at_my_post=Count("id", filter=Q(post_id=user.post_id)) if user.post_id else Count(None),
    )
    return {
        "rows": [(value, label, by_kind.get(value, 0)) for value, label in ServiceKind.choices],
        "total": totals["total"],
        "at_my_post": totals["at_my_post"] if user.post_id else None,
    }


def appointments_of(
    *,
    user: "User",
    community: Community | None = None,
    officer: StaffAssignment | None = None,
) -> QuerySet[CommunityAppointment]:
    """Officers' village appointments the user may see, of one village or one officer:
    current ones first, then the ended, newest first."""
    appointments = CommunityAppointment.objects.restrict(user).select_related(
        "officer", "community"
    )
    if community is not None:
        appointments = appointments.filter(community=community)
    if officer is not None:
        appointments = appointments.filter(officer=officer)
    return appointments.order_by(F("ended_on").desc(nulls_first=True), "-started_on", "id")


def districts_of(*, user: "User") -> QuerySet[PoliceDistrict]:
    """The police districts a community officer answers for: named responsible, else
    those of their post."""
    districts = PoliceDistrict.objects.restrict(user).select_related("post")
    mine = districts.filter(responsible_officers=user)
    if not mine.exists() and user.post_id:
        mine = districts.filter(post_id=user.post_id)
    return mine.prefetch_related(
        Prefetch("communities", queryset=Community.objects.order_by("name"))
    )


def _count(model: type[models.Model], **filters: object) -> Coalesce:
    rows = (
        scoped_rows(model)
        .filter(station=OuterRef("pk"), **filters)
        .order_by()
        .values("station")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def station_overview(*, user: "User") -> QuerySet[Station]:
    """Each station in scope with its number of posts, communities, staff and today's services,
    in one query whatever the number of stations."""
    day_start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return (
        Station.objects.restrict(user)
        .select_related("bureau")
        .annotate(
            post_count=_count(Post, is_active=True),
            community_count=_count(Community),
            staff_count=_count(StaffAssignment, ended_on__isnull=True),
            services_today=_count(ServiceLog, occurred_at__gte=day_start),
        )
    )


def post_staff_counts(*, post: Post) -> "list[tuple[StrOrPromise, int]]":
    """(kind label, how many) of the post's current staff, in the order of StaffKind: one
    query however many members (the post was already read in the user's scope)."""
    found = dict(
        StaffAssignment.objects.filter(post=post, ended_on__isnull=True)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("kind", "n")
    )
    return [(label, found[kind]) for kind, label in StaffKind.choices if found.get(kind)]


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def map_places(
    *, user: "User", station_id: int | None = None
) -> dict[str, list[dict[str, object]]]:
    """What every map draws beneath its own data (static/js/map.js): the stations' HQs, the
    posts in service, and the villages and communities with their boundaries (GeoJSON, or
    None), in the user's scope, or in one of its stations. Three queries whatever the size."""
    stations = Station.objects.restrict(user)
    posts = Post.objects.restrict(user).filter(is_active=True)
    communities = Community.objects.restrict(user)
    if station_id is not None:
        stations = stations.filter(pk=station_id)
        posts = posts.filter(station_id=station_id)
        communities = communities.filter(station_id=station_id)
    point = ("id", "name", "latitude", "longitude")
    return {
        "stations": [
            {
                "id": s["id"],
                "name": s["name"],
                "lat": _float(s["latitude"]),
                "lon": _float(s["longitude"]),
            }
            for s in stations.order_by("pk").values(*point)
        ],
        "posts": [
            {
                "id": p["id"],
                "name": p["name"],
                "station": p["station_id"],
                "lat": _float(p["latitude"]),
                "lon": _float(p["longitude"]),
            }
            for p in posts.order_by("pk").values(*point, "station_id")
        ],
        "communities": [
            {
                "id": c["id"],
                "name": c["name"],
                "kind": c["kind"],
                "station": c["station_id"],
                "lat": _float(c["latitude"]),
                "lon": _float(c["longitude"]),
                "boundary": c["boundary"],
            }
            for c in communities.order_by("pk").values(*point, "kind", "station_id", "boundary")
        ],
    }
