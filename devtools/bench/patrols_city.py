"""The city's 200M GPS track points (see devtools.bench.stations_city): 100,000 finished
patrols of 2,000 points over the last two years across the city's stations, written by
PostgreSQL into the monthly partitions; and what a month costs to drop.

Patrols start in the order of their ids, as real ones do, so that the points go into one
month's partition at a time. A point's accuracy and speed are left empty (the tablet's
uploads in patrols.py carry them): 16 bytes a row less on a disk that has to hold 200M."""

import time
from datetime import timedelta

from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from apps.accounts.models import User
from apps.core import partitions
from apps.patrols.models import Patrol
from devtools.bench.patrols import OFFICER, POINTS_PER_PATROL, STEP_S
from devtools.bench.stations_city import (
    city_organisation,
    city_sizes,
    history_partitions,
    insert_in_chunks,
)
from devtools.benchmark import delivery_scenario, generator

CITY_HISTORY = "压测·全市巡逻"
DAYS = 730
TABLE = "patrols_trackpoint"

PATROLS_SQL = """
INSERT INTO patrols_patrol
       (created_at, updated_at, mode, status, route, planned_start, started_at, ended_at,
        loudspeaker, note, distance_m, created_by_id, station_id)
SELECT t, t, (ARRAY['foot', 'e_car', 'night_village'])[1 + n %% 3], 'finished', '', t, t,
       t + %(length)s * interval '1 second', false, %(note)s, %(distance)s, %(officer)s,
       (%(stations)s::bigint[])[1 + n %% cardinality(%(stations)s::bigint[])]
  FROM (SELECT n, %(first)s::timestamptz + n * %(spacing)s * interval '1 second' AS t
          FROM generate_series(%(lo)s, %(hi)s) n) s
"""

# A walk around the station: a slow circle of ~300 m, a fix every STEP_S seconds.
POINTS_SQL = """
INSERT INTO patrols_trackpoint (patrol_id, client_id, recorded_at, latitude, longitude, flag)
SELECT p.id, md5(p.id || '.' || j)::uuid, p.started_at + j * %(step)s * interval '1 second',
       29.5 + (p.station_id %% 10) * 0.01 + 0.003 * sin(j / 300.0),
       106.5 + (p.station_id / 10 %% 10) * 0.01 + 0.003 * cos(j / 300.0), 0
  FROM patrols_patrol p CROSS JOIN generate_series(0, %(points)s - 1) j
 WHERE p.note = %(note)s AND p.id BETWEEN %(first_id)s + %(lo)s AND %(first_id)s + %(hi)s
"""


@generator
def tracks_of_the_city(sizes: dict, progress) -> None:
    if not (city := city_sizes(sizes)):
        return
    stations = city_organisation(city)
    wanted = city["track_points"] // POINTS_PER_PATROL
    first = timezone.now() - timedelta(days=DAYS)
    history_partitions(TABLE, first)
    if not Patrol.objects.filter(note=CITY_HISTORY).exists():
        params = {
            "length": STEP_S * POINTS_PER_PATROL,
            "distance": round(1.4 * STEP_S * (POINTS_PER_PATROL - 1)),
            "note": CITY_HISTORY,
            "officer": User.objects.get(username=OFFICER).pk,
            "stations": stations,
            "first": first,
            "spacing": (DAYS - 1) * 86_400 // wanted,
        }
        insert_in_chunks(PATROLS_SQL, params, wanted, 100_000, progress, "city patrols")
    first_id = Patrol.objects.filter(note=CITY_HISTORY).order_by("pk").values_list("pk")[0][0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(patrol_id) FROM patrols_trackpoint WHERE patrol_id >= %s", [first_id]
        )
        last_done = cursor.fetchone()[0]
    # Each chunk is one transaction: a broken-off run goes on after the last patrol it wrote.
    start = 0 if last_done is None else last_done - first_id + 1
    params = {"step": STEP_S, "points": POINTS_PER_PATROL, "note": CITY_HISTORY}
    params["first_id"] = first_id + start
    if wanted > start:
        insert_in_chunks(POINTS_SQL, params, wanted - start, 1_000, progress, "city track points")


@delivery_scenario("patrols: drop the oldest month of city track points")
def drop_a_month():
    """The retention task dropping a month of track points (a few million rows), five
    times: each run drops the oldest month there is, and says how many points went."""
    samples, dropped = [], []
    for _ in range(5):
        months = partitions.months(TABLE)
        name = partitions.partition_name(TABLE, months[0])
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT count(*) FROM "{name}"')
            dropped.append(cursor.fetchone()[0])
        keep = len([m for m in months if m <= timezone.localdate()]) - 1
        with override_settings(PARTITION_RETENTION_MONTHS={TABLE: keep}):
            started = time.perf_counter()
            done = partitions.maintain()
            samples.append(time.perf_counter() - started)
        assert done[TABLE]["dropped"] == [name], done
    return samples, {"points_dropped": dropped}
