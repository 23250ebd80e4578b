import copy
import io
import time

from devtools import benchmark
from devtools.management.commands.bench import Command


def test_the_bench_keeps_only_the_named_apps():
    benchmark.autodiscover()
    registry = copy.deepcopy(benchmark.registry)
    registry.keep_scale("full")
    registry.keep_only({"stations", "cases"})
    assert {g.__name__ for g in registry.generators} == {
        "organisation_at_scale",
        "service_logs_at_scale",
        "incidents_at_scale",
    }
    kept = {s.url.__module__ for s in registry.requests} | {
        b.run.__module__ for b in registry.batches
    }
    assert kept == {"devtools.bench.stations", "devtools.bench.cases"}
    # The run of every app is untouched.
    assert len(benchmark.registry.generators) > len(registry.generators)


def test_what_only_the_city_scale_runs_stays_out_of_the_others():
    benchmark.autodiscover()
    city, full = copy.deepcopy(benchmark.registry), copy.deepcopy(benchmark.registry)
    city.keep_scale("city")
    full.keep_scale("full")
    city_only = {"city_stations", "persons_of_the_city", "incidents_of_the_city"}
    city_only |= {"tracks_of_the_city", "readings_of_the_city"}
    assert city_only <= {g.__name__ for g in city.generators}
    assert not city_only & {g.__name__ for g in full.generators}
    assert "patrols: drop the oldest month of city track points" in {
        d.name for d in city.deliveries
    }
    assert not {d.name for d in full.deliveries if "city" in d.name}
    assert "stats: nightly, one day, the whole city" in {b.name for b in city.batches}
    assert not {b.name for b in full.batches if "city" in b.name}
    # The city scale is the small one's tables with the city's rows on top.
    assert benchmark.SCALES["city"]["persons"] == benchmark.SCALES["small"]["persons"]
    assert benchmark.SCALES["city"]["city"]["track_points"] == 200_000_000


def test_the_bench_runs_only_the_scenarios_whose_name_matches():
    benchmark.autodiscover()
    registry = copy.deepcopy(benchmark.registry)
    registry.keep_matching(["API list", "ingest"])
    names = [s.name for s in registry.requests + registry.batches + registry.deliveries]
    assert names and all("API list" in n or "ingest" in n for n in names)
    assert "patrols: ingest 10,000 points (20×500)" in names
    assert "incidents: list page" not in names
    assert registry.generators == benchmark.registry.generators


def test_a_batch_scenarios_setup_runs_before_each_run_outside_the_timing(db):
    calls = []

    def setup():
        calls.append("setup")
        time.sleep(0.05)

    scenario = benchmark.BatchScenario(
        "fake", run=lambda: calls.append("run"), sql=lambda: ("SELECT 1", []), setup=setup
    )
    result = Command()._batch(scenario)
    assert calls == ["setup", "run"] * 5
    assert result["p95_ms"] < 50  # the setup's sleep is not in the timing


def test_a_batch_scenarios_sql_that_writes_is_timed_after_its_own_untimed_setup(db):
    calls = []

    def sql_setup():
        calls.append("sql_setup")
        time.sleep(0.05)

    # A write returns no rows to fetch: the baseline of a job that fills a table.
    scenario = benchmark.BatchScenario(
        "fake",
        run=lambda: calls.append("run"),
        sql=lambda: ("DELETE FROM django_session WHERE expire_date IS NULL", []),
        setup=lambda: calls.append("setup"),
        sql_setup=sql_setup,
    )
    result = Command()._batch(scenario)
    assert calls == ["setup", "run"] * 5 + ["sql_setup"] * 5
    assert result["sql_p50_ms"] < 50  # the setup's sleep is not in the timing


def test_an_ingestion_scenario_reports_its_rate_and_a_job_none(db):
    def sleep_20ms():
        time.sleep(0.02)

    command = Command(stdout=io.StringIO())
    ingest = command._batch(
        benchmark.BatchScenario(
            "ingest", sleep_20ms, lambda: ("SELECT 1", []), items=10_000, unit="points"
        )
    )
    assert (ingest["items"], ingest["unit"]) == (10_000, "points")
    assert ingest["per_s"] == benchmark.per_second(10_000, ingest["p50_ms"])
    assert 0 < ingest["per_s"] <= 500_000  # 10,000 in 20 ms or more
    job = command._batch(benchmark.BatchScenario("job", sleep_20ms, lambda: ("SELECT 1", [])))
    assert "per_s" not in job
    command._print([ingest, job])
    lines = command.stdout.getvalue().splitlines()
    assert lines[2].endswith(f"{ingest['per_s']:,} points/s")
    assert lines[3].endswith("–")


def test_per_second_is_items_over_the_median_run():
    assert benchmark.per_second(10_000, 500.0) == 20_000
    assert benchmark.per_second(10_000, 2_000.0) == 5_000


def test_the_patrol_and_noise_ingestion_scenarios_declare_what_they_take_in():
    benchmark.autodiscover()
    declared = {b.run.__module__: (b.items, b.unit) for b in benchmark.registry.batches if b.items}
    assert declared["devtools.bench.patrols"] == (10_000, "points")
    assert declared["devtools.bench.noise"] == (10_000, "readings")
