"""The benchmark harness behind `make bench` (README "Quality").

A scenario is a small registered function in the app's module of this package
(`devtools/bench/<app>.py`, and `<app>_<part>.py` for an app whose parts are built
separately, e.g. patrols_assessment):

    @request_scenario("posts: API list", persona="jlp_admin", sql=posts_page_sql)
    def posts_api(): return reverse("post-list")

Request scenarios are timed through Django's test client (server time, no network) and
report p50/p95 and queries per request next to the hand-written SQL that returns the same
page, as a ratio. Batch scenarios time a job against its equivalent SQL aggregate; an
ingestion job declares how many items one run takes in, and the harness reports the rate:

    @batch_scenario("noise: ingest 10,000 readings", sql=insert_sql, items=10_000,
                    unit="readings")

A delivery scenario times what happens outside the test client, end to end, and returns
its samples (e.g. from a service's commit to the event on 500 real WebSocket clients):

    @delivery_scenario("live: a burst of 100 status changes to 500 sockets")

Data generators (`@generator`) fill PostgreSQL in bulk to the chosen scale.
"""

import pkgutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from devtools import bench as scenarios

SCALES = {
    # rows per generated table; "full" is the size later issues name as their targets
    "small": {
        "posts": 1_000,
        "communities": 1_000,
        "service_logs": 20_000,
        "persons": 10_000,
        "addresses": 4_000,
        "hotel_stays": 5_000,
        "incidents": 20_000,
        "noise_readings": 200_000,
        "track_points": 500_000,
        "disputes": 2_000,
        "place_addresses": 20_000,
    },
    "full": {
        "posts": 10_000,
        "communities": 10_000,
        "service_logs": 1_000_000,
        "persons": 1_000_000,
        "addresses": 400_000,
        "hotel_stays": 200_000,
        "incidents": 1_000_000,
        "noise_readings": 5_000_000,
        "track_points": 10_000_000,
        "disputes": 100_000,
        "place_addresses": 1_000_000,  # standard addresses of one station (issue 20, item 6)
    },
}
# A city bureau (issue 21, item 3): the small scale's tables, and the city's streams and
# registry written by PostgreSQL itself (devtools/bench/stations_city.py).
SCALES["city"] = {
    **SCALES["small"],
    "city": {
        "bureaus": 10,
        "stations": 100,
        "persons": 30_000_000,
        "incidents": 20_000_000,
        "track_points": 200_000_000,
        "noise_readings": 50_000_000,
    },
}


@dataclass
class RequestScenario:
    name: str
    url: Callable[[], str]
    persona: str
    sql: Callable[[], tuple[str, list]] | None = None
    # For POST scenarios (e.g. a lookup whose body must not travel in the URL).
    body: Callable[[], dict] | None = None
    # URL and body asked for afresh before each request (untimed): uploads that must not
    # repeat themselves, e.g. the next batch of a GPS track.
    fresh: bool = False


@dataclass
class BatchScenario:
    name: str
    run: Callable[[], object]
    sql: Callable[[], tuple[str, list]]
    # Called before each timed run, untimed: puts back what the previous run did (e.g.
    # deletes the rows it wrote), so that every run does the real work.
    setup: Callable[[], None] | None = None
    # The same for each timed run of the SQL, when the SQL writes too (e.g. the statistics
    # store's rows): the baseline then starts from where the job did.
    sql_setup: Callable[[], None] | None = None
    # What one run processes, for an ingestion rate (e.g. 10,000 "points"); None: a job
    # whose size is not a count of items (a report, a recompute).
    items: int | None = None
    unit: str = "items"


@dataclass
class DeliveryScenario:
    """Something timed end to end outside Django's test client (e.g. a service's commit to
    the message on real WebSocket clients): `run()` returns the samples in seconds and what
    else the report should say of the run (clients, messages, the polling it replaces)."""

    name: str
    run: Callable[[], tuple[list[float], dict]]


@dataclass
class Registry:
    generators: list[Callable] = field(default_factory=list)
    requests: list[RequestScenario] = field(default_factory=list)
    batches: list[BatchScenario] = field(default_factory=list)
    deliveries: list[DeliveryScenario] = field(default_factory=list)

    def keep_only(self, apps: set[str]) -> None:
        """Drop the generators and scenarios of every app not in `apps` (labels: "cases")."""
        self._keep(lambda func: app_of(func.__module__) in apps)

    def keep_matching(self, parts: list[str]) -> None:
        """Keep the scenarios whose name holds one of `parts` (the generators all stay)."""
        self._keep(name=lambda name: any(part in name for part in parts))

    def keep_scale(self, scale: str) -> None:
        """Drop what only the city scale runs (the `<app>_city` modules: a month of track
        points dropped, the whole city's night) at the other scales."""
        self._keep(lambda func: scale == "city" or not func.__module__.endswith("_city"))

    def _keep(
        self,
        func: Callable[[Callable], bool] = lambda func: True,
        name: Callable[[str], bool] = lambda name: True,
    ) -> None:
        """Keep the generators whose function passes `func`, and the scenarios whose
        function passes `func` and whose name passes `name`."""
        self.generators = [g for g in self.generators if func(g)]
        self.requests = [r for r in self.requests if func(r.url) and name(r.name)]
        self.batches = [b for b in self.batches if func(b.run) and name(b.name)]
        self.deliveries = [d for d in self.deliveries if func(d.run) and name(d.name)]


registry = Registry()


def generator(func):
    """`func(scale: dict, progress) -> None` fills its tables up to the scale (idempotent)."""
    registry.generators.append(func)
    return func


def request_scenario(name: str, *, persona: str, sql=None, body=None, fresh=False):
    def register(url):
        registry.requests.append(RequestScenario(name, url, persona, sql, body, fresh))
        return url

    return register


def batch_scenario(
    name: str, *, sql, setup=None, sql_setup=None, items: int | None = None, unit: str = "items"
):
    def register(run):
        registry.batches.append(BatchScenario(name, run, sql, setup, sql_setup, items, unit))
        return run

    return register


def delivery_scenario(name: str):
    def register(run):
        registry.deliveries.append(DeliveryScenario(name, run))
        return run

    return register


def app_of(module: str) -> str:
    """The app label of a scenario module: devtools.bench.patrols_assessment → patrols."""
    return module.rsplit(".", 1)[-1].split("_", 1)[0]


def autodiscover() -> None:
    """Import this package's module of every installed app of the product (`<label>.py`) and
    its `<label>_<part>.py` modules."""
    labels = {app.label for app in apps.get_app_configs() if app.name.startswith("apps.")}
    for module in pkgutil.iter_modules(scenarios.__path__):
        if app_of(module.name) in labels:
            import_module(f"{scenarios.__name__}.{module.name}")


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile; samples need not be sorted."""
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def summarise(samples: list[float]) -> dict:
    return {
        "p50_ms": round(percentile(samples, 0.50) * 1000, 2),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 2),
        "mean_ms": round(statistics.fmean(samples) * 1000, 2),
    }


def per_second(items: int, p50_ms: float) -> int:
    """The rate of a run that took `items` in within `p50_ms` (the median run)."""
    return round(items / max(p50_ms / 1000, 1e-6))


def as_deployed():
    """Timings as a deployment runs: `make bench` sets DEBUG for its embedded settings, and
    with DEBUG every query is formatted and kept in connection.queries, a cost no server
    pays (0.1 ms and more a request, in the requests and their SQL alike)."""
    return override_settings(DEBUG=False)


def time_sql(sql: str, params, repeat: int, setup: Callable[[], None] | None = None) -> list[float]:
    """Seconds of each execution, rows fetched; a script that writes returns none. `setup`
    runs before each, untimed."""
    samples = []
    with as_deployed(), connection.cursor() as cursor:
        for _ in range(repeat):
            if setup:
                setup()
            start = time.perf_counter()
            cursor.execute(sql, params)
            if cursor.description is not None:
                cursor.fetchall()
            samples.append(time.perf_counter() - start)
    return samples


def time_request(client, url, repeat: int, warmup: int = 10, body=None) -> tuple[list[float], int]:
    """`url` and `body` may be callables, then asked before each request, outside the
    timing."""

    def prepare():
        return (url() if callable(url) else url, body() if callable(body) else body)

    def call(target, payload):
        if payload is None:
            return client.get(target)
        return client.post(target, payload, content_type="application/json")

    for _ in range(warmup):
        call(*prepare())
    with CaptureQueriesContext(connection) as captured:  # counted once, outside the timing
        call(*prepare())
    queries = len(captured)
    samples = []
    with as_deployed():
        for _ in range(repeat):
            target, payload = prepare()
            start = time.perf_counter()
            response = call(target, payload)
            samples.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise RuntimeError(f"{target} answered {response.status_code}")
    return samples, queries


def copy_rows(table: str, columns: list[str], rows, total: int, progress, label: str) -> None:
    """Bulk-load rows with PostgreSQL COPY (far faster than INSERTs), showing progress."""
    with connection.cursor() as cursor, progress(total=total, desc=label) as bar:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                bar.update(1)
