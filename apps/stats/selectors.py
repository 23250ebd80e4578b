"""Reading the statistics store: a unit (post, station or sub-bureau), metrics from
the catalogue, a period kind (day, month, quarter, year) and a range, aggregated in SQL
(GROUP BY the truncated day) and rolled up as each metric says: SUM adds days up, DISTINCT
counts distinct dimension values over the period, PERCENTILE takes the day's row for a day
and asks the computation for a longer period. Year-on-year and period-on-period changes with
a zero base are None (shown as "—"), never infinity.

Every query goes through `DailyFact.objects.restrict(user)`; a unit the user may not see is
OutOfScope (404)."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Count, DateField, Sum
from django.db.models.functions import Trunc
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, OutOfScope
from apps.core.months import month_start
from apps.core.scoping import scope_level
from apps.stations.models import Bureau, Post, Station

from .estimates import minutes_saved_per_day
from .metrics import (
    BY_NAME,
    DERIVED,
    DISTINCT,
    METRICS,
    MINUTES_SAVED_PER_DAY,
    PERCENTILE,
    RESOLUTION_RATE,
    SUM,
)
from .models import DailyFact, UnitKind

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from apps.accounts.models import User

_K = TypeVar("_K")
# A figure read from the store (a float column, its sums and distinct counts; None where
# it has no meaning), and its key in `series`: (unit id, metric, period start, dimension).
Figure = float | None
SeriesKey = tuple[int, str, date, str]

# Calendar periods: the pages' period kinds and the API's buckets.
PERIODS = ("day", "month", "quarter", "year")
# The pages' twelve months up to the chosen month: a year that need not start in January,
# such as a post's first year (西彭园区警务站: 2020-11 to 2021-10).
TWELVE_MONTHS = "12m"
PAGE_PERIODS = (*PERIODS, TWELVE_MONTHS)
# The API's whole range as one point (and the pages' periods read as one range).
RANGE = "range"
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12, TWELVE_MONTHS: 12}
# Lower is better when stations are ranked.
LOWER_IS_BETTER = {
    "response_median",
    "response_p90",
    "invalid_calls",
    "repeat_callers",
    "police_complaints",
}


# --- periods -------------------------------------------------------------------------------


def period_start(kind: str, day: date) -> date:
    if kind == "day":
        return day
    if kind == "month":
        return day.replace(day=1)
    if kind == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if kind == TWELVE_MONTHS:
        return month_start(day.replace(day=1), -11)
    return date(day.year, 1, 1)


def period_shift(kind: str, start: date, n: int) -> date:
    """The start of the period `n` periods after (before, if negative) the one at `start`."""
    if kind == "day":
        return start + timedelta(days=n)
    return month_start(start, PERIOD_MONTHS[kind] * n)


def period_end(kind: str, start: date) -> date:
    return period_shift(kind, start, 1) - timedelta(days=1)


def year_before(kind: str, start: date) -> date:
    if kind == "day":
        try:
            return start.replace(year=start.year - 1)
        except ValueError:  # 29 February
            return start.replace(year=start.year - 1, day=28)
    return month_start(start, -12)


def range_label(first: str, last: str) -> str:
    return _("%(first)s to %(last)s") % {"first": first, "last": last}


def period_label(kind: str, start: date) -> str:
    if kind == "day":
        return start.isoformat()
    if kind == "month":
        return f"{start:%Y-%m}"
    if kind == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    if kind == TWELVE_MONTHS:
        return range_label(f"{start:%Y-%m}", f"{period_end(kind, start):%Y-%m}")
    return str(start.year)


def periods_between(kind: str, first_day: date, last_day: date) -> list[date]:
    if kind == RANGE:
        return [first_day]
    starts, start = [], period_start(kind, first_day)
    while start <= last_day:
        starts.append(start)
        start = period_shift(kind, start, 1)
    return starts


def chart_range(kind: str, start: date) -> tuple[date, date, str]:
    """What the dashboard's chart spans around the chosen period, and in which steps: a
    year (or twelve months) its months, a month (or a day) the month's days, a quarter the
    year's quarters (the bulletin's chart of the quarters)."""
    if kind in ("day", "month"):
        first = start.replace(day=1)
        return first, period_end("month", first), "day"
    if kind == "quarter":
        return date(start.year, 1, 1), date(start.year, 12, 31), "quarter"
    return start, period_end(kind, start), "month"


# --- arithmetic ---------------------------------------------------------------------------


def change(current: Figure, base: Figure) -> dict[str, Figure]:
    """The difference and the relative change in percent; None where it has no meaning (a
    missing value, or a zero base: growth from nothing is not a percentage)."""
    if current is None or base is None:
        return {"diff": None, "percent": None}
    diff = current - base
    percent = round(diff * 100 / base, 1) if base else None
    return {"diff": diff, "percent": percent}


def ratio_percent(numerator: Figure, denominator: Figure) -> Figure:
    if not denominator or numerator is None:
        return None
    return round(numerator * 100 / denominator, 1)


def ranking(values: dict[_K, Figure], *, lower_is_better: bool = False) -> dict[_K, int | None]:
    """Competition ranks (1, 2, 2, 4) of the keys by value; keys without a value get None,
    and so does everyone when no value is above zero (nothing happened: nothing to rank)."""
    present = sorted((v for v in values.values() if v is not None), reverse=not lower_is_better)
    if not any(present):
        return dict.fromkeys(values)
    first_rank: dict[float, int] = {}
    for index, value in enumerate(present, start=1):
        first_rank.setdefault(value, index)
    return {key: (first_rank[v] if v is not None else None) for key, v in values.items()}


# --- units --------------------------------------------------------------------------------


@dataclass
class Unit:
    kind: str
    id: int
    name: str
    station_id: int | None = None
    bureau_id: int | None = None
    children: list["Unit"] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    def __str__(self) -> str:
        return self.name


def unit_parse(text: str) -> tuple[str, int]:
    kind, _sep, pk = (text or "").partition(":")
    if kind not in UnitKind.values or not pk.isdigit():
        raise DomainError(
            _("Unknown unit %(unit)s: write post:<id>, station:<id> or bureau:<id>.")
            % {"unit": text}
        )
    return kind, int(pk)


def unit_resolve(*, user: "User", kind: str, pk: int) -> Unit:
    """The unit if the user may read its figures, else OutOfScope. Station staff read their
    station and its posts; the bureau's totals are for the bureau (and superusers)."""
    if kind == UnitKind.POST:
        post = Post.objects.restrict(user).select_related("station").filter(pk=pk).first()
        if post is None:
            raise OutOfScope(_("No such post."))
        return Unit(kind, post.pk, post.name, post.station_id, post.station.bureau_id)
    if kind == UnitKind.STATION:
        station = Station.objects.restrict(user).filter(pk=pk).first()
        if station is None:
            raise OutOfScope(_("No such station."))
        return Unit(kind, station.pk, station.name, station.pk, station.bureau_id)
    level = scope_level(user)
    bureau = Bureau.objects.filter(pk=pk).first()
    if bureau is None or not (level == "all" or (level == "bureau" and user.bureau_id == pk)):
        raise OutOfScope(_("No such sub-bureau."))
    return Unit(kind, bureau.pk, bureau.name, None, bureau.pk)


def unit_default(user: "User") -> Unit | None:
    if user.station_id:
        return unit_resolve(user=user, kind=UnitKind.STATION, pk=user.station_id)
    if user.bureau_id:
        return unit_resolve(user=user, kind=UnitKind.BUREAU, pk=user.bureau_id)
    bureau = Bureau.objects.order_by("pk").first()
    return unit_resolve(user=user, kind=UnitKind.BUREAU, pk=bureau.pk) if bureau else None


def unit_choices(*, user: "User", unit: Unit | None) -> list[tuple[str, str]]:
    """The units the picker offers: the bureau (for bureau staff), its stations, and the
    posts of the chosen station only (a bureau has thousands of posts)."""
    choices: list[tuple[str, str]] = []
    level = scope_level(user)
    if level == "all":
        choices += [(f"bureau:{pk}", name) for pk, name in Bureau.objects.values_list("pk", "name")]
    elif level == "bureau" and user.bureau_id is not None:  # (without one, none to offer)
        choices += [
            (f"bureau:{pk}", name)
            for pk, name in Bureau.objects.filter(pk=user.bureau_id).values_list("pk", "name")
        ]
    stations = Station.objects.restrict(user).order_by("code")
    if unit is not None and unit.bureau_id and level == "all":
        stations = stations.filter(bureau_id=unit.bureau_id)
    choices += [(f"station:{pk}", name) for pk, name in stations.values_list("pk", "name")]
    station_id = unit.station_id if unit is not None else user.station_id
    if station_id:
        posts = Post.objects.restrict(user).filter(station_id=station_id).order_by("name")
        choices += [(f"post:{pk}", f"· {name}") for pk, name in posts.values_list("pk", "name")]
    return choices


def unit_children(*, user: "User", unit: Unit) -> list[Unit]:
    """What a unit is compared across: a bureau's stations, a station's posts."""
    if unit.kind == UnitKind.BUREAU:
        rows = Station.objects.restrict(user).filter(bureau_id=unit.id).order_by("code")
        return [Unit(UnitKind.STATION, s.pk, s.name, s.pk, s.bureau_id) for s in rows]
    if unit.kind == UnitKind.STATION:
        posts = Post.objects.restrict(user).filter(station_id=unit.id).order_by("name")
        return [Unit(UnitKind.POST, p.pk, p.name, unit.id, unit.bureau_id) for p in posts]
    return []


# --- the store ------------------------------------------------------------------------------


def metrics_parse(text: str) -> list[str]:
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    if not names:
        raise DomainError(_("Name at least one metric."))
    unknown = [n for n in names if n not in BY_NAME and n not in DERIVED]
    if unknown:
        raise DomainError(_("Unknown metric: %(names)s.") % {"names": ", ".join(unknown)})
    return names


def _facts(
    user: "User", unit_kind: str, unit_ids: list[int], first_day: date, last_day: date
) -> "QuerySet[DailyFact]":
    return DailyFact.objects.restrict(user).filter(
        unit_kind=unit_kind, unit_id__in=unit_ids, day__gte=first_day, day__lte=last_day
    )


def series(
    *,
    user: "User",
    unit_kind: str,
    unit_ids: list[int],
    metrics: list[str],
    period: str,
    first_day: date,
    last_day: date,
    by_dimension: bool = False,
) -> dict[SeriesKey, Figure]:
    """{(unit_id, metric, period_start, dimension): value} for the units, metrics and the
    periods of the range (RANGE: the range as one period, keyed by its first day);
    dimension is "" unless `by_dimension`. One query for the summed metrics, one for the
    distinct ones, one for the percentiles of every unit and period (recomputed from the
    records by the computation: a median of daily medians would be wrong). The derived
    figures: the resolution rate (resolved ÷ concluded) and the minutes saved per day
    (minutes_saved ÷ the days of the period the unit has any figure for, one more query:
    a post's days before it opened, or days not computed yet, do not dilute it)."""
    if period not in (*PERIODS, RANGE):
        raise DomainError(
            _("Unknown period %(period)s: day, month, quarter, year or range.") % {"period": period}
        )
    wanted = set(metrics)
    if RESOLUTION_RATE in wanted:
        wanted |= {"disputes_resolved", "disputes_concluded"}
        wanted.discard(RESOLUTION_RATE)
    if MINUTES_SAVED_PER_DAY in wanted:
        wanted.add("minutes_saved")
        wanted.discard(MINUTES_SAVED_PER_DAY)
    summed = [n for n in wanted if BY_NAME[n].rollup == SUM]
    distinct = [n for n in wanted if BY_NAME[n].rollup == DISTINCT]
    percentile = [n for n in wanted if BY_NAME[n].rollup == PERCENTILE]
    if period == "day":
        summed += percentile  # a day's percentile is its row
        percentile = []
    out: dict[SeriesKey, Figure] = {}
    keys = ["unit_id", "metric"] + (["dimension"] if by_dimension else [])
    # Two statements: a COUNT(DISTINCT) in the same one would force every group through a
    # sort (three times slower on a station's five years).
    for names, aggregate in ((summed, Sum("value")), (distinct, Count("dimension", distinct=True))):
        if not names:
            continue
        rows = _facts(user, unit_kind, unit_ids, first_day, last_day).filter(metric__in=names)
        if period != RANGE:
            rows = rows.annotate(p=Trunc("day", period, output_field=DateField()))
        rows = rows.values(*keys, *(["p"] if period != RANGE else [])).annotate(total=aggregate)
        for row in rows.order_by():
            key = (row["unit_id"], row["metric"], row.get("p", first_day), row.get("dimension", ""))
            out[key] = row["total"]
    if percentile:
        from . import compute

        found = compute.response_percentiles(
            unit_kind=unit_kind,
            unit_ids=unit_ids,
            first_day=first_day,
            last_day=last_day,
            period=None if period == RANGE else period,
        )
        for (unit_id, start), values in found.items():
            for name in percentile:
                if values[name] is not None:
                    out[(unit_id, name, start, "")] = values[name]
    if RESOLUTION_RATE in metrics:
        for (unit_id, name, start, dim), concluded in list(out.items()):
            if name == "disputes_concluded" and not dim:
                resolved = out.get((unit_id, "disputes_resolved", start, ""), 0)
                out[(unit_id, RESOLUTION_RATE, start, "")] = ratio_percent(resolved, concluded)
    if MINUTES_SAVED_PER_DAY in metrics:
        for (unit_id, start), days in _days_with_figures(
            user, unit_kind, unit_ids, period, first_day, last_day
        ).items():
            # A stored sum is never None; `or 0` only tells the types so.
            saved = out.get((unit_id, "minutes_saved", start, "")) or 0
            out[(unit_id, MINUTES_SAVED_PER_DAY, start, "")] = round(saved / days, 1)
    return out


def _days_with_figures(
    user: "User",
    unit_kind: str,
    unit_ids: list[int],
    period: str,
    first_day: date,
    last_day: date,
) -> dict[tuple[int, date], int]:
    """{(unit id, period start): the number of days the unit has any stored figure for}."""
    rows = _facts(user, unit_kind, unit_ids, first_day, last_day)
    keys = ["unit_id"]
    if period != RANGE:
        rows = rows.annotate(p=Trunc("day", period, output_field=DateField()))
        keys.append("p")
    rows = rows.values(*keys).annotate(days=Count("day", distinct=True)).order_by()
    return {(row["unit_id"], row.get("p", first_day)): row["days"] for row in rows}


# --- the pages ------------------------------------------------------------------------------


def metric_label(name: str) -> str:
    if name == RESOLUTION_RATE:
        return _("Dispute resolution rate")
    if name == MINUTES_SAVED_PER_DAY:
        return _("Minutes saved per day")
    return str(BY_NAME[name].label)


def metric_unit(name: str) -> str:
    if name == RESOLUTION_RATE:
        return "%"
    if name == MINUTES_SAVED_PER_DAY:
        return str(BY_NAME["minutes_saved"].unit)
    return str(BY_NAME[name].unit)


def table_metrics() -> list[str]:
    """Every metric of the catalogue (posts, stations and bureaus have them all), with the
    resolution rate after the disputes and the minutes saved per day after the minutes."""
    names: list[str] = []
    for metric in METRICS:
        names.append(metric.name)
        if metric.name == "disputes_resolved":
            names.append(RESOLUTION_RATE)
        if metric.name == "minutes_saved":
            names.append(MINUTES_SAVED_PER_DAY)
    return names


def dimension_names(unit: Unit, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """{(metric, dimension): what to call it}: a category's name (one query), a source's or
    a case kind's label; anything else as stored."""
    from apps.cases.choices import CaseKind, IncidentSource
    from apps.cases.models import IncidentCategory

    names: dict[tuple[str, str], str] = {}
    codes = {dim for metric, dim in pairs if metric == "incidents_by_category"}
    if codes and unit.bureau_id:
        categories = dict(
            IncidentCategory.objects.filter(
                bureau_id=unit.bureau_id, parent__isnull=True, code__in=codes
            ).values_list("code", "name")
        )
        for code in codes:
            names[("incidents_by_category", code)] = categories.get(
                code, _("No category") if code == "none" else code
            )
    for metric, dim in pairs:
        if metric == "incidents_by_source":
            names[(metric, dim)] = str(dict(IncidentSource.choices).get(dim, dim))
        elif metric in ("cases_filed", "cases_solved"):
            names[(metric, dim)] = str(dict(CaseKind.choices).get(dim, dim))
    return names


# What the dashboard draws along the chart's range, and lists in its table of the chart's
# periods, in this order: the window's work (the seeds' figures of a post's year) first.
CHARTED = (
    "consultations",
    "residents_registered",
    "permits_issued",
    "incidents",
    "criminal_incidents",
    "preventable_incidents",
    "response_median",
    "response_p90",
    "minutes_saved",
    "disputes_received",
    RESOLUTION_RATE,
    "patrol_hours",
    "noise_events",
    "police_complaints",
)


@dataclass
class Dashboard:
    unit: Unit
    period: str
    start: date
    end: date
    rows: list[dict[str, Any]]  # one dict per metric: value, previous, year_before, pop, yoy
    chart_step: str  # the period kind of the chart's points: day, month or quarter
    chart_starts: list[date]  # the first day of each point
    newest: date  # the newest day the nightly computation has done: later points are None
    chart_labels: list[str]
    charts: dict[str, list[Figure]]  # metric -> values along chart_starts
    # (metric, label, [(dimension, value)]) for the current period
    breakdowns: list[tuple[str, str, list[tuple[str, Figure]]]]
    # The minutes saved per day computed from the records for the period, and the seed's
    # estimate beside it where it applies (西彭派出所 and its posts, apps.stats.estimates).
    saved_per_day: float | None = None
    saved_estimate: int | None = None


def _chart_label(step: str, start: date) -> str:
    # A month's days need no year and month: the page's title names them.
    return f"{start:%m-%d}" if step == "day" else period_label(step, start)


def dashboard(*, user: "User", unit: Unit, period: str, at: date) -> Dashboard:
    """The table of every metric for the period containing `at`, with the previous period
    and the same period a year before, and the chart series inside or around it (a year's
    months, a month's days): a constant number of queries (each compared period read as
    one range, the chart's range, the breakdowns by dimension), whatever the data."""
    start = period_start(period, at)
    end = period_end(period, start)
    previous = period_shift(period, start, -1)
    last_year = year_before(period, start)
    chart_first, chart_last, step = chart_range(period, start)
    names = table_metrics()
    common: dict[str, Any] = dict(user=user, unit_kind=unit.kind, unit_ids=[unit.id])
    # A day's percentiles are its stored rows; a longer period's are recomputed as a whole.
    whole = "day" if period == "day" else RANGE
    compared: dict[date, dict[str, Figure]] = {}
    for begin in {start, previous, last_year}:
        found = series(
            **common,
            metrics=names,
            period=whole,
            first_day=begin,
            last_day=period_end(period, begin),
        )
        compared[begin] = {name: value for (_u, name, _p, _d), value in found.items()}
    along = series(
        **common, metrics=list(CHARTED), period=step, first_day=chart_first, last_day=chart_last
    )

    def figure(name: str, value: Figure) -> Figure:
        if value is None and name not in DERIVED and BY_NAME[name].rollup != PERCENTILE:
            return 0  # no row: nothing happened
        return value

    rows: list[dict[str, Any]] = []
    for name in names:
        current, prev, before = (
            figure(name, compared[begin].get(name)) for begin in (start, previous, last_year)
        )
        rows.append(
            {
                "metric": name,
                "label": metric_label(name),
                "unit": metric_unit(name),
                "value": current,
                "previous": prev,
                "year_before": before,
                "pop": change(current, prev),
                "yoy": change(current, before),
            }
        )
    chart_starts = periods_between(step, chart_first, chart_last)
    from .compute import yesterday

    newest = yesterday()
    charts = {
        name: [
            figure(name, along.get((unit.id, name, begin, ""))) if begin <= newest else None
            for begin in chart_starts
        ]
        for name in CHARTED
    }
    dimensional = [m.name for m in METRICS if m.dimension and m.rollup == SUM]
    split = series(
        **common,
        metrics=dimensional,
        period=whole,
        first_day=start,
        last_day=end,
        by_dimension=True,
    )
    names_of = dimension_names(unit, {(m, dim) for (_u, m, _p, dim) in split})
    breakdowns: list[tuple[str, str, list[tuple[str, Figure]]]] = []
    for name in dimensional:
        parts = sorted(
            (
                (names_of.get((name, dim), dim), v)
                for (_u, m, _p, dim), v in split.items()
                if m == name
            ),
            key=lambda item: (-(item[1] or 0), item[0]),  # sums: never None
        )
        breakdowns.append((name, metric_label(name), parts))
    return Dashboard(
        unit=unit,
        period=period,
        start=start,
        end=end,
        rows=rows,
        saved_per_day=compared[start].get(MINUTES_SAVED_PER_DAY),
        saved_estimate=minutes_saved_per_day(unit),
        chart_step=step,
        chart_starts=chart_starts,
        newest=newest,
        chart_labels=[_chart_label(step, b) for b in chart_starts],
        charts=charts,
        breakdowns=breakdowns,
    )


@dataclass
class Comparison:
    unit: Unit
    period: str
    start: date
    end: date
    metrics: list[tuple[str, str, str]]  # (name, label, unit)
    # One dict per child unit: unit, values and ranks in the order of metrics, by_metric and
    # rank_of by name, has_figures (any figure in the range).
    rows: list[dict[str, Any]]


def comparison(*, user: "User", unit: Unit, period: str, at: date) -> Comparison:
    """The unit's children (a bureau's stations, a station's posts) side by side over one
    period, each metric ranked."""
    start = period_start(period, at)
    return comparison_range(
        user=user,
        unit=unit,
        period=period,
        first_day=start,
        last_day=period_end(period, start),
    )


def comparison_range(
    *, user: "User", unit: Unit, period: str, first_day: date, last_day: date
) -> Comparison:
    """The children side by side over a range (a period, or a half-year): one query for
    the stored metrics, one for every child's percentiles. A child without a single figure
    in the range (nothing recorded, or not open yet) shows none and is not ranked."""
    start, end = first_day, last_day
    # A day's percentiles are its stored rows; a longer range's are recomputed as a whole.
    whole = "day" if period == "day" and start == end else RANGE
    children = unit_children(user=user, unit=unit)
    child_kind = children[0].kind if children else UnitKind.STATION
    names = table_metrics()
    values: dict[SeriesKey, Figure] = {}
    if children:
        values = series(
            user=user,
            unit_kind=child_kind,
            unit_ids=[c.id for c in children],
            metrics=names,
            period=whole,
            first_day=start,
            last_day=end,
        )
    with_figures = {unit_id for (unit_id, _m, _p, _d) in values}
    table: dict[int, dict[str, Figure]] = {}
    for child in children:
        row: dict[str, Figure] = {}
        for name in names:
            value = values.get((child.id, name, start, ""))
            counted = name not in DERIVED and BY_NAME[name].rollup != PERCENTILE
            if value is None and counted and child.id in with_figures:
                value = 0  # no row on a unit with figures: nothing of this happened
            row[name] = value
        table[child.id] = row
    ranks = {
        name: ranking(
            {c.id: table[c.id][name] for c in children},
            lower_is_better=name in LOWER_IS_BETTER,
        )
        for name in names
    }
    rows = [
        {
            "unit": child,
            "values": [table[child.id][name] for name in names],
            "ranks": [ranks[name][child.id] for name in names],
            "by_metric": table[child.id],
            "rank_of": {name: ranks[name][child.id] for name in names},
            "has_figures": child.id in with_figures,
        }
        for child in children
    ]
    return Comparison(
        unit=unit,
        period=period,
        start=start,
        end=end,
        metrics=[(n, metric_label(n), metric_unit(n)) for n in names],
        rows=rows,
    )


def rank_order(row: dict[str, Any], name: str) -> tuple[bool, int, bool, str]:
    """Sort key of a comparison's rows by their rank in a metric: the ranked first, by
    rank, then the unranked with figures, then those without; by name within."""
    rank = row["rank_of"][name]
    return (rank is None, rank or 0, not row["has_figures"], row["unit"].name)


def home_counters(*, user: "User", now: datetime | None = None) -> dict[str, int]:
    """The desk's counters of today, live from the records (the store is filled nightly):
    incidents received today, open (as the command board counts them), dispatched and
    under way, consultations at the window."""
    from django.db.models import Q

    from apps.cases.choices import IncidentStatus
    from apps.cases.models import Incident
    from apps.stations.choices import ServiceKind
    from apps.stations.models import ServiceLog

    from .board.selectors import OPEN_STATUSES, today_bounds

    start, end = today_bounds(now)
    moving = [IncidentStatus.DISPATCHED, IncidentStatus.EN_ROUTE, IncidentStatus.ARRIVED]
    received_today = Q(received_at__gte=start, received_at__lt=end)
    is_open = Q(status__in=OPEN_STATUSES)
    # Only the rows some counter counts: the station's (status, time) indexes find them,
    # where the counters' filters alone made it read every incident the station ever had.
    incidents = (
        Incident.objects.restrict(user)
        .filter(received_today | is_open)
        .aggregate(
            today=Count("id", filter=received_today),
            open=Count("id", filter=is_open),
            dispatched=Count("id", filter=Q(status__in=moving)),
        )
    )
    consultations = (
        ServiceLog.objects.restrict(user)
        .filter(kind=ServiceKind.CONSULTATION, occurred_at__gte=start, occurred_at__lt=end)
        .count()
    )
    return {**incidents, "consultations": consultations}
