"""Benchmark data and scenarios of noise sensors (see apps.core.benchmark): millions of
readings from 20 sensors over the bureau, ingestion of 1,000-reading batches through the
real service (issue 8: at least 2,000 readings/s), and the noise page and events list."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.core.benchmark import batch_scenario, copy_rows, generator, request_scenario
from apps.stations.models import Community

from .models import MAX_DB, MIN_DB, NoiseReading, NoiseSensor
from .services import readings_ingest, sensor_create

SENSORS = 20
BATCH = 1_000
INGEST_SENSOR = "压测传感器-写入"


def _sensor(name, community):
    found = NoiseSensor.objects.filter(name=name).first()
    if found:
        return found
    sensor, _key = sensor_create(
        by=User.objects.get(username="admin"),
        station=community.station,
        community=community,
        name=name,
        latitude=community.latitude or Decimal("29.5"),
        longitude=community.longitude or Decimal("106.5"),
        zone_class=random.Random(name).choice(["1", "2", "4a"]),
    )
    return sensor


@generator
def noise_readings_at_scale(sizes: dict, progress) -> None:
    """Readings every 10 s from 20 sensors in 九龙坡's communities, back from now (COPY)."""
    communities = list(
        Community.objects.filter(station__bureau__code="500107").order_by("pk")[:SENSORS]
    )
    sensors = [_sensor(f"压测传感器{i:02d}", c) for i, c in enumerate(communities)]
    _sensor(INGEST_SENSOR, communities[0])
    missing = sizes["noise_readings"] - NoiseReading.objects.count()
    if missing <= 0 or not sensors:
        return
    rng = random.Random(8)
    # Back from now (or from where an earlier, smaller run stopped): today's curves on the
    # noise page then carry a full day of readings per sensor.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(at) FROM noise_noisereading WHERE sensor_id = ANY(%s)",
            [[s.pk for s in sensors]],
        )
        oldest = cursor.fetchone()[0] or timezone.now()
    per_sensor = missing // len(sensors) + 1

    def rows():
        for sensor in sensors:
            for n in range(1, per_sensor + 1):
                # Clamped to what a sensor may report: millions of draws reach past 4.5 σ.
                level = min(max(round(rng.gauss(55, 8), 1), float(MIN_DB)), float(MAX_DB))
                yield [sensor.pk, oldest - timedelta(seconds=10 * n), level]

    total = per_sensor * len(sensors)
    copy_rows("noise_noisereading", ["sensor_id", "at", "db_a"], rows(), total, progress, "noise")


def _ingest_batch():
    """The next 1,000 one-second readings of the ingestion sensor: loud and quiet minutes in
    turn, so that the state machine opens and closes events as it goes."""
    sensor = NoiseSensor.objects.get(name=INGEST_SENSOR)
    start = (sensor.last_reading_at or timezone.now() - timedelta(days=2)) + timedelta(seconds=1)
    readings = [
        {"at": start + timedelta(seconds=s), "db_a": 75 if (s // 240) % 3 == 0 else 45}
        for s in range(BATCH)
    ]
    return readings_ingest(sensor=sensor, readings=readings)


def _insert_sql():
    # The same 1,000 rows as one INSERT ... ON CONFLICT DO NOTHING, no state machine.
    sensor = NoiseSensor.objects.get(name=INGEST_SENSOR)
    start = timezone.now() - timedelta(days=30)
    sql = (
        "INSERT INTO noise_noisereading (sensor_id, at, db_a) "
        "SELECT %s, %s + n * interval '1 second', 60 FROM generate_series(1, %s) n "
        "ON CONFLICT DO NOTHING RETURNING id"
    )
    return sql, [sensor.pk, start, BATCH]


batch_scenario("noise: ingest a 1,000-reading batch", sql=_insert_sql)(_ingest_batch)


@request_scenario("noise: page (levels, events, curves)", persona="jlp_admin")
def noise_page():
    return reverse("noise:dashboard")


@request_scenario("noise: API events list", persona="jlp_admin")
def noise_events_api():
    return reverse("noiseevent-list")
