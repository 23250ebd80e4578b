"""The station's gazetteer: every name a caller may use for a place of the station, with a
point — the villages and communities, their roads and groups (from the standard
addresses), the posts and the station, the real units (hotels, shops, enterprises), and the
landmarks learned from past incidents (the place texts the desk confirmed with a point).

Names only: standard addresses below a road (number, building, unit, room) are numbers,
looked up in the database when the text names them (matcher.refine), so the gazetteer stays
thousands of names per station however many addresses the registry holds.

Each process keeps the gazetteer of the stations it matched for, built again when a
community, post, unit or address of the station is saved (a version in the shared cache)
and at the latest every LANDMARK_SECONDS, which is how new incidents' places come in.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Avg, Count
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .normalize import Parsed, parse

LANDMARK_SECONDS = 300
LANDMARK_DAYS = 730  # the incidents whose places are remembered
LANDMARKS_MAX = 5000  # the most recent distinct places of those


@dataclass(frozen=True)
class Entry:
    name: str  # as the desk reads it: 迎新村, 迎新村三组, 西彭园区警务站, 迎新村村口
    kind: str  # community, road, post, station, unit, landmark
    latitude: float
    longitude: float
    community_id: int | None
    community_name: str
    parsed: Parsed
    turned: str = ""  # a road's name said the other way round: the road, then its village


@dataclass
class Gazetteer:
    station_id: int
    prefixes: tuple[str, ...]
    entries: list[Entry]
    keys: list[str]  # entries' names as compared, in the same order
    sounds: list[str]  # and as they sound
    version: int
    built: float


_built: dict[int, Gazetteer] = {}


def _version_key(station_id: int) -> str:
    return f"places:version:{station_id}"


def prefixes_of(station) -> tuple[str, ...]:
    """The administrative names a caller may put before a place of `station`."""
    town = station.name.removesuffix("派出所")
    district = station.bureau.name.removesuffix("分局")
    # The longer first: 西彭镇 before 西彭, which callers leave out of 西彭园区警务站 too.
    return tuple(p for p in (district, f"{town}镇", f"{town}街道", f"{town}乡", town) if p)


def build(station) -> Gazetteer:
    from apps.cases.models import Incident
    from apps.registry.models import Address, Unit
    from apps.stations import boundaries
    from apps.stations.models import Community, Post

    prefixes = prefixes_of(station)
    entries: list[Entry] = []
    seen: set[tuple] = set()

    def add(name, kind, latitude, longitude, community=None, turned="") -> None:
        if latitude is None or longitude is None or not name:
            return
        parsed = parse(name, prefixes=prefixes)
        identity = (parsed.name, tuple(sorted(parsed.parts.items())))
        if identity in seen:  # the same place said the same way: the first (standard) wins
            return
        seen.add(identity)
        entries.append(
            Entry(
                name=name,
                kind=kind,
                latitude=float(latitude),
                longitude=float(longitude),
                community_id=community.pk if community else None,
                community_name=community.name if community else "",
                parsed=parsed,
                turned=turned,
            )
        )

    communities = {c.pk: c for c in Community.objects.filter(station=station)}
    for community in communities.values():
        add(community.name, "community", community.latitude, community.longitude, community)
    roads = (
        Address.objects.filter(station=station)
        .values("community_id", "road")
        .annotate(lat=Avg("latitude"), lon=Avg("longitude"), n=Count("id"))
        .order_by("community_id", "road")
    )
    for road in roads:
        community = communities.get(road["community_id"])
        if community is None:
            continue
        lat = road["lat"] if road["lat"] is not None else community.latitude
        lon = road["lon"] if road["lon"] is not None else community.longitude
        # Named with its village or community (迎新村三组, 歇台子社区渝州路): the same street
        # runs through several communities, and callers who leave the community out still
        # match (the name lies within).
        turned = parse(f"{road['road']}{community.name}", prefixes=prefixes).name
        add(f"{community.name}{road['road']}", "road", lat, lon, community, turned)

    def village_at(latitude, longitude):
        """The village or community whose boundary holds the point (a post's, the
        station's), so that a match on it fills the village too."""
        if latitude is None or longitude is None:
            return None
        return next(
            (
                c
                for c in communities.values()
                if c.boundary and boundaries.contains(c.boundary, latitude, longitude)
            ),
            None,
        )

    for post in Post.objects.filter(station=station):
        add(
            post.name,
            "post",
            post.latitude,
            post.longitude,
            village_at(post.latitude, post.longitude),
        )
    add(
        station.name,
        "station",
        station.latitude,
        station.longitude,
        village_at(station.latitude, station.longitude),
    )
    units = Unit.objects.filter(station=station).select_related("address__community")
    for unit in units:
        address = unit.address
        community = address.community
        add(
            unit.name,
            "unit",
            address.latitude if address.latitude is not None else community.latitude,
            address.longitude if address.longitude is not None else community.longitude,
            community,
        )
    since = timezone.now() - timedelta(days=LANDMARK_DAYS)
    landmarks = (
        Incident.objects.filter(station=station, received_at__gte=since, latitude__isnull=False)
        .order_by("-received_at")
        .values_list("place_text", "latitude", "longitude", "community_id")[:LANDMARKS_MAX]
    )
    for text, lat, lon, community_id in landmarks:
        add(text, "landmark", lat, lon, communities.get(community_id))
    return Gazetteer(
        station_id=station.pk,
        prefixes=prefixes,
        entries=entries,
        keys=[entry.parsed.name for entry in entries],
        sounds=[entry.parsed.sound for entry in entries],
        version=cache.get(_version_key(station.pk), 0),
        built=time.monotonic(),
    )


def for_station(station) -> Gazetteer:
    """The station's gazetteer, built again when its places changed."""
    kept = _built.get(station.pk)
    if (
        kept is None
        or cache.get(_version_key(station.pk), 0) != kept.version
        or time.monotonic() - kept.built > LANDMARK_SECONDS
    ):
        kept = _built[station.pk] = build(station)
    return kept


def forget() -> None:
    """Drop the gazetteers this process keeps (they are built again when next needed)."""
    _built.clear()


def _changed(sender, instance, **kwargs) -> None:
    station_id = getattr(instance, "station_id", None)
    if station_id is None:
        return
    key = _version_key(station_id)
    if not cache.add(key, 1, timeout=None):
        try:
            cache.incr(key)
        except ValueError:  # evicted in between
            cache.set(key, 1, timeout=None)


def connect_signals() -> None:
    from apps.registry.models import Address, Unit
    from apps.stations.models import Community, Post

    for model in (Community, Post, Unit, Address):
        post_save.connect(_changed, sender=model, dispatch_uid=f"places-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"places-del-{model.__name__}")
