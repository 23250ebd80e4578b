"""Benchmark data and scenarios of the organisation (see devtools.benchmark)."""

import random
import uuid
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.stations import selectors
from apps.stations.choices import CommunityKind, PostKind, ServiceKind
from apps.stations.models import Bureau, Community, Post, ServiceLog, Station
from devtools.benchmark import batch_scenario, copy_rows, generator, request_scenario

# Characters of Chongqing place names, combined into names that do not collide.
PLACE_CHARACTERS = (
    "金龙华新石桥花园彭城西大堡渝州马王歇台坪湾兴福宝泥迎凤山水岩白市驿铜罐陶家走中梁"
)
# Service mix of a station window: consultations dominate (the park post's first year).
SERVICE_WEIGHTS = {
    ServiceKind.CONSULTATION: 45,
    ServiceKind.RESIDENCE_REGISTRATION: 30,
    ServiceKind.RESIDENCE_PERMIT: 8,
    ServiceKind.HOUSEHOLD: 6,
    ServiceKind.CERTIFICATE: 5,
    ServiceKind.LOST_DRIVING_LICENCE: 2,
    ServiceKind.LOST_AND_FOUND: 2,
    ServiceKind.OTHER: 2,
}


def place_name(index: int) -> str:
    pool, n = PLACE_CHARACTERS, len(PLACE_CHARACTERS)
    name = pool[index % n] + pool[(index // n) % n]
    if index >= n * n:
        name += pool[(index // (n * n)) % n]
    return name


def _near(value: Decimal, rng: random.Random, spread: float = 0.04) -> Decimal:
    return (value + Decimal(str(round(rng.uniform(-spread, spread), 6)))).quantize(
        Decimal("0.000001")
    )


@generator
def organisation_at_scale(sizes: dict, progress) -> None:
    """Posts and communities spread over the demo stations, up to the scale's counts."""
    rng = random.Random(2026)
    stations = list(Station.objects.order_by("id"))
    now = timezone.now()
    for model, table, size, kinds, suffix in (
        (Post, "stations_post", sizes["posts"], [PostKind.POST, PostKind.ROOM], "警务站"),
        (
            Community,
            "stations_community",
            sizes["communities"],
            [CommunityKind.VILLAGE, CommunityKind.COMMUNITY],
            "社区",
        ),
    ):
        missing = size - model.objects.count()
        if missing <= 0:
            continue
        taken = set(model.objects.values_list("station_id", "name"))

        def rows(missing=missing, taken=taken, kinds=kinds, suffix=suffix, table=table):
            index = 0
            for made in range(missing):
                station = stations[made % len(stations)]
                while (station.id, name := f"{place_name(index)}{suffix}") in taken:
                    index += 1
                taken.add((station.id, name))
                kind = rng.choice(kinds)
                common = [
                    now,
                    now,
                    station.id,
                    name,
                    kind,
                    _near(station.latitude, rng),
                    _near(station.longitude, rng),
                ]
                if table == "stations_post":
                    yield [*common, "", "", None, True, station.area]
                else:
                    yield [*common, rng.randint(800, 12000), ""]

        columns = [
            "created_at",
            "updated_at",
            "station_id",
            "name",
            "kind",
            "latitude",
            "longitude",
        ]
        columns += (
            ["address", "phone", "opened_on", "is_active", "area"]
            if table == "stations_post"
            else ["population", "note"]
        )
        copy_rows(table, columns, rows(), missing, progress, table)


@generator
def service_logs_at_scale(sizes: dict, progress) -> None:
    """A year of window services at the demo stations and their posts."""
    missing = sizes["service_logs"] - ServiceLog.objects.count()
    if missing <= 0:
        return
    rng = random.Random(11)
    posts_by_station = {}
    for post_id, station_id in Post.objects.values_list("id", "station_id")[:2000]:
        posts_by_station.setdefault(station_id, []).append(post_id)
    stations = list(posts_by_station)
    recorder = User.objects.get(username="xipeng_desk").pk
    kinds, weights = list(SERVICE_WEIGHTS), list(SERVICE_WEIGHTS.values())
    now = timezone.now()

    def rows():
        for _ in range(missing):
            station = rng.choice(stations)
            post = rng.choice(posts_by_station[station]) if rng.random() < 0.7 else None
            at = now - timedelta(seconds=rng.randint(0, 365 * 24 * 3600))
            yield [station, post, rng.choices(kinds, weights)[0], at, "", recorder, uuid.uuid4()]

    columns = [
        "station_id",
        "post_id",
        "kind",
        "occurred_at",
        "note",
        "recorded_by_id",
        "client_id",
    ]
    copy_rows("stations_servicelog", columns, rows(), missing, progress, "stations_servicelog")


def _bureau_id() -> int:
    return Bureau.objects.get(code="500107").pk


def posts_page_sql(offset: int = 0):
    return (
        "SELECT json_agg(t) FROM (SELECT p.id, p.station_id AS station, p.name, p.kind, "
        "p.address, p.phone, p.latitude, p.longitude, p.opened_on, p.is_active "
        "FROM stations_post p JOIN stations_station s ON s.id = p.station_id "
        "WHERE s.bureau_id = %s ORDER BY p.station_id, p.name LIMIT 50 OFFSET %s) t",
        [_bureau_id(), offset],
    )


def _middle_page() -> int:
    # The middle of the bureau's pages of 50 (at the city scale most posts are elsewhere).
    return max(1, Post.objects.filter(station__bureau_id=_bureau_id()).count() // 100)


def posts_middle_page_sql():
    return posts_page_sql(offset=(_middle_page() - 1) * 50)


def stations_page_sql():
    return (
        "SELECT json_agg(t) FROM (SELECT id, bureau_id AS bureau, name, code, organ_code, "
        "address, phone, latitude, longitude, area, area_km2 FROM stations_station "
        "WHERE bureau_id = %s ORDER BY bureau_id, code LIMIT 50) t",
        [_bureau_id()],
    )


def communities_page_sql():
    return (
        "SELECT json_agg(t) FROM (SELECT c.id, c.station_id AS station, c.district_id AS "
        "district, c.post_id AS post, c.name, c.kind, c.latitude, c.longitude, c.population, "
        "c.note FROM stations_community c JOIN stations_station s ON s.id = c.station_id "
        "WHERE s.bureau_id = %s ORDER BY c.station_id, c.name LIMIT 50) t",
        [_bureau_id()],
    )


def service_logs_page_sql():
    station = Station.objects.get(code="500107-xipeng").pk
    return (
        "SELECT json_agg(t) FROM (SELECT id, station_id AS station, post_id AS post, kind, "
        "occurred_at, note, recorded_by_id AS recorded_by, client_id FROM stations_servicelog "
        "WHERE station_id = %s ORDER BY occurred_at DESC, id DESC LIMIT 50) t",
        [station],
    )


@request_scenario("stations: list page", persona="jlp_admin")
def stations_page():
    return reverse("stations:station_list")


@request_scenario("stations: API list", persona="jlp_admin", sql=stations_page_sql)
def stations_api():
    return reverse("station-list")


@request_scenario("posts: list page", persona="jlp_admin")
def posts_page():
    return reverse("stations:post_list")


@request_scenario("posts: API list", persona="jlp_admin", sql=posts_page_sql)
def posts_api():
    return reverse("post-list")


@request_scenario("posts: API list, middle page", persona="jlp_admin", sql=posts_middle_page_sql)
def posts_api_deep():
    # Offset pagination at its worst reasonable depth: the middle of the bureau's posts.
    return reverse("post-list") + f"?page={_middle_page()}"


@request_scenario("communities: list page", persona="jlp_admin")
def communities_page():
    return reverse("stations:community_list")


@request_scenario("communities: API list", persona="jlp_admin", sql=communities_page_sql)
def communities_api():
    return reverse("community-list")


@request_scenario(
    "service log: API list (cursor)", persona="xipeng_desk", sql=service_logs_page_sql
)
def service_logs_api():
    return reverse("servicelog-list")


@request_scenario("service log: list page", persona="xipeng_desk")
def service_logs_page():
    return reverse("stations:servicelog_list")


@request_scenario("home: desk officer", persona="xipeng_desk")
def home_desk():
    return reverse("home")


@request_scenario("home: station leader", persona="xipeng_leader")
def home_leader():
    return reverse("home")


@request_scenario("home: sub-bureau admin", persona="jlp_admin")
def home_bureau():
    return reverse("home")


def station_overview_sql():
    day_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        "SELECT s.id, s.name, "
        "(SELECT count(*) FROM stations_post p WHERE p.station_id = s.id AND p.is_active), "
        "(SELECT count(*) FROM stations_community c WHERE c.station_id = s.id), "
        "(SELECT count(*) FROM stations_staffassignment a "
        " WHERE a.station_id = s.id AND a.ended_on IS NULL), "
        "(SELECT count(*) FROM stations_servicelog l "
        " WHERE l.station_id = s.id AND l.occurred_at >= %s) "
        "FROM stations_station s WHERE s.bureau_id = %s ORDER BY s.bureau_id, s.code",
        [day_start, _bureau_id()],
    )


@batch_scenario("station overview of a bureau", sql=station_overview_sql)
def station_overview():
    return list(selectors.station_overview(user=User.objects.get(username="jlp_admin")))
