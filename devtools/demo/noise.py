"""The seeds' noise scene: a decibel sensor on a camera pole of 歇台子社区广场 (zone class 1),
yesterday evening's square dance at 72 dB(A) from 20:30 (an event that opened and closed by
itself) and the last hour of today's levels for the curve. Idempotent: keyed on the sensor."""

from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import User
from apps.noise.models import NoiseSensor
from apps.noise.selectors import LOCAL
from apps.noise.services import readings_ingest, sensor_create
from apps.stations.models import Community, Station

SENSOR_NAME = "歇台子社区广场"


def _readings(start, minutes, level):
    return [{"at": start + timedelta(seconds=s), "db_a": level} for s in range(0, minutes * 60, 10)]


def seed_noise() -> int:
    """Returns the sensors created on this run (0 or 1)."""
    station = Station.objects.filter(code="500107-xietaizi").first()
    if station is None or NoiseSensor.objects.filter(station=station, name=SENSOR_NAME).exists():
        return 0
    community = Community.objects.get(station=station, name="歇台子社区")
    sensor, _key = sensor_create(  # the key is not kept: issue a new one in admin to use it
        by=User.objects.get(username="admin"),
        station=station,
        community=community,
        post=community.post,
        name=SENSOR_NAME,
        latitude=community.latitude,
        longitude=community.longitude,
        zone_class="1",
        contacts=list(User.objects.filter(station=station)),
    )
    now = timezone.now().astimezone(LOCAL).replace(microsecond=0)
    evening = (now - timedelta(days=1)).replace(hour=20, minute=20, second=0)
    for start, minutes, level in [
        (evening, 10, 52),  # before the dance: under the day limit of 55
        (evening + timedelta(minutes=10), 12, 72),  # the loudspeaker, 20:30–20:42
        (evening + timedelta(minutes=22), 15, 48),  # turned down: closes at 20:47
    ]:
        readings_ingest(sensor=sensor, readings=_readings(start, minutes, level))
    # Quiet for the curve: under the night limit (45) too, or a seed run at night would open
    # an event of its own.
    readings_ingest(sensor=sensor, readings=_readings(now - timedelta(hours=1), 59, 42))
    return 1
