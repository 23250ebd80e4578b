"""Benchmark scenarios of the statistics engine (see apps.core.benchmark), on the data the
other apps generate (incidents, window log, noise …):

- a year recomputed for the bureau, against the hand-written SQL of the same aggregates
  (every family's GROUP BY over the year, percentiles by GROUPING SETS) — the ratio is the
  cost of the engine over reading the answer; it also writes the rows: an untimed setup
  deletes the bureau-year's rows before each run, so that no run finds its days unchanged
  and skips them;
- the nightly incremental run for one day (yesterday plus what changed), against the same
  aggregates for one day, yesterday's rows deleted before each run likewise. Target: ≤ 5 s
  at full scale."""

from datetime import date, timedelta

from apps.core.benchmark import batch_scenario
from apps.stations.models import Bureau

from . import (
    bench_pages,  # noqa: F401  (the pages' store data and request scenarios)
    compute,
    services,
)
from .models import DailyFact

BUREAU = "500107"

_DAY = "({col} AT TIME ZONE %(zone)s)::date"

_SQL = """
WITH st AS (SELECT id FROM stations_station WHERE bureau_id = %(bureau)s)
SELECT 'service', {d_occ}, station_id, post_id, kind::text, count(*)::float8,
       NULL::float8, NULL::float8, NULL::float8, NULL::float8
  FROM stations_servicelog
 WHERE station_id IN (SELECT id FROM st) AND occurred_at >= %(start)s AND occurred_at < %(end)s
   AND kind IN ('consultation', 'residence_registration')
 GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'incident', {d_rec}, i.station_id, i.post_id,
       i.source || '/' || COALESCE(p.code, c.code, 'none'),
       count(*), count(*) FILTER (WHERE i.disposition = 'invalid'),
       count(*) FILTER (WHERE i.is_repeat_caller), sum(i.minutes_saved),
       count(*) FILTER (WHERE c.name LIKE '%%噪声%%' AND i.source <> 'sensor')
  FROM cases_incident i
  LEFT JOIN cases_incidentcategory c ON c.id = i.category_id
  LEFT JOIN cases_incidentcategory p ON p.id = c.parent_id
 WHERE i.station_id IN (SELECT id FROM st) AND i.received_at >= %(start)s
   AND i.received_at < %(end)s
 GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'response', day, station_id, post_id, NULL,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY minutes), NULL, NULL, NULL
  FROM (SELECT {d_rec} AS day, station_id, post_id,
               EXTRACT(EPOCH FROM arrived_at - received_at) / 60.0 AS minutes
          FROM cases_incident
         WHERE station_id IN (SELECT id FROM st) AND received_at >= %(start)s
           AND received_at < %(end)s AND arrived_at IS NOT NULL) AS r
 GROUP BY GROUPING SETS ((day, station_id, post_id), (day, station_id), (day))
UNION ALL
SELECT 'certificate', {d_iss}, station_id, post_id, NULL, count(*), NULL, NULL, NULL, NULL
  FROM permits_residencecertificate
 WHERE station_id IN (SELECT id FROM st) AND issued_at >= %(start)s AND issued_at < %(end)s
 GROUP BY 2, 3, 4
UNION ALL
SELECT 'permit', {d_iss}, station_id, post_id, NULL, count(*), NULL, NULL, NULL, NULL
  FROM permits_residencepermit
 WHERE station_id IN (SELECT id FROM st) AND issued_at >= %(start)s AND issued_at < %(end)s
 GROUP BY 2, 3, 4
UNION ALL
SELECT 'filed', {d_fil}, station_id, {case_post}, kind, count(*), NULL, NULL, NULL, NULL
  FROM cases_case c
 WHERE station_id IN (SELECT id FROM st) AND filed_at >= %(start)s AND filed_at < %(end)s
 GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'solved', {d_sol}, station_id, {case_post}, kind, count(*), NULL, NULL, NULL, NULL
  FROM cases_case c
 WHERE station_id IN (SELECT id FROM st) AND solved_at >= %(start)s AND solved_at < %(end)s
 GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'received', {d_rec}, station_id, post_id, NULL, count(*), NULL, NULL, NULL, NULL
  FROM mediation_dispute
 WHERE station_id IN (SELECT id FROM st) AND received_at >= %(start)s AND received_at < %(end)s
 GROUP BY 2, 3, 4
UNION ALL
SELECT 'resolved', {d_con}, station_id, post_id, NULL, count(*), NULL, NULL, NULL, NULL
  FROM mediation_dispute
 WHERE station_id IN (SELECT id FROM st) AND outcome = 'agreement'
   AND concluded_at >= %(start)s AND concluded_at < %(end)s
 GROUP BY 2, 3, 4
UNION ALL
SELECT 'patrol', {d_sta}, station_id, post_id, NULL,
       EXTRACT(EPOCH FROM sum(ended_at - started_at)) / 3600, NULL, NULL, NULL, NULL
  FROM patrols_patrol
 WHERE station_id IN (SELECT id FROM st) AND status = 'finished' AND ended_at IS NOT NULL
   AND started_at >= %(start)s AND started_at < %(end)s
 GROUP BY 2, 3, 4
UNION ALL
SELECT DISTINCT 'village', {d_psta}, p.station_id, p.post_id, v.community_id::text,
       1::float8, NULL::float8, NULL::float8, NULL::float8, NULL::float8
  FROM patrols_patrol_covered v JOIN patrols_patrol p ON p.id = v.patrol_id
 WHERE p.station_id IN (SELECT id FROM st) AND p.status = 'finished'
   AND p.ended_at IS NOT NULL AND p.started_at >= %(start)s AND p.started_at < %(end)s
UNION ALL
SELECT 'found', {d_fnd}, f.station_id, v.post_id, NULL, count(*), NULL, NULL, NULL, NULL
  FROM patrols_finding f LEFT JOIN stations_community v ON v.id = f.community_id
 WHERE f.station_id IN (SELECT id FROM st) AND f.trouble
   AND f.found_at >= %(start)s AND f.found_at < %(end)s
 GROUP BY 2, 3, 4
UNION ALL
SELECT 'handled', {d_hnd}, f.station_id, v.post_id, NULL, count(*), NULL, NULL, NULL, NULL
  FROM patrols_finding f LEFT JOIN stations_community v ON v.id = f.community_id
 WHERE f.station_id IN (SELECT id FROM st) AND f.trouble AND f.status = 'handled'
   AND f.handled_at >= %(start)s AND f.handled_at < %(end)s
 GROUP BY 2, 3, 4
UNION ALL
SELECT 'noise', {d_ope}, s.station_id, s.post_id, NULL, count(*), NULL, NULL, NULL, NULL
  FROM noise_noiseevent e JOIN noise_noisesensor s ON s.id = e.sensor_id
 WHERE s.station_id IN (SELECT id FROM st) AND e.opened_at >= %(start)s
   AND e.opened_at < %(end)s
 GROUP BY 2, 3, 4
""".format(
    d_occ=_DAY.format(col="occurred_at"),
    d_rec=_DAY.format(col="received_at"),
    d_iss=_DAY.format(col="issued_at"),
    d_fil=_DAY.format(col="filed_at"),
    d_sol=_DAY.format(col="solved_at"),
    d_con=_DAY.format(col="concluded_at"),
    d_sta=_DAY.format(col="started_at"),
    d_psta=_DAY.format(col="p.started_at"),
    d_ope=_DAY.format(col="e.opened_at"),
    d_fnd=_DAY.format(col="f.found_at"),
    d_hnd=_DAY.format(col="f.handled_at"),
    # A case counts at the post of its first incident that has one.
    case_post="(SELECT i.post_id FROM cases_incident i WHERE i.case_id = c.id "
    "AND i.post_id IS NOT NULL ORDER BY i.received_at, i.id LIMIT 1)",
)


def _year() -> tuple[date, date]:
    last = compute.yesterday()
    return last - timedelta(days=364), last


def _sql(first: date, last: date):
    from django.conf import settings

    start, end = compute.day_bounds(first, last)
    bureau = Bureau.objects.get(code=BUREAU)
    params = {"zone": settings.TIME_ZONE, "bureau": bureau.pk, "start": start, "end": end}
    return _SQL, params


def year_sql():
    return _sql(*_year())


def day_sql():
    day = compute.yesterday()
    return _sql(day, day)


def _forget(first: date, last: date) -> None:
    """Delete the bureau's rows of the days, so that the next run writes them all."""
    DailyFact.objects.filter(bureau__code=BUREAU, day__gte=first, day__lte=last)._raw_delete(
        using="default"
    )


def forget_year() -> None:
    _forget(*_year())


def forget_yesterday() -> None:
    _forget(compute.yesterday(), compute.yesterday())


@batch_scenario("stats: year recompute for the bureau", sql=year_sql, setup=forget_year)
def year_recompute():
    first, last = _year()
    return compute.compute_range(Bureau.objects.get(code=BUREAU), first, last)


@batch_scenario("stats: nightly incremental, one day", sql=day_sql, setup=forget_yesterday)
def nightly_one_day():
    return services.nightly_bureau(bureau=Bureau.objects.get(code=BUREAU))
