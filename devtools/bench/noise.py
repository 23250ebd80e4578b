"""Benchmark data and scenarios of noise sensors (see devtools.benchmark): millions of
readings from 20 sensors over the bureau, sustained ingestion through the service the API
uses (target: at least 20,000 readings/s, with the rolling LAeq) — each run 10 batches
of 1,000 readings from 5 sensors in turn, reported as readings/s — and the noise page and
events list.

The ingesting sensors start afresh at every bench (their readings and events deleted, two
days back from now), so that repeated benches never run into the future."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.noise.models import MAX_DB, MIN_DB, NoiseEvent, NoiseReading, NoiseSensor, NoiseStep
from apps.noise.services import readings_ingest, sensor_create
from apps.noise.steps import rebuild_steps
from apps.stations.models import Bureau, Community
from devtools.benchmark import batch_scenario, copy_rows, generator, request_scenario

SENSORS = 20
BATCH = 1_000
INGEST_BATCHES = 10
INGEST_SENSORS = [f"压测传感器-写入{i}" for i in range(1, 6)]


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
    # One ingesting sensor per community, as far as there are communities.
    ingesting = zip(INGEST_SENSORS, communities, strict=False)
    _reset_ingesting([_sensor(name, community) for name, community in ingesting])
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
    # What the ingest keeps beside the readings it stores: the page's 5-minute steps.
    rebuild_steps(oldest - timedelta(seconds=10 * per_sensor))


def _reset_ingesting(sensors) -> None:
    """The ingesting sensors without readings, events or state: each bench starts them two
    days back (a run of 5 timings takes in about three hours of each one's readings)."""
    ids = [sensor.pk for sensor in sensors]
    NoiseEvent.objects.filter(sensor_id__in=ids).delete()
    NoiseReading.objects.filter(sensor_id__in=ids).delete()
    NoiseStep.objects.filter(sensor_id__in=ids).delete()
    NoiseSensor.objects.filter(pk__in=ids).update(
        last_reading_at=None,
        last_db_a=None,
        over_since=None,
        run_peak=None,
        under_since=None,
        loud_until=None,
    )


def _next_readings(start) -> list[dict]:
    """BATCH one-second readings from `start`: loud and quiet minutes in turn, so that the
    state machine opens and closes events as it goes."""
    return [
        {"at": start + timedelta(seconds=s), "db_a": 75 if (s // 240) % 3 == 0 else 45}
        for s in range(BATCH)
    ]


def _ingest():
    """INGEST_BATCHES batches of BATCH readings through readings_ingest (what the readings
    endpoint calls), the ingesting sensors in turn, each carrying on from its last reading."""
    sensors = list(NoiseSensor.objects.filter(name__in=INGEST_SENSORS).order_by("name"))
    two_days_ago = timezone.now() - timedelta(days=2)
    for i in range(INGEST_BATCHES):
        sensor = sensors[i % len(sensors)]
        start = (sensor.last_reading_at or two_days_ago) + timedelta(seconds=1)
        readings = _next_readings(start)
        result = readings_ingest(sensor=sensor, readings=readings)
        if result.processed != BATCH:
            raise RuntimeError(f"{sensor.name}: {result.processed} of {BATCH} readings taken")
        sensor.last_reading_at = readings[-1]["at"]


def _insert_sql():
    # The same rows as one INSERT ... ON CONFLICT DO NOTHING, no state machine, into an
    # ingesting sensor (emptied at the next bench). Each execution picks its own 3-hour slot
    # (one random draw per statement) so that the 5 timings insert rather than collide.
    sensor = NoiseSensor.objects.get(name=INGEST_SENSORS[0])
    sql = (
        "INSERT INTO noise_noisereading (sensor_id, at, db_a) "
        "SELECT %s, slot.start + n * interval '1 second', 60 "
        "FROM generate_series(1, %s) n, "
        "(SELECT %s - floor(random() * 100000) * interval '3 hours' AS start) slot "
        "ON CONFLICT DO NOTHING RETURNING id"
    )
    return sql, [sensor.pk, BATCH * INGEST_BATCHES, timezone.now() - timedelta(days=30)]


batch_scenario(
    f"noise: ingest {BATCH * INGEST_BATCHES:,} readings ({INGEST_BATCHES}×{BATCH})",
    sql=_insert_sql,
    items=BATCH * INGEST_BATCHES,
    unit="readings",
)(_ingest)


@request_scenario("noise: page (levels, events, curves)", persona="jlp_admin")
def noise_page():
    return reverse("noise:dashboard")


def noise_events_page_sql():
    """The first page of the bureau's events as the API gives them: sensor name, incident
    number, the repeats of the week before, the excess over the limit."""
    return (
        "SELECT json_agg(t) FROM (SELECT e.id, e.sensor_id AS sensor, s.name AS sensor_name, "
        'e.opened_at, e.closed_at, e.peak, e.laeq, e.peak AS lmax, e."limit", '
        'e.laeq - e."limit" AS excess, e.peak - e."limit" AS lmax_excess, e.period, '
        "e.trigger, e.incident_id AS incident, i.number AS incident_number, "
        "(SELECT count(*) FROM noise_noiseevent p WHERE p.sensor_id = e.sensor_id "
        " AND p.opened_at < e.opened_at AND p.opened_at >= e.opened_at - interval '7 days') "
        "AS repeats_in_week "
        "FROM noise_noiseevent e JOIN noise_noisesensor s ON s.id = e.sensor_id "
        "JOIN stations_station st ON st.id = s.station_id "
        "LEFT JOIN cases_incident i ON i.id = e.incident_id "
        "WHERE st.bureau_id = %s ORDER BY e.opened_at DESC, e.id DESC LIMIT 50) t",
        [Bureau.objects.get(code="500107").pk],
    )


@request_scenario("noise: API events list", persona="jlp_admin", sql=noise_events_page_sql)
def noise_events_api():
    return reverse("noiseevent-list")
