import copy

from apps.core import benchmark


def test_the_bench_keeps_only_the_named_apps():
    benchmark.autodiscover()
    registry = copy.deepcopy(benchmark.registry)
    registry.keep_only({"apps.stations", "apps.cases"})
    assert {g.__name__ for g in registry.generators} == {
        "organisation_at_scale",
        "service_logs_at_scale",
        "incidents_at_scale",
    }
    kept = {s.url.__module__ for s in registry.requests} | {
        b.run.__module__ for b in registry.batches
    }
    assert kept == {"apps.stations.bench", "apps.cases.bench"}
    # The run of every app is untouched.
    assert len(benchmark.registry.generators) > len(registry.generators)


def test_a_batch_scenarios_setup_runs_before_each_run_outside_the_timing(db):
    import time

    from apps.core.management.commands.bench import Command

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
