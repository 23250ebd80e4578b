"""The noise events' API list without DRF's fields (issue 21, item 4).

Through `NoiseEventSerializer` a page built the serializer's 19 fields afresh and asked
each of them for each event's value: as much as the page's query. Here the same events
(with their sensor, station and incident, and `repeats_in_week`) are written straight to
the serializer's JSON, with its own rules (`lasted`, `incident_grounds`) and its decimals;
tests/noise/test_api.py holds the two equal. The serializer stays for one event and the
schema.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from apps.core.api.lean import local_time

from ..models import NoiseEvent
from ..selectors import BureauSettings, incident_grounds, lasted

# The serializer's decimals (dB(A) to one place), written as it writes them.
_DB = serializers.DecimalField(max_digits=4, decimal_places=1)


def _db(value: Decimal | None) -> str | None:
    return None if value is None else _DB.to_representation(value)


def render(events: Iterable[NoiseEvent]) -> list[dict[str, Any]]:
    configs = BureauSettings()  # each bureau's rules read once for the page
    zone = timezone.get_current_timezone()
    out = []
    for event in events:
        grounds = incident_grounds(event, configs[event.sensor.station.bureau_id])
        out.append(
            {
                "id": event.pk,
                "sensor": event.sensor_id,
                "sensor_name": event.sensor.name,
                "opened_at": local_time(event.opened_at, zone),
                "closed_at": event.closed_at and local_time(event.closed_at, zone),
                "peak": _db(event.peak),
                "laeq": _db(event.laeq),
                "lmax": _db(event.peak),
                "limit": event.limit,
                "excess": _db(event.excess),
                "lmax_excess": _db(event.lmax_excess),
                "duration_seconds": int(lasted(event).total_seconds()),
                "period": event.period,
                "trigger": event.trigger,
                "incident": event.incident_id,
                "incident_number": event.incident.number if event.incident else None,
                "repeats_in_week": event.repeats_in_week,  # type: ignore[attr-defined]
                "incident_grounds": grounds,
                "qualifies_for_incident": bool(grounds),
            }
        )
    return out
