"""The city's 50M noise readings (see devtools.bench.stations_city): a sensor at each of
the 100 stations reporting once a minute for the last year, written by PostgreSQL into
the monthly partitions, with the noise page's 5-minute steps of the last two days."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from apps.accounts.models import User
from apps.noise.models import NoiseReading, NoiseSensor
from apps.noise.services import sensor_create
from apps.noise.steps import rebuild_steps
from apps.stations.models import Station
from devtools.bench.stations_city import (
    city_organisation,
    city_sizes,
    history_partitions,
    insert_in_chunks,
)
from devtools.benchmark import generator

# Levels about 55 dB(A), louder by day than by night, within what a sensor may report.
READINGS_SQL = """
INSERT INTO noise_noisereading (sensor_id, at, db_a)
SELECT s, t, round((50 + 8 * sin(extract(epoch FROM t) / 13751.0) + (n %% 17) / 2.0)::numeric, 1)
  FROM (SELECT (%(sensors)s::bigint[])[1 + n %% %(sensor_count)s] AS s, n,
               %(last)s::timestamptz - (n / %(sensor_count)s) * interval '1 minute' AS t
          FROM generate_series(%(offset)s::bigint + %(lo)s, %(offset)s::bigint + %(hi)s) n) r
"""


def _city_sensors(stations: list[int]) -> list[int]:
    admin = User.objects.get(username="admin")
    for station in Station.objects.filter(pk__in=stations, noise_sensors__isnull=True):
        sensor_create(
            by=admin,
            station=station,
            name=f"压测全市传感器{station.pk}",
            latitude=station.latitude or Decimal("29.5"),
            longitude=station.longitude or Decimal("106.5"),
            zone_class="2",
        )
    return list(
        NoiseSensor.objects.filter(name__startswith="压测全市传感器")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@generator
def readings_of_the_city(sizes: dict, progress) -> None:
    if not (city := city_sizes(sizes)):
        return
    sensors = _city_sensors(city_organisation(city))
    done = NoiseReading.objects.filter(sensor_id__in=sensors).count()
    missing = city["noise_readings"] - NoiseReading.objects.count()
    if missing <= 0:
        return
    last = timezone.now().replace(second=0, microsecond=0)
    history_partitions(
        "noise_noisereading", last - timedelta(minutes=(done + missing) // len(sensors) + 1)
    )
    params = {"sensors": sensors, "sensor_count": len(sensors), "last": last, "offset": done}
    insert_in_chunks(READINGS_SQL, params, missing, 1_000_000, progress, "city noise readings")
    rebuild_steps(last - timedelta(days=2))
