"""core.NumberSequence and core.services.next_number: one sequence of numbers for every
kind of record, carried over from the two tables it replaced (core migration 0006)."""

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from apps.core.models import NumberSequence
from apps.core.services import next_number
from apps.core.testing.factories import StationFactory

BEFORE = [
    ("core", "0005_task_names"),
    ("cases", "0007_taxonomy_complaints_fights_noise"),
    ("permits", "0007_enterprise_rows_declared"),
]


def test_numbers_count_per_station_series_and_year(db):
    here, there = StationFactory(), StationFactory()
    assert [next_number(station=here, series="JQ", year=2026) for _ in range(3)] == [1, 2, 3]
    assert next_number(station=here, series="JQ", year=2027) == 1
    assert next_number(station=here, series="XS", year=2026) == 1
    assert next_number(station=there, series="JQ", year=2026) == 1
    assert NumberSequence.objects.get(station=here, series="JQ", year=2026).last == 3


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_the_sequences_both_ways():
    """Unapplied, core 0006 puts each sequence back into the table of its app; applied, it
    carries the old tables over: a sequence at 41 gives 42 after it."""
    station = StationFactory()
    NumberSequence.objects.create(station=station, series="JQ", year=2026, last=41)
    executor = MigrationExecutor(connection)
    leaves = [node for node in executor.loader.graph.leaf_nodes() if node[0] in dict(BEFORE)]
    try:
        executor.migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        assert old.get_model("cases", "NumberSequence").objects.get(series="JQ").last == 41
        old.get_model("permits", "DocumentSequence").objects.create(
            station_id=station.pk, series="PZ", year=2026, last=7
        )
    finally:
        MigrationExecutor(connection).migrate(leaves)
    with transaction.atomic():  # as in the services: the lock is the caller's transaction's
        assert next_number(station=station, series="JQ", year=2026) == 42
        assert next_number(station=station, series="PZ", year=2026) == 8
        assert next_number(station=station, series="PZ", year=2027) == 1
