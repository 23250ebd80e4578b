"""The computation of the statistics store: for a bureau and a range of local
(Asia/Shanghai) days, one SQL aggregate per family of metrics (GROUP BY day, station, post
[, dimension]) — never a loop over records — rolled up from posts to stations to the
bureau over the aggregated groups, then written day by day with upserts.

Where each metric comes from (choices where the issue is silent):

- consultations, residents_registered: the service-window log (ServiceLog kinds
  `consultation` and `residence_registration`, by `occurred_at`): the window is where a post
  registers residents, and it is the only source that knows the post (registry Residence
  rows carry a station and the day the person moved in, not the day of registration).
- certificates_issued, permits_issued: apps/permits ResidenceCertificate / ResidencePermit
  by `issued_at`.
- incidents (and by major category code, by source), invalid_calls (disposition
  `invalid`), repeat_callers (calls flagged `is_repeat_caller`), minutes_saved (sum of the
  incidents' `minutes_saved`), noise_complaints (apps.noise.complaints: a noise category,
  not opened by a sensor — the rule the patrol counts read too), police_complaints
  (apps.cases.complaints: the major category 警务投诉; the app keeps no other record of a
  complaint against the police): by `received_at`.
- criminal_incidents (category of kind `criminal`) and preventable_incidents (可防性案件:
  a category in apps.cases.taxonomy_data.PREVENTABLE_CODES, by its own code or its major's),
  neither counting a call closed as invalid: by `received_at`, the 发案 the seeds compare
  year on year (张坪警务站: criminal −25 %, preventable −28 %).
- response_median / response_p90: arrival minus receipt, in minutes, of the incidents
  received that day that have arrived; PostgreSQL's percentile_cont, on SQLite the same
  linear interpolation over the values sorted in SQL.
- cases_filed / cases_solved (dimension: case kind): `filed_at` / `solved_at`. A case
  carries no post of its own: it counts at the post of the earliest of its incidents that
  has one (the call it was opened from); a case accepted without such an incident counts
  at its station and bureau only.
- disputes_received / disputes_resolved / disputes_concluded: `received_at` / `concluded_at`
  with the outcome `agreement` / `concluded_at` with an agreement or a failure (the
  resolution rate is resolved ÷ concluded over a period, as apps.mediation counts it: a
  rate of the disputes received would pass 100 % in a month that closes older ones).
- patrol_hours: finished patrols by the day they started, ended minus started.
- villages_covered: one row (value 1) per village covered by a finished patrol that day,
  per post, station and bureau; a period counts distinct dimension values.
- noise_events: NoiseEvent by `opened_at`, at the sensor's station and responsible post.
- findings_raised / findings_handled: patrol findings (apps.patrols Finding) by `found_at`
  / by `handled_at` when handled, at the post of their village as apps.patrols.stats
  counts them; an enterprise visit where nothing was found (findings.NOTHING_FOUND) is on
  record but no finding.

Only non-zero counts are stored (a missing row reads as 0) and percentiles only when the
day has arrivals. Rows with a dimension always carry one (uncategorised incidents: "none").
"""

from __future__ import annotations

import math
import os
import time as time_module
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Trunc, TruncDate
from django.utils import timezone

from apps.cases.choices import CaseKind, CategoryKind, Disposition
from apps.cases.complaints import POLICE_COMPLAINT
from apps.cases.models import Case, Incident, IncidentEvent
from apps.cases.taxonomy_data import PREVENTABLE_CODES
from apps.mediation.choices import CONCLUDING_OUTCOMES, Outcome
from apps.mediation.models import Dispute
from apps.noise.complaints import NOISE_COMPLAINT
from apps.noise.models import NoiseEvent
from apps.patrols.choices import FindingStatus, PatrolStatus
from apps.patrols.findings.services import NOTHING_FOUND
from apps.patrols.models import Finding, Patrol
from apps.permits.models import ResidenceCertificate, ResidencePermit
from apps.stations.choices import ServiceKind
from apps.stations.models import Bureau, ServiceLog

from .metrics import METRICS
from .models import DailyFact, DirtyDay, UnitKind

LOCK_CLASS = 9009  # pg_advisory_xact_lock(LOCK_CLASS, bureau id): one writer per bureau
NO_CATEGORY = "none"
CASE_KINDS = tuple(CaseKind.values)

Key = tuple[date, str, int, str, str]  # day, unit kind, unit id, metric, dimension


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """The aware instants [start of first_day, start of the day after last_day)."""
    zone = local_zone()
    start = datetime.combine(first_day, time.min, tzinfo=zone)
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def days_between(first_day: date, last_day: date) -> list[date]:
    return [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]


def _local_day(field: str):
    return TruncDate(field, tzinfo=local_zone())


def _in_range(field: str, first_day: date, last_day: date) -> Q:
    start, end = day_bounds(first_day, last_day)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


# A call closed as invalid (谎报, 误拨) was no crime, whatever category it was given.
_REAL = ~Q(disposition=Disposition.INVALID)
CRIMINAL = Q(category__kind=CategoryKind.CRIMINAL) & _REAL
PREVENTABLE = (
    Q(category__code__in=PREVENTABLE_CODES) | Q(category__parent__code__in=PREVENTABLE_CODES)
) & _REAL

POST, STATION, BUREAU = UnitKind.POST.value, UnitKind.STATION.value, UnitKind.BUREAU.value
PERCENTILE_METRICS = {metric.name for metric in METRICS if metric.rollup == "percentile"}
Day = dict[tuple[str, int, str, str], tuple[int | None, float]]  # key → (station, value)


class Facts:
    """The rows of a computation, keyed like the table; every value lands on its post (if
    any), its station and the bureau. Plain tuples: model instances are made only for the
    rows that need writing."""

    def __init__(self, bureau_id: int):
        self.bureau_id = bureau_id
        self.days: dict[date, Day] = defaultdict(dict)

    def _land(self, day, station_id, post_id, metric, dimension, value, replace):
        rows = self.days[day]
        dimension = str(dimension)
        targets = [(STATION, station_id, station_id), (BUREAU, self.bureau_id, None)]
        if post_id is not None:
            targets.append((POST, post_id, station_id))
        for kind, unit, station in targets:
            key = (kind, unit, metric, dimension)
            old = None if replace else rows.get(key)
            rows[key] = (station, value if old is None else old[1] + value)

    def add(self, day, station_id, post_id, metric, value, dimension=""):
        if value:
            self._land(day, station_id, post_id, metric, dimension, float(value), False)

    def mark(self, day, station_id, post_id, metric, dimension):
        """DISTINCT metrics: one row of value 1 per unit, day and dimension value."""
        self._land(day, station_id, post_id, metric, dimension, 1.0, True)

    def put(self, day, unit_kind, unit_id, station_id, metric, value):
        if value is not None:
            self.days[day][(unit_kind, unit_id, metric, "")] = (station_id, float(value))

    def by_day(self) -> dict[date, Day]:
        """{day: {(unit kind, unit id, metric, dimension): (station id, value)}}, values
        rounded as stored, zero counts left out."""
        result: dict[date, Day] = {}
        for day, rows in self.days.items():
            result[day] = {
                key: (station, round(value, 4))
                for key, (station, value) in rows.items()
                if value or key[2] in PERCENTILE_METRICS
            }
        return result


# --- one aggregate per family -----------------------------------------------------------


def _service_logs(facts: Facts, bureau_id, first_day, last_day):
    metric_of = {
        ServiceKind.CONSULTATION.value: "consultations",
        ServiceKind.RESIDENCE_REGISTRATION.value: "residents_registered",
    }
    groups = (
        ServiceLog.objects.filter(
            _in_range("occurred_at", first_day, last_day),
            station__bureau_id=bureau_id,
            kind__in=list(metric_of),
        )
        .annotate(day=_local_day("occurred_at"))
        .values("day", "station_id", "post_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for g in groups:
        facts.add(g["day"], g["station_id"], g["post_id"], metric_of[g["kind"]], g["n"])


def _incidents(facts: Facts, bureau_id, first_day, last_day):
    groups = (
        Incident.objects.filter(
            _in_range("received_at", first_day, last_day), station__bureau_id=bureau_id
        )
        .annotate(
            day=_local_day("received_at"),
            major=Coalesce("category__parent__code", "category__code"),
        )
        .values("day", "station_id", "post_id", "source", "major")
        .annotate(
            n=Count("id"),
            invalid=Count("id", filter=Q(disposition=Disposition.INVALID)),
            repeat=Count("id", filter=Q(is_repeat_caller=True)),
            saved=Sum("minutes_saved"),
            noise=Count("id", filter=NOISE_COMPLAINT),
            complaints=Count("id", filter=POLICE_COMPLAINT),
            criminal=Count("id", filter=CRIMINAL),
            preventable=Count("id", filter=PREVENTABLE),
        )
        .order_by()
    )
    for g in groups:
        day, station, post = g["day"], g["station_id"], g["post_id"]
        facts.add(day, station, post, "incidents", g["n"])
        facts.add(day, station, post, "incidents_by_source", g["n"], g["source"])
        facts.add(day, station, post, "incidents_by_category", g["n"], g["major"] or NO_CATEGORY)
        facts.add(day, station, post, "invalid_calls", g["invalid"])
        facts.add(day, station, post, "repeat_callers", g["repeat"])
        facts.add(day, station, post, "minutes_saved", g["saved"] or 0)
        facts.add(day, station, post, "noise_complaints", g["noise"])
        facts.add(day, station, post, "police_complaints", g["complaints"])
        facts.add(day, station, post, "criminal_incidents", g["criminal"])
        facts.add(day, station, post, "preventable_incidents", g["preventable"])


def _documents(facts: Facts, bureau_id, first_day, last_day):
    for model, metric in (
        (ResidenceCertificate, "certificates_issued"),
        (ResidencePermit, "permits_issued"),
    ):
        groups = (
            model.objects.filter(
                _in_range("issued_at", first_day, last_day), station__bureau_id=bureau_id
            )
            .annotate(day=_local_day("issued_at"))
            .values("day", "station_id", "post_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for g in groups:
            facts.add(g["day"], g["station_id"], g["post_id"], metric, g["n"])


def _cases(facts: Facts, bureau_id, first_day, last_day):
    first_post = Subquery(
        Incident.objects.filter(case=OuterRef("pk"), post__isnull=False)
        .order_by("received_at", "pk")
        .values("post_id")[:1]
    )
    for field, metric in (("filed_at", "cases_filed"), ("solved_at", "cases_solved")):
        groups = (
            Case.objects.filter(_in_range(field, first_day, last_day), station__bureau_id=bureau_id)
            .annotate(day=_local_day(field), post=first_post)
            .values("day", "station_id", "post", "kind")
            .annotate(n=Count("id"))
            .order_by()
        )
        for g in groups:
            facts.add(g["day"], g["station_id"], g["post"], metric, g["n"], g["kind"])


def _disputes(facts: Facts, bureau_id, first_day, last_day):
    for field, metric, extra in (
        ("received_at", "disputes_received", Q()),
        ("concluded_at", "disputes_resolved", Q(outcome=Outcome.AGREEMENT)),
        ("concluded_at", "disputes_concluded", Q(outcome__in=CONCLUDING_OUTCOMES)),
    ):
        groups = (
            Dispute.objects.filter(
                _in_range(field, first_day, last_day), extra, station__bureau_id=bureau_id
            )
            .annotate(day=_local_day(field))
            .values("day", "station_id", "post_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for g in groups:
            facts.add(g["day"], g["station_id"], g["post_id"], metric, g["n"])


def _patrols(facts: Facts, bureau_id, first_day, last_day):
    finished = Q(
        _in_range("started_at", first_day, last_day),
        status=PatrolStatus.FINISHED,
        ended_at__isnull=False,
        station__bureau_id=bureau_id,
    )
    groups = (
        Patrol.objects.filter(finished)
        .annotate(day=_local_day("started_at"))
        .values("day", "station_id", "post_id")
        .annotate(
            duration=Sum(
                ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
            )
        )
        .order_by()
    )
    for g in groups:
        hours = g["duration"].total_seconds() / 3600 if g["duration"] else 0
        facts.add(g["day"], g["station_id"], g["post_id"], "patrol_hours", hours)

    covered = (
        Patrol.covered.through.objects.filter(
            _in_range("patrol__started_at", first_day, last_day),
            patrol__status=PatrolStatus.FINISHED,
            patrol__ended_at__isnull=False,
            patrol__station__bureau_id=bureau_id,
        )
        .annotate(day=_local_day("patrol__started_at"))
        .values_list("day", "patrol__station_id", "patrol__post_id", "community_id")
        .distinct()
        .order_by()
    )
    for day, station, post, village in covered:
        facts.mark(day, station, post, "villages_covered", village)


def _noise_events(facts: Facts, bureau_id, first_day, last_day):
    groups = (
        NoiseEvent.objects.filter(
            _in_range("opened_at", first_day, last_day), sensor__station__bureau_id=bureau_id
        )
        .annotate(day=_local_day("opened_at"))
        .values("day", "sensor__station_id", "sensor__post_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for g in groups:
        facts.add(g["day"], g["sensor__station_id"], g["sensor__post_id"], "noise_events", g["n"])


def _findings(facts: Facts, bureau_id, first_day, last_day):
    for field, metric, extra in (
        ("found_at", "findings_raised", Q()),
        ("handled_at", "findings_handled", Q(status=FindingStatus.HANDLED)),
    ):
        groups = (
            Finding.objects.filter(
                _in_range(field, first_day, last_day), extra, station__bureau_id=bureau_id
            )
            .exclude(NOTHING_FOUND)
            .annotate(day=_local_day(field))
            .values("day", "station_id", "community__post_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for g in groups:
            facts.add(g["day"], g["station_id"], g["community__post_id"], metric, g["n"])


# --- percentiles --------------------------------------------------------------------------


def interpolate(ordered: list[float], fraction: float) -> float | None:
    """What PostgreSQL's percentile_cont(fraction) gives over sorted values."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


_PG_PERCENTILES = """
    SELECT (i.received_at AT TIME ZONE %(zone)s)::date AS day,
           i.station_id, i.post_id,
           GROUPING(i.station_id) AS no_station, GROUPING(i.post_id) AS no_post,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) AS median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY minutes) AS p90
    FROM (
        SELECT received_at, station_id, post_id,
               EXTRACT(EPOCH FROM arrived_at - received_at) / 60.0 AS minutes
        FROM cases_incident
        WHERE station_id IN (SELECT id FROM stations_station WHERE bureau_id = %(bureau)s)
          AND received_at >= %(start)s AND received_at < %(end)s
          AND arrived_at IS NOT NULL
    ) AS i
    GROUP BY GROUPING SETS ((1, i.station_id, i.post_id), (1, i.station_id), (1))
"""


def _response_sorted(queryset) -> Iterable[tuple]:
    """(day, station, post, minutes) sorted by minutes, computed and ordered in SQL."""
    rows = (
        queryset.filter(arrived_at__isnull=False)
        .annotate(
            day=_local_day("received_at"),
            took=ExpressionWrapper(
                F("arrived_at") - F("received_at"), output_field=DurationField()
            ),
        )
        .order_by("took")
        .values_list("day", "station_id", "post_id", "took")
    )
    for day, station, post, took in rows:
        yield day, station, post, took.total_seconds() / 60


def _percentiles(facts: Facts, bureau_id, first_day, last_day):
    if connection.vendor == "postgresql":
        start, end = day_bounds(first_day, last_day)
        params = {
            "zone": settings.TIME_ZONE,
            "bureau": bureau_id,
            "start": start,
            "end": end,
        }
        with connection.cursor() as cursor:
            cursor.execute(_PG_PERCENTILES, params)
            rows = cursor.fetchall()
        for day, station, post, no_station, no_post, median, p90 in rows:
            if no_station:
                unit = (UnitKind.BUREAU.value, bureau_id, None)
            elif no_post:
                unit = (UnitKind.STATION.value, station, station)
            elif post is not None:
                unit = (UnitKind.POST.value, post, station)
            else:
                continue  # incidents without a post: counted in their station only
            facts.put(day, unit[0], unit[1], unit[2], "response_median", median)
            facts.put(day, unit[0], unit[1], unit[2], "response_p90", p90)
        return
    # SQLite (development, tests): the values come sorted from SQL; interpolate the same way.
    samples: dict[tuple, list[float]] = defaultdict(list)
    queryset = Incident.objects.filter(
        _in_range("received_at", first_day, last_day), station__bureau_id=bureau_id
    )
    for day, station, post, minutes in _response_sorted(queryset):
        if post is not None:
            samples[(day, UnitKind.POST.value, post, station)].append(minutes)
        samples[(day, UnitKind.STATION.value, station, station)].append(minutes)
        samples[(day, UnitKind.BUREAU.value, bureau_id, None)].append(minutes)
    for (day, kind, unit, station), values in samples.items():
        facts.put(day, kind, unit, station, "response_median", interpolate(values, 0.5))
        facts.put(day, kind, unit, station, "response_p90", interpolate(values, 0.9))


UNIT_FIELD = {POST: "post_id", STATION: "station_id", BUREAU: "station__bureau_id"}


def response_percentiles(
    *, unit_kind: str, unit_ids: list[int], first_day: date, last_day: date, period=None
) -> dict:
    """Median and 90th percentile of the response time, in minutes, per unit and per period
    (month, quarter, year; None: the range as one) of the range, recomputed from the records
    in one query, since percentiles do not add up from days: {(unit id, first day of the
    period, or of the range): {"response_median": …, "response_p90": …}}. Periods are
    clipped to the range; a unit and period without arrivals is absent."""
    field = UNIT_FIELD[unit_kind]
    queryset = Incident.objects.filter(
        _in_range("received_at", first_day, last_day),
        arrived_at__isnull=False,
        **{f"{field}__in": unit_ids},
    ).annotate(unit=F(field))
    keys = ["unit"]
    if period:
        start = Trunc("received_at", period, output_field=DateField(), tzinfo=local_zone())
        queryset = queryset.annotate(p=start)
        keys.append("p")
    took = ExpressionWrapper(F("arrived_at") - F("received_at"), output_field=DurationField())
    if connection.vendor == "postgresql":
        rows = (
            queryset.values(*keys)
            .annotate(
                median=PercentileCont(Epoch(took), fraction=0.5),
                p90=PercentileCont(Epoch(took), fraction=0.9),
            )
            .order_by()
        )
        return {
            (row["unit"], row.get("p", first_day)): {
                "response_median": row["median"] / 60,
                "response_p90": row["p90"] / 60,
            }
            for row in rows
        }
    # SQLite: the durations come sorted from SQL; interpolate as percentile_cont does.
    samples: dict[tuple, list[float]] = defaultdict(list)
    rows = queryset.annotate(took=took).order_by("took").values_list(*keys, "took")
    for row in rows:
        key = (row[0], row[1] if period else first_day)
        samples[key].append(row[-1].total_seconds() / 60)
    return {
        key: {"response_median": interpolate(values, 0.5), "response_p90": interpolate(values, 0.9)}
        for key, values in samples.items()
    }


def period_percentiles(*, unit_kind: str, unit_id: int, first_day: date, last_day: date) -> dict:
    """The response-time percentiles of one unit over a range of days (None: no arrivals)."""
    found = response_percentiles(
        unit_kind=unit_kind, unit_ids=[unit_id], first_day=first_day, last_day=last_day
    )
    return found.get((unit_id, first_day), {"response_median": None, "response_p90": None})


class Epoch(Func):
    """Seconds of a PostgreSQL interval."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (ordered-set aggregate)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


# --- the computation ----------------------------------------------------------------------

FAMILIES = (
    _service_logs,
    _incidents,
    _percentiles,
    _documents,
    _cases,
    _disputes,
    _patrols,
    _noise_events,
    _findings,
)


def aggregate(bureau_id: int, first_day: date, last_day: date) -> Facts:
    facts = Facts(bureau_id)
    for family in FAMILIES:
        family(facts, bureau_id, first_day, last_day)
    return facts


def _test_delay() -> float:
    """Seconds to sleep after each written day; only the worker-kill test sets it (through
    the environment of the worker it starts), so that it can kill the worker mid-range."""
    return float(os.environ.get("STATS_TEST_DAY_DELAY", "0") or 0)


Existing = dict[tuple[str, int, str, str], tuple[int, float]]


def existing_rows(bureau_id: int, first_day: date, last_day: date) -> dict[date, Existing]:
    """What the store holds for the bureau over the days: {day: {key: (id, value)}}."""
    found: dict[date, Existing] = defaultdict(dict)
    rows = DailyFact.objects.filter(
        bureau_id=bureau_id, day__gte=first_day, day__lte=last_day
    ).values_list("day", "id", "unit_kind", "unit_id", "metric", "dimension", "value")
    for day, pk, kind, unit, metric, dimension, value in rows:
        found[day][(kind, unit, metric, dimension)] = (pk, value)
    return found


def write_day(bureau_id: int, day: date, rows: Day, existing: Existing | None = None) -> int:
    """Bring one day of the bureau's store to `rows`: rows that are new or whose value
    changed are upserted and rows that no longer exist are deleted, in one transaction (a
    run killed in the middle leaves whole days); a day without changes is not written at
    all, so a re-run, or a nightly run over quiet days, costs reads only."""
    if existing is None:
        existing = existing_rows(bureau_id, day, day).get(day, {})
    changed = [
        (key, station, value)
        for key, (station, value) in rows.items()
        if (found := existing.get(key)) is None or found[1] != value
    ]
    stale = [pk for key, (pk, _value) in existing.items() if key not in rows]
    if not changed and not stale:
        return len(rows)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _upsert_postgresql(bureau_id, day, changed)
        else:
            _upsert_orm(bureau_id, day, changed)
        if stale:
            DailyFact.objects.filter(pk__in=stale)._raw_delete(using=DailyFact.objects.db)
    return len(rows)


# The day's rows travel as one array per column and land in one INSERT … SELECT: a year is
# hundreds of thousands of rows, which Django's bulk_create would prepare value by value.
_PG_UPSERT = f"""
    INSERT INTO {DailyFact._meta.db_table}
           (day, unit_kind, unit_id, bureau_id, station_id, metric, dimension, value, computed_at)
    SELECT %s, kind, unit, %s, station, metric, dimension, value, now()
      FROM unnest(%s::text[], %s::int[], %s::bigint[], %s::text[], %s::text[], %s::float8[])
           AS r(kind, unit, station, metric, dimension, value)
    ON CONFLICT (day, unit_kind, unit_id, metric, dimension)
    DO UPDATE SET value = EXCLUDED.value, computed_at = EXCLUDED.computed_at
"""


def _upsert_postgresql(bureau_id: int, day: date, changed: list) -> None:
    # A server-side binding cursor on Django's connection (in its transaction): the arrays
    # travel as binary parameters instead of being quoted into the query's text, which
    # the server would then parse again (a year is 365 days of a few hundred values).
    with psycopg.Cursor(connection.connection) as cursor:
        # Day writes of one bureau take turns; the store is derived data that any run can
        # rebuild, so its commits need not wait for the disk (SET LOCAL, in the same round
        # trip).
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s), set_config('synchronous_commit', 'off', true)",
            [LOCK_CLASS, bureau_id],
        )
        if changed:
            keys, stations, values = zip(*changed, strict=True)
            kinds, units, metrics, dimensions = (list(column) for column in zip(*keys, strict=True))
            cursor.execute(
                _PG_UPSERT,
                [day, bureau_id, kinds, units, list(stations), metrics, dimensions, list(values)],
                binary=True,
            )


def _upsert_orm(bureau_id: int, day: date, changed: list) -> None:
    DailyFact.objects.bulk_create(
        [
            DailyFact(
                day=day,
                unit_kind=kind,
                unit_id=unit,
                bureau_id=bureau_id,
                station_id=station,
                metric=metric,
                dimension=dimension,
                value=value,
            )
            for (kind, unit, metric, dimension), station, value in changed
        ],
        update_conflicts=True,
        unique_fields=["day", "unit_kind", "unit_id", "metric", "dimension"],
        update_fields=["value", "computed_at"],
        batch_size=2000,
    )


def compute_days(
    bureau: Bureau | int,
    days: Iterable[date],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Recompute the given days for the bureau; returns (days, rows in the store for
    them). Consecutive days are aggregated together (one query per family and stretch).
    The days' dirty marks made before it started are cleared at the end."""
    bureau_id = bureau if isinstance(bureau, int) else bureau.pk
    days = sorted(set(days))
    started = timezone.now()
    total, done, written = len(days), 0, 0
    delay = _test_delay()
    for first, last in _stretches(days):
        rows = aggregate(bureau_id, first, last).by_day()
        stretch = days_between(first, last)
        for chunk_start in range(0, len(stretch), 31):  # the store's rows a month at a time
            chunk = stretch[chunk_start : chunk_start + 31]
            existing = existing_rows(bureau_id, chunk[0], chunk[-1])
            for day in chunk:
                written += write_day(bureau_id, day, rows.get(day, {}), existing.get(day, {}))
                done += 1
                if progress:
                    progress(done, total)
                if delay:
                    time_module.sleep(delay)
    dirty_clear(bureau_id, days, before=started)
    return total, written


def _stretches(days: list[date]) -> list[tuple[date, date]]:
    stretches: list[tuple[date, date]] = []
    for day in days:
        if stretches and stretches[-1][1] + timedelta(days=1) == day:
            stretches[-1] = (stretches[-1][0], day)
        else:
            stretches.append((day, day))
    return stretches


def compute_range(bureau, first_day: date, last_day: date, **kwargs) -> tuple[int, int]:
    return compute_days(bureau, days_between(first_day, last_day), **kwargs)


# --- incremental --------------------------------------------------------------------------

BY_ID = "id"  # append-only, no modification time: new rows are those above the last run's ids
BY_UPDATE = "updated_at"  # rows modified since the last run's watermark


@dataclass(frozen=True)
class Source:
    """A model the computation reads: the fields whose local day its records count on, the
    path to its bureau, how the nightly run finds what changed, and its many-to-many
    relations that count on the record's days too. The one list of them serves the nightly
    run (changed_days) and the signals that mark dirty days (apps.stats.signals):
    deletions and a day field moved away from a day, which no watermark can see."""

    name: str
    model: type
    days: tuple[str, ...]
    bureau: str
    changes: str
    relations: tuple[str, ...] = ()


SOURCES = (
    Source("servicelog", ServiceLog, ("occurred_at",), "station__bureau_id", BY_ID),
    Source("certificate", ResidenceCertificate, ("issued_at",), "station__bureau_id", BY_ID),
    Source("permit", ResidencePermit, ("issued_at",), "station__bureau_id", BY_ID),
    Source("noiseevent", NoiseEvent, ("opened_at",), "sensor__station__bureau_id", BY_ID),
    Source("incident", Incident, ("received_at",), "station__bureau_id", BY_ID),
    Source("case", Case, ("filed_at", "solved_at"), "station__bureau_id", BY_UPDATE),
    Source("dispute", Dispute, ("received_at", "concluded_at"), "station__bureau_id", BY_UPDATE),
    Source("patrol", Patrol, ("started_at",), "station__bureau_id", BY_UPDATE, ("covered",)),
    Source("finding", Finding, ("found_at", "handled_at"), "station__bureau_id", BY_UPDATE),
)


def source_marks() -> dict[str, int]:
    """The highest id of each append-only source now (the next run looks above it)."""
    return {
        source.name: source.model.objects.aggregate(top=Max("id"))["top"] or 0
        for source in SOURCES
        if source.changes == BY_ID
    }


def _distinct_days(queryset, field: str) -> set[date]:
    return set(
        queryset.filter(**{f"{field}__isnull": False})
        .annotate(day=_local_day(field))
        .values_list("day", flat=True)
        .distinct()
        .order_by()
    )


def changed_days(bureau: Bureau | int, since: datetime, marks: dict | None = None) -> set[date]:
    """Local days whose source records changed after `since` (records with updated_at),
    or were added above the id marks of the last run (append-only sources), or whose
    incident has a timeline entry after `since`. One DISTINCT query per source and field."""
    bureau_id = bureau if isinstance(bureau, int) else bureau.pk
    marks = marks or {}
    days: set[date] = set()
    for source in SOURCES:
        queryset = source.model.objects.filter(**{source.bureau: bureau_id})
        if source.changes == BY_UPDATE:
            changed = Q(updated_at__gte=since)
        elif source.name in marks:
            changed = Q(id__gt=marks[source.name])
        else:  # without a mark yet, the records' own time stands in
            changed = Q(**{f"{source.days[0]}__gte": since})
        if source.model is Incident:
            touched = IncidentEvent.objects.filter(at__gte=since).values("incident_id")
            changed |= Q(id__in=touched)
        for field in source.days:
            days |= _distinct_days(queryset.filter(changed), field)
    return days


def record_days(bureau: Bureau | int) -> set[date]:
    """Every local day with a source record of the bureau: what a nightly job that had run
    since the first record would have computed (the demo's store, devtools.demo.stats)."""
    return changed_days(bureau, datetime.min.replace(tzinfo=ZoneInfo("UTC")))


# --- dirty days ---------------------------------------------------------------------------


def local_day(moment: datetime | None) -> date | None:
    return None if moment is None else timezone.localtime(moment, local_zone()).date()


def dirty_mark(bureau_id: int, days: Iterable[date | None]) -> None:
    """Mark days of the bureau for the next nightly run (again: the mark's time moves on)."""
    rows = [
        DirtyDay(bureau_id=bureau_id, day=day, marked_at=timezone.now())
        for day in sorted({day for day in days if day is not None})
    ]
    if rows:
        DirtyDay.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["bureau", "day"],
            update_fields=["marked_at"],
        )


def dirty_days(bureau_id: int) -> set[date]:
    return set(DirtyDay.objects.filter(bureau_id=bureau_id).values_list("day", flat=True))


def dirty_clear(bureau_id: int, days: Iterable[date], *, before: datetime) -> None:
    """Clear the marks of computed days made before the computation started reading (a day
    marked again meanwhile stays for the next run)."""
    DirtyDay.objects.filter(bureau_id=bureau_id, day__in=list(days), marked_at__lte=before).delete()


def yesterday(now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), local_zone()).date() - timedelta(days=1)
