"""Benchmark data and scenarios of incidents (see devtools.benchmark): a million incidents
over the bureau, most of them closed, a few hundred open on the board."""

import random
from datetime import timedelta

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.models import Incident, IncidentCategory
from apps.cases.services.taxonomy import taxonomy_seed
from apps.stations.models import Community, Station
from devtools.benchmark import copy_rows, generator, request_scenario

XIPENG = "500107-xipeng"
STATUSES_OPEN = ["received", "assigned", "dispatched", "en_route", "arrived", "handled"]


@generator
def incidents_at_scale(sizes: dict, progress) -> None:
    """Incidents across the bureau's stations over the last two years (COPY)."""
    station = Station.objects.get(code=XIPENG)
    taxonomy_seed(bureau=station.bureau)
    missing = sizes["incidents"] - Incident.objects.count()
    if missing <= 0:
        return
    rng = random.Random(5)
    now = timezone.now()
    categories = list(
        IncidentCategory.objects.filter(bureau=station.bureau, parent__isnull=False).values_list(
            "id", flat=True
        )
    )
    communities = list(
        Community.objects.filter(station__bureau=station.bureau).values_list(
            "id", "station_id", "latitude", "longitude"
        )
    )
    desk = User.objects.get(username="xipeng_desk").pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM cases_incident")
        offset = cursor.fetchone()[0]

    def row(n):
        community, station_id, lat, lon = communities[n % len(communities)]
        received = now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        is_open = n % 3000 == 0
        status = rng.choice(STATUSES_OPEN) if is_open else "closed"
        return [
            station_id,
            f"BENCH-{offset + n:09d}",
            "110",
            rng.choice(categories),
            rng.choice((1, 2, 2, 2, 3)),
            f"139{rng.randint(0, 99_999_999):08d}",
            "",
            "压测地点",
            lat,
            lon,
            community,
            "",
            status,
            received,
            received + timedelta(minutes=2),
            None if is_open else received + timedelta(minutes=90),
            desk,
            "",
            "[]",
            "",
            "" if is_open else rng.choice(("settled", "settled", "case", "mediation", "invalid")),
            1,
            False,
            f"00000000-0000-4000-9000-{offset + n:012d}",
        ]

    copy_rows(
        "cases_incident",
        [
            "station_id",
            "number",
            "source",
            "category_id",
            "priority",
            "caller_phone",
            "caller_name",
            "place_text",
            "latitude",
            "longitude",
            "community_id",
            "description",
            "status",
            "received_at",
            "assigned_at",
            "closed_at",
            "received_by_id",
            "override_reason",
            "checklist",
            "outcome",
            "disposition",
            "caller_recent_calls",
            "is_repeat_caller",
            "client_id",
        ],
        (row(n) for n in range(missing)),
        missing,
        progress,
        "cases_incident",
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_incident")


def _xipeng_incident() -> Incident:
    return (
        Incident.objects.filter(station__code=XIPENG, latitude__isnull=False)
        .order_by("-received_at")
        .first()
    )


@request_scenario("incidents: nearest-post suggestion (API)", persona="xipeng_desk")
def suggestion():
    return reverse("incident-suggestions", args=[_xipeng_incident().pk])


def incidents_page_sql(where: str = "", params: tuple = ()):
    return (
        "SELECT json_agg(t) FROM (SELECT i.id, i.number, i.station_id, i.source, i.category_id, "
        "c.name AS category_name, i.priority, i.status, i.caller_phone, i.place_text, "
        "i.latitude, i.longitude, i.received_at, i.post_id, i.disposition "
        "FROM cases_incident i LEFT JOIN cases_incidentcategory c ON c.id = i.category_id "
        f"WHERE i.station_id = %s {where} ORDER BY i.received_at DESC, i.id DESC LIMIT 50) t",
        [Station.objects.get(code=XIPENG).pk, *params],
    )


def incidents_filtered_sql():
    return incidents_page_sql(
        "AND i.status = 'closed' AND i.category_id = %s", (_xipeng_incident().category_id,)
    )


@request_scenario("incidents: API list (cursor)", persona="xipeng_desk", sql=incidents_page_sql)
def incidents_api():
    return reverse("incident-list")


@request_scenario(
    "incidents: API list, closed ones of a category",
    persona="xipeng_desk",
    sql=incidents_filtered_sql,
)
def incidents_api_filtered():
    category = _xipeng_incident().category_id
    return reverse("incident-list") + f"?status=closed&category={category}"


@request_scenario("incidents: list page", persona="xipeng_desk")
def incidents_page():
    return reverse("cases:incident_list") + "?status=received"


@request_scenario("incidents: command board", persona="xipeng_desk")
def command_board():
    return reverse("cases:board")
