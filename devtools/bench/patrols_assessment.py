"""Benchmark of the monthly assessment (see devtools.benchmark): patrols with their
officers, planned areas and covered villages, and findings, over 九龙坡's stations for the
last two years (COPY); the scenario computes the twelve months of the last full year for
the bureau and is timed against one hand-written SQL statement that aggregates, scores and
ranks the same twelve months (target: within 1.5×)."""

import random
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.accounts.models import User
from apps.core.months import month_bounds
from apps.patrols.assessment.services import assessment_compute, patrol_settings
from apps.patrols.models import Patrol
from apps.stations.models import Bureau, Community, Station
from devtools.benchmark import batch_scenario, copy_rows, generator

BUREAU = "500107"
ROUTE = "压测考核"
MODES = ["foot", "e_car", "car", "night_village", "enterprise"]


def _patrols_wanted(sizes: dict) -> int:
    # A patrol for every four incidents: 5,000 at small, 250,000 at full.
    return sizes["incidents"] // 4


@generator
def patrols_for_assessment_at_scale(sizes: dict, progress) -> None:
    """Finished patrols (1–4 h, a fifth of them at night) with 1–2 officers, 1–3 planned
    villages and 1–4 covered ones of their station, and a finding for every second patrol."""
    bureau = Bureau.objects.get(code=BUREAU)
    missing = _patrols_wanted(sizes) - Patrol.objects.filter(route=ROUTE).count()
    if missing <= 0:
        return
    rng = random.Random(8_2026)
    stations = list(Station.objects.filter(bureau=bureau).values_list("pk", flat=True))
    villages = {s: [] for s in stations}
    for pk, station_id in Community.objects.filter(station__in=stations).values_list(
        "pk", "station_id"
    ):
        villages[station_id].append(pk)
    stations = [s for s in stations if villages[s]]
    fallback = User.objects.get(username="xipeng_desk").pk
    officers = {s: [] for s in stations}
    for pk, station_id in User.objects.filter(
        station__in=stations, kind__in=["officer", "auxiliary"], is_active=True
    ).values_list("pk", "station_id"):
        officers[station_id].append(pk)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM patrols_patrol")
        first_id = cursor.fetchone()[0] + 1

    plans = []
    for n in range(missing):
        station = stations[n % len(stations)]
        start = now - timedelta(minutes=rng.randint(60 * 24, 2 * 365 * 24 * 60))
        if rng.random() < 0.2:  # a night patrol: move it to 20:00–02:00 local
            local = timezone.localtime(start)
            start = start + timedelta(hours=(20 + rng.randint(0, 5)) % 24 - local.hour)
        hours = rng.choice((1, 1.5, 2, 2.5, 3, 4))
        team = officers[station] or [fallback]
        plans.append(
            (
                first_id + n,
                station,
                start,
                start + timedelta(hours=hours),
                rng.sample(team, min(len(team), rng.randint(1, 2))),
                rng.sample(villages[station], min(len(villages[station]), rng.randint(1, 3))),
                rng.sample(villages[station], min(len(villages[station]), rng.randint(1, 4))),
            )
        )

    def patrol_rows():
        for pk, station, start, end, _team, _planned, _covered in plans:
            yield [
                pk,
                now,
                now,
                station,
                rng.choice(MODES),
                "finished",
                ROUTE,
                start,
                end,
                start,
                end,
                False,
                "",
                fallback,
                rng.randint(1000, 20000),
            ]

    copy_rows(
        "patrols_patrol",
        [
            "id",
            "created_at",
            "updated_at",
            "station_id",
            "mode",
            "status",
            "route",
            "planned_start",
            "planned_end",
            "started_at",
            "ended_at",
            "loudspeaker",
            "note",
            "created_by_id",
            "distance_m",
        ],
        patrol_rows(),
        missing,
        progress,
        "patrols_patrol",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('patrols_patrol', 'id'), "
            "(SELECT MAX(id) FROM patrols_patrol))"
        )
    for table, column, index in (
        ("patrols_patrol_officers", "user_id", 4),
        ("patrols_patrol_communities", "community_id", 5),
        ("patrols_patrol_covered", "community_id", 6),
    ):
        links = [(plan[0], other) for plan in plans for other in plan[index]]
        copy_rows(table, ["patrol_id", column], links, len(links), progress, table)

    def finding_rows():
        for pk, station, start, _end, team, planned, _covered in plans[::2]:
            found = start + timedelta(minutes=rng.randint(5, 55))
            handled = rng.random() < 0.6
            yield [
                now,
                now,
                station,
                pk,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                rng.choice(["hazard", "dispute_sign", "suspicious_person", "other"]),
                "压测发现",
                found,
                "",
                planned[0],
                "",
                "handled" if handled else "open",
                found + timedelta(hours=rng.randint(2, 120)) if handled else None,
                team[0],
                True,
                "",
            ]

    count = len(plans[::2])
    copy_rows(
        "patrols_finding",
        [
            "created_at",
            "updated_at",
            "station_id",
            "patrol_id",
            "client_id",
            "kind",
            "description",
            "found_at",
            "place",
            "community_id",
            "photo",
            "status",
            "handled_at",
            "found_by_id",
            "trouble",
            "handling_note",
        ],
        finding_rows(),
        count,
        progress,
        "patrols_finding",
    )
    with connection.cursor() as cursor:
        for table in ("patrols_patrol", "patrols_finding", "patrols_patrol_covered"):
            cursor.execute(f"ANALYZE {table}")


def _last_full_year() -> int:
    return timezone.localdate().year - 1


def _months(year: int) -> list[date]:
    return [date(year, m, 1) for m in range(1, 13)]


def assessment_year():
    bureau = Bureau.objects.get(code=BUREAU)
    for month in _months(_last_full_year()):
        assessment_compute(bureau=bureau, month=month)


def assessment_year_sql():
    """The same twelve months by hand: measures, scores and ranks of every community and
    officer of the bureau in one statement (PostgreSQL)."""
    bureau = Bureau.objects.get(code=BUREAU)
    weights = patrol_settings(bureau)
    year = _last_full_year()
    start, _ = month_bounds(date(year, 1, 1))
    _, end = month_bounds(date(year, 12, 1))
    tz = settings.TIME_ZONE
    sql = """
    WITH st AS (SELECT id FROM stations_station WHERE bureau_id = %(bureau)s),
    pm AS (
        SELECT p.id, date_trunc('month', p.started_at AT TIME ZONE %(tz)s)::date AS month,
               EXTRACT(EPOCH FROM p.ended_at - p.started_at) AS seconds,
               CASE WHEN (p.started_at AT TIME ZONE %(tz)s)::time >= %(night)s
                      OR (p.started_at AT TIME ZONE %(tz)s)::time < '06:00' THEN 1 ELSE 0
               END AS night,
               (p.started_at AT TIME ZONE %(tz)s)::date AS day
        FROM patrols_patrol p
        WHERE p.station_id IN (SELECT id FROM st) AND p.status = 'finished'
          AND p.started_at >= %(start)s AND p.started_at < %(end)s
          AND p.ended_at IS NOT NULL AND p.ended_at >= p.started_at
    ),
    months AS (
        SELECT m::date AS month,
               EXTRACT(DAY FROM m + interval '1 month' - interval '1 day')::int AS days
        FROM generate_series(%(first)s::date, %(last)s::date, interval '1 month') m
    ),
    cp AS (
        SELECT patrol_id, community_id FROM patrols_patrol_communities
         WHERE patrol_id IN (SELECT id FROM pm)
        UNION
        SELECT patrol_id, community_id FROM patrols_patrol_covered
         WHERE patrol_id IN (SELECT id FROM pm)
    ),
    ch AS (SELECT cp.community_id AS sid, pm.month, COUNT(*) AS patrols,
                  SUM(pm.seconds) AS seconds, SUM(pm.night) AS night
           FROM cp JOIN pm ON pm.id = cp.patrol_id GROUP BY 1, 2),
    cov AS (SELECT v.community_id AS sid, pm.month, COUNT(DISTINCT pm.day) AS n
            FROM patrols_patrol_covered v JOIN pm ON pm.id = v.patrol_id GROUP BY 1, 2),
    f AS (SELECT community_id, found_by_id, status,
                 date_trunc('month', found_at AT TIME ZONE %(tz)s)::date AS found,
                 date_trunc('month', handled_at AT TIME ZONE %(tz)s)::date AS handled
          FROM patrols_finding WHERE station_id IN (SELECT id FROM st) AND trouble
            AND ((found_at >= %(start)s AND found_at < %(end)s)
              OR (handled_at >= %(start)s AND handled_at < %(end)s))),
    cfr AS (SELECT community_id AS sid, found AS month, COUNT(*) AS n FROM f GROUP BY 1, 2),
    cfh AS (SELECT community_id AS sid, handled AS month, COUNT(*) AS n FROM f
            WHERE status = 'handled' GROUP BY 1, 2),
    inc AS (SELECT community_id AS sid,
                   date_trunc('month', received_at AT TIME ZONE %(tz)s)::date AS month,
                   COUNT(*) AS n
            FROM cases_incident WHERE station_id IN (SELECT id FROM st)
              AND received_at >= %(start)s AND received_at < %(end)s GROUP BY 1, 2),
    community AS (
        SELECT 'community' AS subject, c.id AS sid, c.station_id, m.month,
               ROUND(COALESCE(ch.seconds, 0) / 3600.0, 2) AS hours,
               COALESCE(ch.patrols, 0) AS patrols, COALESCE(ch.night, 0) AS night,
               COALESCE(cov.n, 0) AS covered, m.days AS total,
               COALESCE(cfr.n, 0) AS raised, COALESCE(cfh.n, 0) AS handled,
               COALESCE(inc.n, 0) AS incidents
        FROM stations_community c CROSS JOIN months m
        LEFT JOIN ch ON ch.sid = c.id AND ch.month = m.month
        LEFT JOIN cov ON cov.sid = c.id AND cov.month = m.month
        LEFT JOIN cfr ON cfr.sid = c.id AND cfr.month = m.month
        LEFT JOIN cfh ON cfh.sid = c.id AND cfh.month = m.month
        LEFT JOIN inc ON inc.sid = c.id AND inc.month = m.month
        WHERE c.station_id IN (SELECT id FROM st)
    ),
    oh AS (SELECT po.user_id AS sid, pm.month, COUNT(*) AS patrols,
                  SUM(pm.seconds) AS seconds, SUM(pm.night) AS night
           FROM patrols_patrol_officers po JOIN pm ON pm.id = po.patrol_id GROUP BY 1, 2),
    ov AS (SELECT po.user_id AS sid, pm.month, COUNT(DISTINCT v.community_id) AS n
           FROM patrols_patrol_officers po JOIN pm ON pm.id = po.patrol_id
           JOIN patrols_patrol_covered v ON v.patrol_id = pm.id GROUP BY 1, 2),
    vt AS (SELECT station_id, COUNT(*) AS n FROM stations_community
           WHERE station_id IN (SELECT id FROM st) GROUP BY 1),
    ofr AS (SELECT found_by_id AS sid, found AS month, COUNT(*) AS n FROM f GROUP BY 1, 2),
    ofh AS (SELECT found_by_id AS sid, handled AS month, COUNT(*) AS n FROM f
            WHERE status = 'handled' GROUP BY 1, 2),
    oinc AS (SELECT r.user_id AS sid,
                    date_trunc('month', i.received_at AT TIME ZONE %(tz)s)::date AS month,
                    COUNT(*) AS n
             FROM stations_policedistrict_responsible_officers r
             JOIN stations_community c ON c.district_id = r.policedistrict_id
             JOIN cases_incident i ON i.community_id = c.id
             WHERE i.received_at >= %(start)s AND i.received_at < %(end)s GROUP BY 1, 2),
    officer AS (
        SELECT 'officer' AS subject, u.id AS sid, u.station_id, m.month,
               ROUND(COALESCE(oh.seconds, 0) / 3600.0, 2) AS hours,
               COALESCE(oh.patrols, 0) AS patrols, COALESCE(oh.night, 0) AS night,
               COALESCE(ov.n, 0) AS covered, COALESCE(vt.n, 0) AS total,
               COALESCE(ofr.n, 0) AS raised, COALESCE(ofh.n, 0) AS handled,
               COALESCE(oinc.n, 0) AS incidents
        FROM accounts_user u CROSS JOIN months m
        LEFT JOIN oh ON oh.sid = u.id AND oh.month = m.month
        LEFT JOIN ov ON ov.sid = u.id AND ov.month = m.month
        LEFT JOIN vt ON vt.station_id = u.station_id
        LEFT JOIN ofr ON ofr.sid = u.id AND ofr.month = m.month
        LEFT JOIN ofh ON ofh.sid = u.id AND ofh.month = m.month
        LEFT JOIN oinc ON oinc.sid = u.id AND oinc.month = m.month
        WHERE u.station_id IN (SELECT id FROM st) AND u.is_active
          AND u.kind IN ('officer', 'auxiliary')
    ),
    measured AS (SELECT * FROM community UNION ALL SELECT * FROM officer),
    scored AS (
        SELECT *, ROUND(hours * %(w_hours)s
                        + LEAST(CASE WHEN total > 0 THEN covered::numeric / total ELSE 0 END, 1)
                          * %(w_coverage)s
                        + night * %(w_night)s + raised * %(w_raised)s
                        + handled * %(w_handled)s - incidents * %(w_incidents)s, 2) AS score
        FROM measured
    )
    SELECT subject, sid, station_id, month, hours, patrols, night, covered, total, raised,
           handled, incidents, score,
           RANK() OVER (PARTITION BY month, subject ORDER BY score DESC) AS rank
    FROM scored"""
    params = {
        "bureau": bureau.pk,
        "tz": tz,
        "night": weights.night_starts,
        "start": start,
        "end": end,
        "first": date(year, 1, 1),
        "last": date(year, 12, 1),
        "w_hours": weights.weight_patrol_hours,
        "w_coverage": weights.weight_coverage,
        "w_night": weights.weight_night_patrols,
        "w_raised": weights.weight_findings_raised,
        "w_handled": weights.weight_findings_handled,
        "w_incidents": weights.weight_incidents,
    }
    return sql, params


batch_scenario("patrols: monthly assessment for a bureau-year", sql=assessment_year_sql)(
    assessment_year
)
