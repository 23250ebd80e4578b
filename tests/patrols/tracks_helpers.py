"""A patrol of 西彭派出所 through 迎新村 (29.52, 106.52) and the points its tablet sends."""

import itertools
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apps.core.geo import haversine_km
from apps.core.testing.personas import XIPENG_COMMUNITY
from apps.patrols.services import patrol_create, patrol_start

LOCAL = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 6, 1, 19, 0, tzinfo=LOCAL)
# 迎新村 lies at CommunityFactory's 29.52, 106.52; the walk starts 2 km south of it.
LAT0, LON0 = 29.502, 106.52


def planned_patrol(org, *, start=True, at=START, **extra):
    officer = org.user(XIPENG_COMMUNITY)
    fields = {
        "by": officer,
        "post": org.park_post,
        "mode": "foot",
        "planned_start": at,
        "officers": [officer],
        "communities": [org.yingxin],
        **extra,
    }
    patrol = patrol_create(**fields)
    if start:
        patrol = patrol_start(patrol=patrol, by=officer, now=at)
    return patrol


def walk(n, *, start=START, step_s=10, dlat=0.0001, lat=LAT0, lon=LON0, offset=0):
    """n points northward, one every step_s seconds, ~11 m apart (4 km/h): walking."""
    return [
        {
            "client_id": uuid.uuid5(uuid.NAMESPACE_URL, f"point-{lat}-{lon}-{offset + i}"),
            "recorded_at": start + timedelta(seconds=step_s * (offset + i)),
            "latitude": lat + dlat * (offset + i),
            "longitude": lon,
            "accuracy": 5.0,
            "speed": None,
        }
        for i in range(n)
    ]


def path_m(points) -> float:
    """The length of the points in time order, in metres."""
    ordered = sorted(points, key=lambda p: p["recorded_at"])
    return sum(
        haversine_km(a["latitude"], a["longitude"], b["latitude"], b["longitude"]) * 1000
        for a, b in itertools.pairwise(ordered)
    )


def as_json(points):
    return [
        {**p, "client_id": str(p["client_id"]), "recorded_at": p["recorded_at"].isoformat()}
        for p in points
    ]
