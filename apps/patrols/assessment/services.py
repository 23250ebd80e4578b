"""The monthly patrol assessment (月考核), the quarterly bulletin (季通报) and the half-year
ranking (半年排名) of a sub-bureau's communities and officers.

`assessment_compute(bureau=, month=)` works in the database: in one transaction it deletes
the bureau's rows of the month and writes them again with one INSERT … SELECT per subject
(GROUP BY aggregates, the score and a RANK() window; no loop over patrols, findings,
incidents or scores in Python). Running it twice gives the same rows.

Definitions (the month is local time, Asia/Shanghai: from the 1st 00:00 to the next 1st):

- **Patrols counted**: patrols of the bureau's stations with status *finished*, a start and
  an end, which *started* in the month (a patrol over midnight at the month's end counts
  wholly in the month it started).
- **Patrol hours**: ended_at − started_at of those patrols, in hours (two decimals).
- **Night patrol**: one that started (local time) at or after the bureau's `night_starts`
  (default 20:00) or before 06:00.
- **Community**: a patrol counts for a community when the community is in its planned area
  *or* among the villages it covered (once, even when both). Patrols, hours and night
  patrols are those patrols'. *Villages covered* of a community is the number of days of
  the month on which at least one counted patrol covered it, out of the days of the month
  (`villages_covered` / `villages_total` store days covered / days in the month): a
  village walked through every day scores the full coverage weight, one walked once a
  month 1/30 of it. Findings raised: findings in the community found in the month;
  findings handled: findings in the community whose status is handled and which were
  handled in the month; incidents: incidents (any source, any status) received in the month
  whose community is this one. Enterprise visits where nothing was found (`trouble` false)
  are not findings.
- **Officer**: every active officer or auxiliary officer of a station of the bureau.
  Patrols, hours and night patrols: the counted patrols they were an officer of.
  *Villages covered*: the distinct villages their counted patrols covered, out of all the
  villages of their station. Findings raised: findings they recorded (found_by) in the
  month; handled: those they recorded that were handled in the month. Incidents: incidents
  received in the month in the villages of the police districts they are responsible for
  (警区责任制); an officer with no district has none.
- **Score** = hours × w_hours + (covered / total, at most 1) × w_coverage
  + night patrols × w_night + findings raised × w_raised + findings handled × w_handled
  − incidents × w_incidents, with the weights of the bureau's `PatrolSettings` (defaults
  when it has none), rounded half-up to two decimals (hours enter the score as stored,
  rounded to two decimals).
- **Rank**: within the bureau and subject, highest score first; equal scores share a rank
  and the next rank skips (1, 2, 2, 4).

Quarter and half-year figures add up the stored monthly rows (hours, counts, scores; days
or villages covered and their totals too, so coverage is the share over the period) and
rank the totals within the bureau the same way.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from apps.accounts.choices import UserKind
from apps.core.months import month_bounds, month_start
from apps.core.progress import set_progress

from ..choices import AssessmentSubject, FindingStatus, PatrolStatus
from ..models import AssessmentScore, PatrolSettings

if TYPE_CHECKING:
    from apps.stations.models import Bureau

NIGHT_ENDS_MINUTE = 6 * 60
MEASURES = (
    "patrol_hours",
    "patrols",
    "night_patrols",
    "villages_covered",
    "villages_total",
    "findings_raised",
    "findings_handled",
    "incidents",
)


def previous_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def patrol_settings(bureau: "Bureau") -> PatrolSettings:
    return PatrolSettings.objects.filter(bureau=bureau).first() or PatrolSettings(bureau=bureau)


# --- SQL ---------------------------------------------------------------------------------


def _local_start_sql(start: datetime) -> tuple[str, list[str]]:
    """SQL for a patrol's start in local time, on PostgreSQL and SQLite."""
    if connection.vendor == "postgresql":
        return "(p.started_at AT TIME ZONE %s)", [settings.TIME_ZONE]
    # SQLite keeps UTC text; the zone's offset at the month's start (China has no DST).
    offset = start.utcoffset()
    assert offset is not None  # month_bounds gives aware times
    minutes = int(offset.total_seconds() // 60)
    return f"datetime(p.started_at, '{minutes:+d} minutes')", []


def _patrols_cte(
    bureau_id: int, start: datetime, end: datetime, night_minute: int
) -> tuple[str, list[Any]]:
    """The counted patrols of the month: id, seconds, night (0/1) and local day."""
    local, local_params = _local_start_sql(start)
    if connection.vendor == "postgresql":
        seconds = "EXTRACT(EPOCH FROM (p.ended_at - p.started_at))"
        minute = f"(EXTRACT(HOUR FROM {local}) * 60 + EXTRACT(MINUTE FROM {local}))"
        day = f"CAST({local} AS DATE)"
        minute_params = local_params * 2
    else:
        seconds = "((julianday(p.ended_at) - julianday(p.started_at)) * 86400.0)"
        minute = (
            f"(CAST(strftime('%%H', {local}) AS INTEGER) * 60"
            f" + CAST(strftime('%%M', {local}) AS INTEGER))"
        )
        day = f"date({local})"
        minute_params = local_params * 2
    sql = f"""
        pm AS (
            SELECT p.id, p.station_id, {seconds} AS seconds,
                   CASE WHEN {minute} >= %s OR {minute} < %s THEN 1 ELSE 0 END AS night,
                   {day} AS day
            FROM patrols_patrol p
            WHERE p.station_id IN (SELECT id FROM st)
              AND p.status = %s AND p.started_at >= %s AND p.started_at < %s
              AND p.ended_at IS NOT NULL AND p.ended_at >= p.started_at
        )"""
    params = [
        *minute_params,
        night_minute,
        *minute_params,
        NIGHT_ENDS_MINUTE,
        *local_params,
        PatrolStatus.FINISHED,
        start,
        end,
    ]
    return sql, params


def measures_sql(bureau_id: int, month: date, night_minute: int) -> tuple[str, list[Any]]:
    """One statement: every community and every active officer of the bureau with the
    month's measures (subject, sid, station_id, seconds, patrols, night, covered, total,
    raised, handled, incidents)."""
    start, end = month_bounds(month)
    days = calendar.monthrange(month.year, month.month)[1]
    pm, pm_params = _patrols_cte(bureau_id, start, end, night_minute)
    sql = f"""
        WITH st AS (SELECT id FROM stations_station WHERE bureau_id = %s),
        {pm},
        cp AS (
            SELECT patrol_id, community_id FROM patrols_patrol_communities
             WHERE patrol_id IN (SELECT id FROM pm)
            UNION
            SELECT patrol_id, community_id FROM patrols_patrol_covered
             WHERE patrol_id IN (SELECT id FROM pm)
        ),
        ch AS (
            SELECT cp.community_id, COUNT(*) AS patrols, SUM(pm.seconds) AS seconds,
                   SUM(pm.night) AS night
            FROM cp JOIN pm ON pm.id = cp.patrol_id GROUP BY cp.community_id
        ),
        cov AS (
            SELECT v.community_id, COUNT(DISTINCT pm.day) AS days
            FROM patrols_patrol_covered v JOIN pm ON pm.id = v.patrol_id
            GROUP BY v.community_id
        ),
        f AS (
            SELECT community_id, found_by_id,
                   CASE WHEN found_at >= %s AND found_at < %s THEN 1 ELSE 0 END AS raised,
                   CASE WHEN status = %s AND handled_at >= %s AND handled_at < %s
                        THEN 1 ELSE 0 END AS handled
            FROM patrols_finding
            WHERE station_id IN (SELECT id FROM st) AND trouble = %s
              AND ((found_at >= %s AND found_at < %s) OR (handled_at >= %s AND handled_at < %s))
        ),
        cf AS (
            SELECT community_id, SUM(raised) AS raised, SUM(handled) AS handled
            FROM f GROUP BY community_id
        ),
        inc AS (
            SELECT community_id, COUNT(*) AS n FROM cases_incident
            WHERE station_id IN (SELECT id FROM st) AND received_at >= %s AND received_at < %s
            GROUP BY community_id
        ),
        oh AS (
            SELECT po.user_id, COUNT(*) AS patrols, SUM(pm.seconds) AS seconds,
                   SUM(pm.night) AS night
            FROM patrols_patrol_officers po JOIN pm ON pm.id = po.patrol_id
            GROUP BY po.user_id
        ),
        ov AS (
            SELECT po.user_id, COUNT(DISTINCT v.community_id) AS villages
            FROM patrols_patrol_officers po
            JOIN pm ON pm.id = po.patrol_id
            JOIN patrols_patrol_covered v ON v.patrol_id = pm.id
            GROUP BY po.user_id
        ),
        vt AS (
            SELECT station_id, COUNT(*) AS n FROM stations_community
            WHERE station_id IN (SELECT id FROM st) GROUP BY station_id
        ),
        uf AS (
            SELECT found_by_id, SUM(raised) AS raised, SUM(handled) AS handled
            FROM f GROUP BY found_by_id
        ),
        ui AS (
            SELECT r.user_id, SUM(inc.n) AS n
            FROM stations_policedistrict_responsible_officers r
            JOIN stations_community c ON c.district_id = r.policedistrict_id
            JOIN inc ON inc.community_id = c.id
            GROUP BY r.user_id
        )
        SELECT %s AS subject, c.id AS sid, c.station_id AS station_id,
               COALESCE(ch.seconds, 0) AS seconds, COALESCE(ch.patrols, 0) AS patrols,
               COALESCE(ch.night, 0) AS night, COALESCE(cov.days, 0) AS covered,
               %s AS total, COALESCE(cf.raised, 0) AS raised,
               COALESCE(cf.handled, 0) AS handled, COALESCE(inc.n, 0) AS incidents
        FROM stations_community c
        LEFT JOIN ch ON ch.community_id = c.id
        LEFT JOIN cov ON cov.community_id = c.id
        LEFT JOIN cf ON cf.community_id = c.id
        LEFT JOIN inc ON inc.community_id = c.id
        WHERE c.station_id IN (SELECT id FROM st)
        UNION ALL
        SELECT %s, u.id, u.station_id, COALESCE(oh.seconds, 0), COALESCE(oh.patrols, 0),
               COALESCE(oh.night, 0), COALESCE(ov.villages, 0), COALESCE(vt.n, 0),
               COALESCE(uf.raised, 0), COALESCE(uf.handled, 0), COALESCE(ui.n, 0)
        FROM accounts_user u
        LEFT JOIN oh ON oh.user_id = u.id
        LEFT JOIN ov ON ov.user_id = u.id
        LEFT JOIN vt ON vt.station_id = u.station_id
        LEFT JOIN uf ON uf.found_by_id = u.id
        LEFT JOIN ui ON ui.user_id = u.id
        WHERE u.station_id IN (SELECT id FROM st) AND u.is_active AND u.kind IN (%s, %s)"""
    params = [
        bureau_id,
        *pm_params,
        start,
        end,
        FindingStatus.HANDLED,
        start,
        end,
        True,  # enterprise visits where nothing was found are not findings
        start,
        end,
        start,
        end,
        start,
        end,
        AssessmentSubject.COMMUNITY,
        days,
        AssessmentSubject.OFFICER,
        UserKind.OFFICER,
        UserKind.AUXILIARY,
    ]
    return sql, params


# --- scores ------------------------------------------------------------------------------


def competition_ranks(scores: list[Decimal]) -> list[int]:
    """1, 2, 2, 4: the rank of each score (in the given order) among all of them."""
    ordered = sorted(scores, reverse=True)
    first: dict[Decimal, int] = {}
    for index, value in enumerate(ordered, start=1):
        first.setdefault(value, index)
    return [first[value] for value in scores]


def _adapt(params: list[Any]) -> list[Any]:
    # Raw SQL gets no field conversion: datetimes and dates go in as the backend stores
    # them (UTC text on SQLite).
    ops = connection.ops
    return [
        ops.adapt_datetimefield_value(p)
        if isinstance(p, datetime)
        else ops.adapt_datefield_value(p)
        if isinstance(p, date)
        else p
        for p in params
    ]


def _insert_scores_sql(
    measures: tuple[str, list[Any]], month: date, weights: PatrolSettings, now: datetime
) -> tuple[str, list[Any]]:
    """INSERT … SELECT: the measures, their score (rounded half-up to cents, as numeric on
    PostgreSQL) and their rank in the bureau per subject, written in one statement."""
    sql, params = measures
    hours = (
        "ROUND(CAST(ROUND(m.seconds) AS NUMERIC) / 3600, 2)"
        if connection.vendor == "postgresql"
        else "ROUND(ROUND(m.seconds) / 3600.0, 2)"
    )
    insert = f"""
        INSERT INTO patrols_assessmentscore (
            station_id, month, subject, community_id, officer_id, patrol_hours, patrols,
            night_patrols, villages_covered, villages_total, findings_raised,
            findings_handled, incidents, score, rank, computed_at)
        SELECT s.station_id, %s, s.subject,
               CASE WHEN s.subject = %s THEN s.sid END,
               CASE WHEN s.subject = %s THEN s.sid END,
               s.hours, s.patrols, s.night, s.covered, s.total, s.raised, s.handled,
               s.incidents, s.score, RANK() OVER (PARTITION BY s.subject ORDER BY s.score DESC),
               %s
        FROM (
            SELECT h.*, ROUND(
                h.hours * %s
                + (CASE WHEN h.total = 0 THEN 0 WHEN h.covered >= h.total THEN 1
                        ELSE h.covered * 1.0 / h.total END) * %s
                + h.night * %s + h.raised * %s + h.handled * %s - h.incidents * %s, 2
            ) AS score
            FROM (
                SELECT m.subject, m.sid, m.station_id, {hours} AS hours, m.patrols, m.night,
                       m.covered, m.total, m.raised, m.handled, m.incidents
                FROM ({sql}) m
            ) h
        ) s"""
    return insert, [
        month,
        AssessmentSubject.COMMUNITY,
        AssessmentSubject.OFFICER,
        now,
        weights.weight_patrol_hours,
        weights.weight_coverage,
        weights.weight_night_patrols,
        weights.weight_findings_raised,
        weights.weight_findings_handled,
        weights.weight_incidents,
        *params,
    ]


def progress_key(bureau_id: int, month: date) -> str:
    return f"patrols-assessment-{bureau_id}-{month:%Y-%m}"


def assessment_compute(*, bureau: "Bureau", month: date) -> int:
    """Compute the month's scores of every community and officer of the bureau, replacing
    the month's rows in one transaction; returns how many rows were written."""
    month = month_start(month)
    weights = patrol_settings(bureau)
    night = weights.night_starts.hour * 60 + weights.night_starts.minute
    key = progress_key(bureau.pk, month)
    now = timezone.now()
    sql, params = _insert_scores_sql(measures_sql(bureau.pk, month, night), month, weights, now)
    set_progress(key, 0, 2)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A month's statement runs for well under a second; PostgreSQL's JIT compiled
            # ~270 functions for it (130 ms of 600 at full scale), more than it saved.
            cursor.execute("SET LOCAL jit = off")
        # Scores have no dependants or signals: one DELETE, no rows fetched.
        cursor.execute(
            "DELETE FROM patrols_assessmentscore WHERE month = %s AND station_id IN "
            "(SELECT id FROM stations_station WHERE bureau_id = %s)",
            _adapt([month, bureau.pk]),
        )
        set_progress(key, 1, 2)
        cursor.execute(sql, _adapt(params))
        written: int = cursor.rowcount
    set_progress(key, 2, 2)
    return written


# --- quarter and half-year ---------------------------------------------------------------


@dataclass
class PeriodTable:
    """Totals of a period per subject, ranked within the bureau (rows visible to the reader
    only, with the bureau's ranks)."""

    months: list[date]
    communities: list[dict[str, Any]]
    officers: list[dict[str, Any]]
    stations: list[dict[str, Any]]


def period_months(year: int, first_month: int, count: int) -> list[date]:
    return [date(year, first_month + i, 1) for i in range(count)]


def _period_rows(
    bureau: "Bureau", months: list[date], subject: str, visible_station_ids: set[int]
) -> list[dict[str, Any]]:
    names = (
        {"name": F("community__name")}
        if subject == AssessmentSubject.COMMUNITY
        else {
            "name": F("officer__last_name"),
            "first_name": F("officer__first_name"),
            "username": F("officer__username"),
        }
    )
    key = "community_id" if subject == AssessmentSubject.COMMUNITY else "officer_id"
    rows: list[dict[str, Any]] = list(
        AssessmentScore.objects.filter(station__bureau=bureau, month__in=months, subject=subject)
        .values(key, "station_id", station_name=F("station__name"), **names)
        .annotate(
            score=Sum("score"),
            **{m: Sum(m) for m in MEASURES},
        )
        .order_by(key)
    )
    per_month: dict[int, dict[date, Decimal]] = {}
    for key_id, month, score in AssessmentScore.objects.filter(
        station__bureau=bureau, month__in=months, subject=subject
    ).values_list(key, "month", "score"):
        per_month.setdefault(key_id, {})[month] = score
    for row, rank in zip(rows, competition_ranks([r["score"] for r in rows]), strict=True):
        row["id"] = row[key]
        row["rank"] = rank
        row["monthly"] = [per_month.get(row["id"], {}).get(m) for m in months]
        if subject == AssessmentSubject.OFFICER:
            full = f"{row['name']}{row['first_name']}".strip()
            row["name"] = full or row["username"]
        total = row["villages_total"]
        row["coverage_percent"] = round(row["villages_covered"] * 100 / total) if total else 0
    rows = [r for r in rows if r["station_id"] in visible_station_ids]
    rows.sort(key=lambda r: (r["rank"], r["name"]))
    return rows


def _station_rows(
    bureau: "Bureau", months: list[date], visible_station_ids: set[int]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = list(
        AssessmentScore.objects.filter(
            station__bureau=bureau,
            month__in=months,
            subject=AssessmentSubject.COMMUNITY,
            station_id__in=visible_station_ids,
        )
        .values("station_id", name=F("station__name"))
        .annotate(score=Sum("score"), **{m: Sum(m) for m in MEASURES})
        .order_by("-score", "name")
    )
    return rows


def period_table(
    bureau: "Bureau", months: list[date], *, visible_station_ids: Iterable[int]
) -> PeriodTable:
    visible = set(visible_station_ids)
    return PeriodTable(
        months=months,
        communities=_period_rows(bureau, months, AssessmentSubject.COMMUNITY, visible),
        officers=_period_rows(bureau, months, AssessmentSubject.OFFICER, visible),
        stations=_station_rows(bureau, months, visible),
    )


def quarter_bulletin(
    bureau: "Bureau", year: int, quarter: int, *, visible_station_ids: Iterable[int]
) -> PeriodTable:
    """The quarter's totals per community, officer and station, ranked within the bureau."""
    return period_table(
        bureau, period_months(year, 3 * quarter - 2, 3), visible_station_ids=visible_station_ids
    )


def half_year_ranking(
    bureau: "Bureau", year: int, half: int, *, visible_station_ids: Iterable[int]
) -> PeriodTable:
    """The half-year's totals with each month's score, ranked within the bureau."""
    return period_table(
        bureau, period_months(year, 6 * half - 5, 6), visible_station_ids=visible_station_ids
    )
