"""The city's 20M incidents over two years (see devtools.bench.stations_city), written by
PostgreSQL: spread evenly over the 100 stations, received in the order of their ids, each
of a category of its station's bureau; one in 3,000 still open."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.models import Incident
from apps.cases.services.taxonomy import taxonomy_seed
from apps.stations.models import Bureau
from devtools.bench.cases import STATUSES_OPEN
from devtools.bench.stations_city import DISTRICTS, city_organisation, city_sizes, insert_in_chunks
from devtools.benchmark import generator

DAYS = 730

INCIDENTS_SQL = """
WITH st AS (SELECT s.id, s.bureau_id, s.latitude, s.longitude,
                   row_number() OVER (ORDER BY s.id) AS k
              FROM stations_station s WHERE s.id = ANY(%(stations)s)),
     cat AS (SELECT c.id, c.bureau_id, row_number() OVER (PARTITION BY c.bureau_id
                                                          ORDER BY c.id) AS k
               FROM cases_incidentcategory c WHERE c.parent_id IS NOT NULL)
INSERT INTO cases_incident
       (station_id, number, source, category_id, priority, caller_phone, caller_name,
        place_text, latitude, longitude, description, status, received_at, assigned_at,
        closed_at, received_by_id, override_reason, checklist, outcome, disposition,
        caller_recent_calls, is_repeat_caller, client_id)
SELECT st.id, 'CITY-' || lpad(n::text, 9, '0'), '110', cat.id, 1 + n %% 3,
       '139' || lpad(((n * 7919) %% 100000000)::text, 8, '0'), '', '压测地点',
       st.latitude, st.longitude, '', CASE WHEN n %% 3000 = 0 THEN
       (%(open)s::text[])[1 + n / 3000 %% 6] ELSE 'closed' END,
       t, t + interval '2 minutes',
       CASE WHEN n %% 3000 = 0 THEN NULL ELSE t + interval '90 minutes' END,
       %(desk)s, '', '[]', '',
       CASE WHEN n %% 3000 = 0 THEN ''
            ELSE (ARRAY['settled', 'settled', 'case', 'mediation', 'invalid'])[1 + n %% 5] END,
       1, false, md5('city-incident.' || n)::uuid
  FROM (SELECT n, %(first)s::timestamptz + n * %(spacing)s * interval '1 millisecond' AS t
          FROM generate_series(%(offset)s::bigint + %(lo)s, %(offset)s::bigint + %(hi)s) n) i
  JOIN st ON st.k = 1 + n %% %(station_count)s
  JOIN cat ON cat.bureau_id = st.bureau_id AND cat.k = 1 + (n * 31) %% %(category_count)s
"""


@generator
def incidents_of_the_city(sizes: dict, progress) -> None:
    if not (city := city_sizes(sizes)):
        return
    stations = city_organisation(city)
    for bureau in Bureau.objects.filter(code__in=DISTRICTS):
        taxonomy_seed(bureau=bureau)
    done = Incident.objects.filter(number__startswith="CITY-").count()
    missing = city["incidents"] - Incident.objects.count()
    if missing <= 0:
        return
    with connection.cursor() as cursor:
        # Every bureau has the same taxonomy: as many categories to choose from in each.
        cursor.execute(
            "SELECT min(n) FROM (SELECT count(*) AS n FROM cases_incidentcategory"
            " WHERE parent_id IS NOT NULL AND bureau_id IN"
            " (SELECT id FROM stations_bureau WHERE code = ANY(%s)) GROUP BY bureau_id) c",
            [list(DISTRICTS)],
        )
        category_count = cursor.fetchone()[0]
    total = done + missing
    params = {
        "stations": stations,
        "station_count": len(stations),
        "category_count": category_count,
        "open": STATUSES_OPEN,
        "desk": User.objects.get(username="xipeng_desk").pk,
        "first": timezone.now() - timedelta(days=DAYS),
        "spacing": DAYS * 86_400_000 // total,
        "offset": done,
    }
    insert_in_chunks(INCIDENTS_SQL, params, missing, 500_000, progress, "city incidents")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_incident")
