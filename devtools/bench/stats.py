"""Benchmark scenarios of the statistics engine (see devtools.benchmark), on the data the
other apps generate (incidents, window log, disputes, patrols, noise …), each against the
hand-written SQL that writes the same rows (RECOMPUTE_SQL: a DELETE of the days, then one
INSERT … SELECT of every metric), so that the ratio is the engine's cost over the database
doing the same job:

- a year recomputed for the bureau. An untimed setup deletes the bureau-year's rows before
  each run of the engine and of the SQL, so that no run finds its days unchanged and skips
  them, and neither pays for deleting;
- the nightly incremental run for one day (yesterday plus what changed), against the same
  script for yesterday, whose rows are deleted before each run likewise. Target: ≤ 5 s at
  full scale."""

from datetime import date, timedelta

from django.conf import settings

from apps.cases.complaints import POLICE_COMPLAINT_CODE
from apps.cases.taxonomy_data import PREVENTABLE_CODES
from apps.noise.complaints import NOISE_CATEGORY_MARK
from apps.stations.models import Bureau
from apps.stats import compute, services
from apps.stats.models import DailyFact
from devtools.bench import stats_pages  # noqa: F401  (the pages' store data and request scenarios)
from devtools.benchmark import batch_scenario

BUREAU = "500107"

_DAY = "({col} AT TIME ZONE %(zone)s)::date"
_IN_BUREAU = "{col} IN (SELECT id FROM st) AND {at} >= %(start)s AND {at} < %(end)s"

# The hand-written equivalent of compute_range: the families' GROUP BYs unpivoted into
# (day, station, post, metric, dimension, value), rolled up to posts, stations and the
# bureau in one GROUPING SETS (a village covered counts once per unit), the percentiles
# computed per unit from the records (they do not add up), and the rows the engine stores
# (no post row for what has no post, no zeros, values rounded as Facts.by_day) written by
# one INSERT. tests/stats/test_recompute_sql.py holds it to the engine's rows.
RECOMPUTE_SQL = """
DELETE FROM stats_dailyfact
 WHERE bureau_id = %(bureau)s AND day >= %(first)s AND day <= %(last)s;
INSERT INTO stats_dailyfact
       (day, unit_kind, unit_id, bureau_id, station_id, metric, dimension, value, computed_at)
WITH st AS (SELECT id FROM stations_station WHERE bureau_id = %(bureau)s),
incidents AS (
    SELECT {d_rec} AS day, i.station_id, i.post_id, i.source,
           COALESCE(p.code, c.code, 'none') AS major,
           count(*) AS n,
           count(*) FILTER (WHERE i.disposition = 'invalid') AS invalid,
           count(*) FILTER (WHERE i.is_repeat_caller) AS repeat,
           sum(i.minutes_saved) AS saved,
           count(*) FILTER (WHERE c.name LIKE %(noise)s AND i.source <> 'sensor') AS noise,
           count(*) FILTER (WHERE c.code = %(complaint)s OR p.code = %(complaint)s) AS complaints,
           count(*) FILTER (WHERE c.kind = 'criminal' AND i.disposition <> 'invalid') AS criminal,
           count(*) FILTER (WHERE (c.code = ANY(%(preventable)s) OR p.code = ANY(%(preventable)s))
                              AND i.disposition <> 'invalid') AS preventable
      FROM cases_incident i
      LEFT JOIN cases_incidentcategory c ON c.id = i.category_id
      LEFT JOIN cases_incidentcategory p ON p.id = c.parent_id
     WHERE {w_rec_i}
     GROUP BY 1, 2, 3, 4, 5
),
groups (day, station_id, post_id, metric, dimension, value) AS (
    SELECT g.day, g.station_id, g.post_id, m.metric, m.dimension, m.value
      FROM incidents g
     CROSS JOIN LATERAL (VALUES
           ('incidents', '', g.n::numeric),
           ('incidents_by_source', g.source, g.n),
           ('incidents_by_category', g.major, g.n),
           ('invalid_calls', '', g.invalid),
           ('repeat_callers', '', g.repeat),
           ('minutes_saved', '', g.saved),
           ('noise_complaints', '', g.noise),
           ('police_complaints', '', g.complaints),
           ('criminal_incidents', '', g.criminal),
           ('preventable_incidents', '', g.preventable)) AS m (metric, dimension, value)
    UNION ALL
    SELECT {d_occ}, station_id, post_id,
           CASE kind WHEN 'consultation' THEN 'consultations' ELSE 'residents_registered' END,
           '', count(*)
      FROM stations_servicelog
     WHERE {w_occ} AND kind IN ('consultation', 'residence_registration')
     GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT {d_iss}, station_id, post_id, 'certificates_issued', '', count(*)
      FROM permits_residencecertificate WHERE {w_iss}
     GROUP BY 1, 2, 3
    UNION ALL
    SELECT {d_iss}, station_id, post_id, 'permits_issued', '', count(*)
      FROM permits_residencepermit WHERE {w_iss}
     GROUP BY 1, 2, 3
    UNION ALL
    SELECT {d_fil}, station_id, {case_post}, 'cases_filed', kind, count(*)
      FROM cases_case c WHERE {w_fil}
     GROUP BY 1, 2, 3, 5
    UNION ALL
    SELECT {d_sol}, station_id, {case_post}, 'cases_solved', kind, count(*)
      FROM cases_case c WHERE {w_sol}
     GROUP BY 1, 2, 3, 5
    UNION ALL
    SELECT {d_rec}, station_id, post_id, 'disputes_received', '', count(*)
      FROM mediation_dispute WHERE {w_rec}
     GROUP BY 1, 2, 3
    UNION ALL
    SELECT {d_con}, station_id, post_id, 'disputes_resolved', '', count(*)
      FROM mediation_dispute WHERE {w_con} AND outcome = 'agreement'
     GROUP BY 1, 2, 3
    UNION ALL
    SELECT {d_con}, station_id, post_id, 'disputes_concluded', '', count(*)
      FROM mediation_dispute WHERE {w_con} AND outcome IN ('agreement', 'failed')
     GROUP BY 1, 2, 3
    UNION ALL
    SELECT {d_sta}, station_id, post_id, 'patrol_hours', '',
           EXTRACT(EPOCH FROM sum(ended_at - started_at)) / 3600
      FROM patrols_patrol
     WHERE {w_sta} AND status = 'finished' AND ended_at IS NOT NULL
     GROUP BY 1, 2, 3
    UNION ALL
    SELECT DISTINCT {d_psta}, p.station_id, p.post_id, 'villages_covered',
           v.community_id::text, 1
      FROM patrols_patrol_covered v JOIN patrols_patrol p ON p.id = v.patrol_id
     WHERE {w_psta} AND p.status = 'finished' AND p.ended_at IS NOT NULL
    UNION ALL
    SELECT {d_fnd}, f.station_id, v.post_id, 'findings_raised', '', count(*)
      FROM patrols_finding f LEFT JOIN stations_community v ON v.id = f.community_id
     WHERE {w_fnd} AND f.trouble
     GROUP BY 1, 2, 3
    UNION ALL
    SELECT {d_hnd}, f.station_id, v.post_id, 'findings_handled', '', count(*)
      FROM patrols_finding f LEFT JOIN stations_community v ON v.id = f.community_id
     WHERE {w_hnd} AND f.trouble AND f.status = 'handled'
     GROUP BY 1, 2, 3
    UNION ALL
    SELECT {d_ope}, s.station_id, s.post_id, 'noise_events', '', count(*)
      FROM noise_noiseevent e JOIN noise_noisesensor s ON s.id = e.sensor_id
     WHERE {w_ope}
     GROUP BY 1, 2, 3
),
rolled AS (
    SELECT day, station_id, post_id, metric, dimension,
           GROUPING(station_id) AS no_station, GROUPING(post_id) AS no_post,
           CASE metric WHEN 'villages_covered' THEN 1 ELSE sum(value) END AS value
      FROM groups
     GROUP BY day, metric, dimension,
              GROUPING SETS ((station_id, post_id), (station_id), ())
),
percentiles AS (
    SELECT day, station_id, post_id,
           GROUPING(station_id) AS no_station, GROUPING(post_id) AS no_post,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes)::numeric AS median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY minutes)::numeric AS p90
      FROM (SELECT {d_rec} AS day, station_id, post_id,
                   EXTRACT(EPOCH FROM arrived_at - received_at) / 60 AS minutes
              FROM cases_incident
             WHERE {w_rec} AND arrived_at IS NOT NULL) AS r
     GROUP BY day, GROUPING SETS ((station_id, post_id), (station_id), ())
),
units AS (
    SELECT * FROM rolled WHERE value <> 0
    UNION ALL
    SELECT q.day, q.station_id, q.post_id, m.metric, '', q.no_station, q.no_post, m.value
      FROM percentiles q
     CROSS JOIN LATERAL (VALUES ('response_median', q.median), ('response_p90', q.p90))
           AS m (metric, value)
)
SELECT day,
       CASE WHEN no_station = 1 THEN 'bureau' WHEN no_post = 1 THEN 'station' ELSE 'post' END,
       CASE WHEN no_station = 1 THEN %(bureau)s WHEN no_post = 1 THEN station_id
            ELSE post_id END,
       %(bureau)s,
       CASE WHEN no_station = 0 THEN station_id END,
       metric, dimension, round(value, 4)::float8, now()
  FROM units
 WHERE no_post = 1 OR post_id IS NOT NULL
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
    w_rec_i=_IN_BUREAU.format(col="i.station_id", at="i.received_at"),
    w_rec=_IN_BUREAU.format(col="station_id", at="received_at"),
    w_occ=_IN_BUREAU.format(col="station_id", at="occurred_at"),
    w_iss=_IN_BUREAU.format(col="station_id", at="issued_at"),
    w_fil=_IN_BUREAU.format(col="station_id", at="filed_at"),
    w_sol=_IN_BUREAU.format(col="station_id", at="solved_at"),
    w_con=_IN_BUREAU.format(col="station_id", at="concluded_at"),
    w_sta=_IN_BUREAU.format(col="station_id", at="started_at"),
    w_psta=_IN_BUREAU.format(col="p.station_id", at="p.started_at"),
    w_fnd=_IN_BUREAU.format(col="f.station_id", at="f.found_at"),
    w_hnd=_IN_BUREAU.format(col="f.station_id", at="f.handled_at"),
    w_ope=_IN_BUREAU.format(col="s.station_id", at="e.opened_at"),
    # A case counts at the post of its first incident that has one.
    case_post="(SELECT i.post_id FROM cases_incident i WHERE i.case_id = c.id "
    "AND i.post_id IS NOT NULL ORDER BY i.received_at, i.id LIMIT 1)",
)


def _year() -> tuple[date, date]:
    last = compute.yesterday()
    return last - timedelta(days=364), last


def recompute_sql(bureau_id: int, first: date, last: date) -> tuple[str, dict]:
    """RECOMPUTE_SQL and its parameters for the bureau's days first..last."""
    start, end = compute.day_bounds(first, last)
    params = {
        "zone": settings.TIME_ZONE,
        "bureau": bureau_id,
        "first": first,
        "last": last,
        "start": start,
        "end": end,
        "noise": f"%{NOISE_CATEGORY_MARK}%",
        "preventable": sorted(PREVENTABLE_CODES),
        "complaint": POLICE_COMPLAINT_CODE,
    }
    return RECOMPUTE_SQL, params


def year_sql():
    return recompute_sql(Bureau.objects.get(code=BUREAU).pk, *_year())


def day_sql():
    day = compute.yesterday()
    return recompute_sql(Bureau.objects.get(code=BUREAU).pk, day, day)


def _forget(first: date, last: date) -> None:
    """Delete the bureau's rows of the days, so that the next run writes them all."""
    DailyFact.objects.filter(bureau__code=BUREAU, day__gte=first, day__lte=last)._raw_delete(
        using="default"
    )


def forget_year() -> None:
    _forget(*_year())


def forget_yesterday() -> None:
    _forget(compute.yesterday(), compute.yesterday())


@batch_scenario(
    "stats: year recompute for the bureau", sql=year_sql, setup=forget_year, sql_setup=forget_year
)
def year_recompute():
    first, last = _year()
    return compute.compute_range(Bureau.objects.get(code=BUREAU), first, last)


@batch_scenario(
    "stats: nightly incremental, one day",
    sql=day_sql,
    setup=forget_yesterday,
    sql_setup=forget_yesterday,
)
def nightly_one_day():
    return services.nightly_bureau(bureau=Bureau.objects.get(code=BUREAU))
