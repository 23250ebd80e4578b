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
