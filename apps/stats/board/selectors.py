"""The command room's live board (可视化指挥): what the wall screen shows,
built for one user's scope in a constant number of queries whatever the number of rows.

Everything goes through `restrict()`: a 双凤 officer sees 双凤 only, a sub-bureau admin
their bureau. Lists are bounded (the wall shows the most urgent and oldest first; the
counters say how many there are in all). Patrols and noise events are shown to users whose
role may read them; for the others those parts are `None`.

Colours: an open incident is coloured by its status, and its age (minutes since it was
received) puts it in a band — `new`, `waiting`, `late` while nobody has arrived yet,
`on_scene` once officers are there — which the map draws as a larger, ringed marker.
"""

import statistics
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, overload

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Func, Max, Prefetch, Q, Window
from django.utils import timezone

from apps.cases.choices import CategoryKind, Disposition, IncidentStatus
from apps.cases.models import Incident
from apps.core.timefmt import iso
from apps.noise.models import NoiseEvent
from apps.patrols.choices import PatrolMode, PatrolStatus
from apps.patrols.models import Patrol
from apps.stations.models import Post

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from apps.accounts.models import User

# An open incident is one not yet closed, handled ones included: what the board shows and
# counts, and what the desk's home counters count (selectors.home_counters).
OPEN_STATUSES = (
    IncidentStatus.RECEIVED,
    IncidentStatus.ASSIGNED,
    IncidentStatus.DISPATCHED,
    IncidentStatus.EN_ROUTE,
    IncidentStatus.ARRIVED,
    IncidentStatus.HANDLED,
)
# Nobody on the scene yet: the age of these is what the command room watches.
AWAITING_ARRIVAL = OPEN_STATUSES[:4]
STATUS_COLORS: dict[str, str] = {
    IncidentStatus.RECEIVED: "#dc3545",  # red: nobody has it yet
    IncidentStatus.ASSIGNED: "#fd7e14",  # orange: a post has it
    IncidentStatus.DISPATCHED: "#ffc107",  # yellow: officers sent
    IncidentStatus.EN_ROUTE: "#0dcaf0",  # cyan: on the way
    IncidentStatus.ARRIVED: "#198754",  # green: on the scene
    IncidentStatus.HANDLED: "#6c757d",  # grey: handled, not yet closed
}
# Minutes since receipt: below WAITING an incident is new, from LATE on it is late.
WAITING_AFTER = 10
LATE_AFTER = 30

POSTS_LIMIT = 1000
INCIDENTS_LIMIT = 300
PATROLS_LIMIT = 200
NOISE_LIMIT = 200


def age_band(status: str, minutes: float) -> str:
    if status not in AWAITING_ARRIVAL:
        return "on_scene"
    if minutes >= LATE_AFTER:
        return "late"
    if minutes >= WAITING_AFTER:
        return "waiting"
    return "new"


def _float(value: float | Decimal | None) -> float | None:
    return None if value is None else float(value)


@overload
def _minutes(since: datetime, now: datetime) -> int: ...
@overload
def _minutes(since: None, now: datetime) -> None: ...
def _minutes(since: datetime | None, now: datetime) -> int | None:
    return None if since is None else max(0, int((now - since).total_seconds() // 60))


def _person(user: "User") -> str:
    return user.get_full_name() or user.username


class _Epoch(Func):
    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    output_field = FloatField()


class _Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _response_minutes(today: "QuerySet[Incident]", counts: dict[str, Any]) -> float | None:
    """Median of arrival − receipt over today's arrived incidents, in minutes: PostgreSQL's
    percentile_cont rode along in the counters' query (it skips the NULLs of those not
    arrived); elsewhere the durations are fetched and the median taken here (one query)."""
    if "median" in counts:
        seconds = counts["median"]
    else:
        pairs = today.filter(arrived_at__isnull=False).values_list("received_at", "arrived_at")
        durations = [
            (done - start).total_seconds() for start, done in pairs if done is not None
        ]  # (`done` is never None here: the filter; the test tells the types)
        seconds = statistics.median(durations) if durations else None
    return None if seconds is None else round(seconds / 60, 1)


def _posts(user: "User", known_version: str | None) -> tuple[str, list[dict[str, Any]] | None]:
    """The posts and their version (how many, last changed). Posts rarely change while the
    wall screen polls: a caller that names the current version gets None instead of the
    list (a bureau has hundreds of posts)."""
    posts = Post.objects.restrict(user).filter(is_active=True, latitude__isnull=False)
    summary = posts.aggregate(n=Count("pk"), last=Max("updated_at"))
    version = f"{summary['n']}-{summary['last'].timestamp() if summary['last'] else 0}"
    if known_version == version:
        return version, None
    rows = posts.order_by("station_id", "name").values(
        "id", "name", "latitude", "longitude", "station__name"
    )[:POSTS_LIMIT]
    return version, [
        {
            "id": row["id"],
            "name": row["name"],
            "station": row["station__name"],
            "lat": _float(row["latitude"]),
            "lon": _float(row["longitude"]),
        }
        for row in rows
    ]


def _incidents(user: "User", now: datetime) -> list[dict[str, Any]]:
    # Labels once per call: a model's get_FOO_display() hashes its lazy choices every time.
    labels: dict[str, str] = {value: str(label) for value, label in IncidentStatus.choices}
    rows = (
        Incident.objects.restrict(user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("category", "post", "community")
        .only(
            "number",
            "status",
            "priority",
            "received_at",
            "latitude",
            "longitude",
            "place_text",
            "category__name",
            "post__name",
            "community__latitude",
            "community__longitude",
        )
        .order_by("priority", "received_at", "pk")[:INCIDENTS_LIMIT]
    )
    incidents: list[dict[str, Any]] = []
    for incident in rows:
        minutes = _minutes(incident.received_at, now)
        lat, lon = incident.latitude, incident.longitude
        if lat is None and incident.community is not None:
            # No coordinates of its own: drawn at its village's.
            lat, lon = incident.community.latitude, incident.community.longitude
        incidents.append(
            {
                "id": incident.pk,
                "number": incident.number,
                "status": incident.status,
                "status_label": labels[incident.status],
                "priority": incident.priority,
                "minutes": minutes,
                "received_at": iso(incident.received_at),
                "lat": _float(lat),
                "lon": _float(lon),
                "place": incident.place_text,
                "category": incident.category.name if incident.category else "",
                "post": incident.post.name if incident.post else "",
                "color": STATUS_COLORS[incident.status],
                "band": age_band(incident.status, minutes),
                "url": incident.get_absolute_url(),
            }
        )
    return incidents


def _patrols(user: "User") -> tuple[int, list[dict[str, Any]]]:
    modes = {value: str(label) for value, label in PatrolMode.choices}
    officers = Prefetch(
        "officers",
        queryset=get_user_model().objects.only("username", "first_name", "last_name"),
    )
    rows = list(
        Patrol.objects.restrict(user)
        .filter(status=PatrolStatus.ACTIVE)
        .select_related("post")
        .prefetch_related(officers)
        .only(
            "mode",
            "route",
            "started_at",
            "last_latitude",
            "last_longitude",
            "last_seen_at",
            "post__name",
        )
        .annotate(total=Window(Count("pk")))
        .order_by("-last_seen_at", "-pk")[:PATROLS_LIMIT]
    )
    return rows[0].total if rows else 0, [
        {
            "id": patrol.pk,
            "mode": patrol.mode,
            "mode_label": modes.get(patrol.mode, patrol.mode),
            "route": patrol.route,
            "post": patrol.post.name if patrol.post else "",
            "officers": [_person(officer) for officer in patrol.officers.all()],
            "started_at": iso(patrol.started_at),
            "lat": patrol.last_latitude,
            "lon": patrol.last_longitude,
            "seen_at": iso(patrol.last_seen_at),
        }
        for patrol in rows
    ]


def _noise_events(user: "User", now: datetime) -> tuple[int, list[dict[str, Any]]]:
    rows = list(
        NoiseEvent.objects.restrict(user)
        .filter(closed_at__isnull=True)
        .select_related("sensor")
        .only(
            "opened_at",
            "peak",
            "limit",
            "sensor__name",
            "sensor__latitude",
            "sensor__longitude",
            "sensor__last_db_a",
        )
        .annotate(total=Window(Count("pk")))
        .order_by("opened_at", "pk")[:NOISE_LIMIT]
    )
    return rows[0].total if rows else 0, [
        {
            "id": event.pk,
            "sensor": event.sensor.name,
            "level": _float(event.sensor.last_db_a),
            "peak": _float(event.peak),
            "limit": event.limit,
            "since": iso(event.opened_at),
            "minutes": _minutes(event.opened_at, now),
            "lat": _float(event.sensor.latitude),
            "lon": _float(event.sensor.longitude),
        }
        for event in rows
    ]


def today_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """Today in local time, [midnight, the next midnight): the counters' "today"."""
    start = timezone.localtime(now or timezone.now()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return start, start + timedelta(days=1)


def board_data(
    *, user: "User", now: datetime | None = None, posts_version: str | None = None
) -> dict[str, Any]:
    """The live board for `user` (whose role may view incidents): posts, open incidents,
    patrols under way, open noise events and today's counters. With the `posts_version` of
    an earlier answer, `posts` is None while they have not changed."""
    now = now or timezone.now()
    day_start, day_end = today_bounds(now)
    incidents = Incident.objects.restrict(user)
    today = incidents.filter(received_at__gte=day_start, received_at__lt=day_end)
    invalid = Q(disposition=Disposition.INVALID) | Q(category__kind=CategoryKind.INVALID)
    aggregates: dict[str, Aggregate] = {
        "incidents": Count("pk"),
        "dispatched": Count("pk", filter=Q(dispatched_at__isnull=False)),
        "arrived": Count("pk", filter=Q(arrived_at__isnull=False)),
        "invalid": Count("pk", filter=invalid),
    }
    if connection.vendor == "postgresql":
        aggregates["median"] = _Median(_Epoch(F("arrived_at") - F("received_at")))
    counts = today.aggregate(**aggregates)
    by_status = dict(
        incidents.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    open_by_status = {status.value: by_status.get(status, 0) for status in OPEN_STATUSES}
    counters: dict[str, Any] = {
        "incidents_today": counts["incidents"],
        "open": sum(open_by_status.values()),
        "open_by_status": open_by_status,
        "dispatched_today": counts["dispatched"],
        "arrived_today": counts["arrived"],
        "invalid_today": counts["invalid"],
        "median_response_today": _response_minutes(today, counts),
        "patrols_under_way": None,
        "noise_open": None,
    }
    version, posts = _posts(user, posts_version)
    data: dict[str, Any] = {
        "at": iso(now),
        "posts_version": version,
        "posts": posts,
        "incidents": _incidents(user, now),
        "patrols": None,
        "noise_events": None,
        "counters": counters,
    }
    # The totals ride on the bounded lists (a window count), not in queries of their own.
    if user.has_perm("patrols.view_patrol"):
        counters["patrols_under_way"], data["patrols"] = _patrols(user)
    if user.has_perm("noise.view_noiseevent"):
        counters["noise_open"], data["noise_events"] = _noise_events(user, now)
    return data
