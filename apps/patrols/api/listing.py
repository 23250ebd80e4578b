"""The patrols' API list without model instances or DRF's fields (issue 21, item 4).

Through `PatrolSerializer` a page of 50 patrols built a related manager and a queryset for
every patrol's officers and villages, and asked some 30 fields of each row for its value:
most of the request. Here the page is `values()` and each of its lists one query over the
page's patrols. The JSON is PatrolSerializer's, key for key (tests/patrols/test_tracks_api.py
compares the two); the serializer stays the one for a single patrol and the schema.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from apps.accounts.models import User
from apps.core.api.lean import local_time
from apps.core.masking import mask_phone

from ..models import Patrol, PatrolParticipant, Vehicle, under_way

# values() paths of what the list shows of the patrol itself, with what the page's cursor
# orders by (planned_start, id).
COLUMNS = (
    "id",
    "station",
    "station__name",
    "post",
    "post__name",
    "vehicle",
    "vehicle__plate",
    "vehicle__kind",
    "vehicle__note",
    "mode",
    "status",
    "route",
    "planned_start",
    "planned_end",
    "started_at",
    "ended_at",
    "loudspeaker",
    "note",
    "distance_m",
    "last_latitude",
    "last_longitude",
    "last_seen_at",
)
_TIMES = ("planned_start", "planned_end", "started_at", "ended_at", "last_seen_at")


def render(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = list(rows)
    ids = [row["id"] for row in rows]
    officers, participants = _officers(ids), _participants(ids)
    planned, covered = _villages(Patrol.communities, ids), _villages(Patrol.covered, ids)
    zone, now = timezone.get_current_timezone(), timezone.now()
    out = []
    for row in rows:
        pk = row["id"]
        times = {name: row[name] and local_time(row[name], zone) for name in _TIMES}
        lasted = under_way(row["started_at"], row["ended_at"], now)
        out.append(
            {
                "id": pk,
                "station": row["station"],
                "station_name": row["station__name"],
                "post": row["post"],
                "post_name": row["post__name"],
                "vehicle": row["vehicle"],
                "vehicle_plate": _vehicle(row),
                "mode": row["mode"],
                "status": row["status"],
                "officers": officers.get(pk, []),
                "participants": participants.get(pk, []),
                "communities": [village_id for village_id, _ in planned.get(pk, [])],
                "community_names": [name for _, name in planned.get(pk, [])],
                "route": row["route"],
                "planned_start": times["planned_start"],
                "planned_end": times["planned_end"],
                "started_at": times["started_at"],
                "ended_at": times["ended_at"],
                "duration": None if lasted is None else int(lasted.total_seconds()),
                "loudspeaker": row["loudspeaker"],
                "note": row["note"],
                "distance_m": row["distance_m"],
                "covered": [name for _, name in covered.get(pk, [])],
                "last_latitude": row["last_latitude"],
                "last_longitude": row["last_longitude"],
                "last_seen_at": times["last_seen_at"],
            }
        )
    return out


def _vehicle(row: dict[str, Any]) -> str | None:
    """The vehicle as the serializer names it: its own __str__ (the plate, or a bicycle's
    kind and note)."""
    if row["vehicle"] is None:
        return None
    return str(
        Vehicle(plate=row["vehicle__plate"], kind=row["vehicle__kind"], note=row["vehicle__note"])
    )


def _officers(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each patrol's officers, by family name then given name (patrols_for's order)."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = Patrol.officers.through.objects.filter(patrol_id__in=ids).order_by(
        "user__last_name", "user__first_name"
    )
    columns = ("patrol_id", "user_id", "user__username", "user__last_name", "user__first_name")
    for patrol, pk, username, last_name, first_name in rows.values_list(*columns):
        name = User(last_name=last_name, first_name=first_name).get_full_name()
        found[patrol].append({"id": pk, "username": username, "name": name})
    return found


def _participants(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = PatrolParticipant.objects.filter(patrol_id__in=ids).order_by("pk")
    for patrol, kind, name, phone in rows.values_list("patrol_id", "kind", "name", "phone"):
        found[patrol].append({"kind": kind, "name": name, "phone": mask_phone(phone)})
    return found


def _villages(relation: Any, ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """(id, name) of each patrol's villages of a many-to-many, in the villages' own order."""
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = (
        relation.through.objects.filter(patrol_id__in=ids)
        .order_by("community__station_id", "community__name")
        .values_list("patrol_id", "community_id", "community__name")
    )
    for patrol, pk, name in rows:
        found[patrol].append((pk, name))
    return found
