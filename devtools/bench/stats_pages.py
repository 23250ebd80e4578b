"""Benchmark data and scenarios of the statistics pages (see devtools.benchmark): the store
filled for two years of every station, the sub-bureaus and the posts of 西彭 (COPY), and the
statistics page of a station-year (target: p95 ≤ 200 ms, queries constant), its API
series and the bureau's comparison of its stations."""

import random
from datetime import date, timedelta

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.stations.models import Bureau, Post, Station
from apps.stats.metrics import DISTINCT, METRICS
from apps.stats.models import DailyFact
from devtools.benchmark import copy_rows, generator, request_scenario

YEARS = 2
CATEGORIES = [f"{n:02d}" for n in range(1, 11)]
SOURCES = ["110", "walk_in", "phone", "patrol", "sensor"]
CASE_KINDS = ["criminal", "administrative"]
VILLAGES = 8
POSTS = 5


def _dimensions(metric):
    if metric.name == "incidents_by_category":
        return CATEGORIES
    if metric.name == "incidents_by_source":
        return SOURCES
    if metric.name in ("cases_filed", "cases_solved"):
        return CASE_KINDS
    return [""]


def _units():
    xipeng = Station.objects.filter(name="西彭派出所").first()
    units = [("bureau", b.pk, b.pk, None) for b in Bureau.objects.all()]
    units += [("station", s.pk, s.bureau_id, s.pk) for s in Station.objects.all()]
    if xipeng:
        # The demo's posts come first; generated ones (thousands at full scale) stay out.
        posts = Post.objects.filter(station=xipeng).order_by("pk")[:POSTS]
        units += [("post", p.pk, xipeng.bureau_id, xipeng.pk) for p in posts]
    return units


@generator
def stats_facts_at_scale(sizes: dict, progress) -> None:
    """Two years of daily rows (every metric, its dimensions) for every bureau and station
    and 西彭's posts, ending yesterday; skipped when the store already holds them."""
    units = _units()
    last = timezone.localdate() - timedelta(days=1)
    first = date(last.year - YEARS + 1, 1, 1)
    days = (last - first).days + 1
    per_day = sum(VILLAGES if m.rollup == DISTINCT else len(_dimensions(m)) for m in METRICS)
    total = len(units) * days * per_day
    if DailyFact.objects.filter(day=first).exists():
        return
    # The days seed_demo computed give way to the generated years (same keys).
    DailyFact.objects.filter(day__range=(first, last)).delete()
    rng = random.Random(9)
    now = timezone.now()

    def rows():
        for kind, unit_id, bureau_id, station_id in units:
            scale = 20 if kind == "bureau" else (1 if kind == "post" else 4)
            for offset in range(days):
                day = first + timedelta(days=offset)
                for metric in METRICS:
                    if metric.rollup == DISTINCT:
                        for village in range(VILLAGES):
                            yield [
                                day,
                                kind,
                                unit_id,
                                bureau_id,
                                station_id,
                                metric.name,
                                str(unit_id * 100 + village),
                                1.0,
                                now,
                            ]
                        continue
                    for dimension in _dimensions(metric):
                        value = round(rng.random() * 5 * scale, 1)
                        yield [
                            day,
                            kind,
                            unit_id,
                            bureau_id,
                            station_id,
                            metric.name,
                            dimension,
                            value,
                            now,
                        ]

    columns = ["day", "unit_kind", "unit_id", "bureau_id", "station_id", "metric",
               "dimension", "value", "computed_at"]  # fmt: skip
    copy_rows("stats_dailyfact", columns, rows(), total, progress, "stats facts")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE stats_dailyfact")


def _xipeng():
    return Station.objects.get(name="西彭派出所")


def _last_year():
    return timezone.localdate().year - 1


@request_scenario("stats: statistics page, station-year", persona="xipeng_leader")
def station_year_page():
    query = f"unit=station:{_xipeng().pk}&period=year&at={_last_year()}-06-30"
    return f"{reverse('stats:dashboard')}?{query}"


@request_scenario("stats: API monthly series of a station-year", persona="xipeng_leader")
def station_year_api():
    year = _last_year()
    return (
        f"{reverse('stats-series')}?unit=station:{_xipeng().pk}&period=month"
        f"&metric=incidents,consultations,dispute_resolution_rate"
        f"&from={year}-01-01&to={year}-12-31"
    )


@request_scenario("stats: stations side by side, a quarter", persona="jlp_admin")
def bureau_comparison():
    bureau = _xipeng().bureau_id
    query = f"unit=bureau:{bureau}&period=quarter&at={_last_year()}-06-30"
    return f"{reverse('stats:compare')}?{query}"
