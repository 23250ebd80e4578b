"""The time-partitioned streams (issue 21, item 1; apps.core.partitions) on the test
database as the migrations left it: PostgreSQL partitions by month (CI), SQLite keeps
plain tables."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from apps.core import partitions
from apps.core.months import month_start
from apps.core.partitions import STREAMS, partition_name
from apps.noise.models import NoiseReading
from tests.noise.conftest import make_sensor

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"
only_postgres = pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's partitions (CI runs it)")
READINGS = "noise_noisereading"


def rows_in(table: str) -> dict[str, int]:
    """How many rows each partition of `table` holds."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT tableoid::regclass::text, count(*) FROM "{table}" GROUP BY 1')
        return dict(cursor.fetchall())


def local(day, hour=8):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def test_each_stream_is_partitioned_by_month_on_postgresql_and_plain_on_sqlite():
    today = timezone.localdate()
    for stream in STREAMS:
        assert partitions.is_partitioned(stream.table) is POSTGRES
        if not POSTGRES:
            continue
        ahead = [month_start(today, n) for n in range(4)]  # this month and three ahead
        assert set(ahead) <= set(partitions.months(stream.table))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype = 'p'",
                [stream.table],
            )
            assert cursor.fetchone() == (
                f"{stream.table}_pkey",
                f"PRIMARY KEY (id, {stream.column})",
            )
    if not POSTGRES:
        assert partitions.maintain() == {}


@only_postgres
def test_a_months_query_reads_that_month_only(org):
    sensor, _ = make_sensor(org)
    month = month_start(timezone.localdate())
    NoiseReading.objects.create(sensor=sensor, at=local(month), db_a=Decimal("50"))
    NoiseReading.objects.create(sensor=sensor, at=local(month) - timedelta(days=400), db_a=51)
    in_month = NoiseReading.objects.filter(
        at__gte=local(month, 0), at__lt=local(month_start(month, 1), 0)
    )
    plan = in_month.explain()
    assert partition_name(READINGS, month) in plan
    assert set(rows_in(READINGS)) == {partition_name(READINGS, month), f"{READINGS}_default"}
    assert f"{READINGS}_default" not in plan and list(in_month.values_list("db_a", flat=True)) == [
        50
    ]


@only_postgres
def test_every_streams_range_reads_plan_only_the_months_in_the_range():
    month = month_start(timezone.localdate(), 1)
    start, end = local(month, 0), local(month_start(month, 2), 0)  # two whole months
    for stream in STREAMS:
        with connection.cursor() as cursor:
            cursor.execute(
                f'EXPLAIN SELECT * FROM "{stream.table}" WHERE "{stream.column}" >= %s'
                f' AND "{stream.column}" < %s',
                [start, end],
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
        read = {name for name in partitions_of(stream.table) if name in plan}
        assert read == {
            partition_name(stream.table, month),
            partition_name(stream.table, month_start(month, 1)),
        }, (stream.table, plan)


def partitions_of(table: str) -> list[str]:
    return [partition_name(table, m) for m in partitions.months(table)] + [f"{table}_default"]


@only_postgres
def test_maintenance_makes_the_months_ahead_taking_their_rows_out_of_the_default(org, settings):
    sensor, _ = make_sensor(org)
    later = month_start(timezone.localdate(), 5)
    NoiseReading.objects.create(sensor=sensor, at=local(later), db_a=Decimal("60"))
    assert rows_in(READINGS) == {f"{READINGS}_default": 1}
    settings.PARTITION_MONTHS_AHEAD = 6
    done = partitions.maintain()
    assert done[READINGS]["made"] == [
        partition_name(READINGS, month_start(timezone.localdate(), n)) for n in (4, 5, 6)
    ]
    assert rows_in(READINGS) == {partition_name(READINGS, later): 1}
    assert partitions.maintain()[READINGS] == {"made": [], "dropped": []}  # once only


@only_postgres
def test_old_months_are_dropped_and_the_access_log_keeps_183_days(settings):
    today = timezone.localdate()
    old = {table: month_start(today, -30) for table in (READINGS, "core_accesslog")}
    with connection.cursor() as cursor:
        for table, month in old.items():
            partitions._make_months(cursor, table, month, month)
        for months_back in (7, 9):  # the access log: 7 months back kept, 9 dropped below
            month = month_start(today, -months_back)
            partitions._make_months(cursor, "core_accesslog", month, month)
    settings.PARTITION_RETENTION_MONTHS = {
        **settings.PARTITION_RETENTION_MONTHS,
        READINGS: 24,
        "core_accesslog": 1,  # asks for a month: kept 8, the least that covers 183 days
    }
    done = partitions.maintain()
    assert done[READINGS]["dropped"] == [partition_name(READINGS, old[READINGS])]
    assert done["core_accesslog"]["dropped"] == [
        partition_name("core_accesslog", old["core_accesslog"]),
        partition_name("core_accesslog", month_start(today, -9)),
    ]
    kept = partitions.months("core_accesslog")
    assert month_start(today, -7) in kept
    assert (today - month_start(today, -7)).days >= 183
    assert partitions.maintain()["cases_incidentevent"]["dropped"] == []  # kept for good


@only_postgres
def test_the_conversion_keeps_the_rows_indexes_and_constraints(org):
    """A plain table with rows, as before the migration, converted in a schema of its own."""
    sensor, _ = make_sensor(org)
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA conversion")
        cursor.execute("SET LOCAL search_path TO conversion, public")
        cursor.execute(
            f"CREATE TABLE {READINGS} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
            " at timestamptz NOT NULL, db_a numeric(4, 1) NOT NULL,"
            " sensor_id bigint NOT NULL REFERENCES public.noise_noisesensor (id),"
            " CONSTRAINT noise_reading_unique_time UNIQUE (sensor_id, at))"
        )
        cursor.execute(f"CREATE INDEX noise_reading_sensor ON {READINGS} (sensor_id)")
        now = timezone.now()
        for days in (0, 40, 800):
            cursor.execute(
                f"INSERT INTO {READINGS} (at, db_a, sensor_id) VALUES (%s, 55, %s)",
                [now - timedelta(days=days), sensor.pk],
            )
        partitions.convert(connection, READINGS)
        assert partitions.is_partitioned(READINGS)
        cursor.execute(f"SELECT count(*), max(id) FROM {READINGS}")
        assert cursor.fetchone() == (3, 3)
        cursor.execute(
            f"INSERT INTO {READINGS} (at, db_a, sensor_id) VALUES (%s, 56, %s) RETURNING id",
            [now + timedelta(seconds=1), sensor.pk],
        )
        assert cursor.fetchone() == (4,)  # the identity goes on from the copied rows
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'conversion'"
            f" AND tablename = '{READINGS}'"
        )
        assert {row[0] for row in cursor.fetchall()} == {
            f"{READINGS}_pkey",
            "noise_reading_unique_time",
            "noise_reading_sensor",
        }
        oldest = month_start(timezone.localdate(now - timedelta(days=800)))
        assert partitions.months(READINGS)[0] == oldest
