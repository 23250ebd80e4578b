"""The 5-minute steps the ingest keeps beside the readings (apps/noise/steps.py): each
step's loudest reading, whichever batch brought it, and the same steps made again from the
stored readings (the migration, the benchmark)."""

from datetime import timedelta
from decimal import Decimal

from apps.noise.models import NoiseStep
from apps.noise.services import readings_ingest
from apps.noise.steps import rebuild_steps

from .conftest import local, series


def steps(sensor) -> list[tuple[str, Decimal]]:
    return [
        (at.astimezone(local("2026-06-01", "00:00:00").tzinfo).strftime("%H:%M"), level)
        for at, level in NoiseStep.objects.filter(sensor=sensor)
        .order_by("at")
        .values_list("at", "level")
    ]


def test_each_step_keeps_its_loudest_reading_across_batches(noise):
    start = local("2026-06-01", "20:21:00")
    readings_ingest(sensor=noise.sensor, readings=series(start, 60, 70))  # 20:21
    readings_ingest(  # later in the same step, quieter, and the next step
        sensor=noise.sensor, readings=series(start + timedelta(minutes=2), 240, 50)
    )
    assert steps(noise.sensor) == [("20:20", Decimal("70.0")), ("20:25", Decimal("50.0"))]
    readings_ingest(  # a louder reading sent late into the first step
        sensor=noise.sensor, readings=series(start + timedelta(seconds=30, minutes=1), 10, 80)
    )
    assert steps(noise.sensor) == [("20:20", Decimal("80.0")), ("20:25", Decimal("50.0"))]


def test_the_steps_made_again_from_the_readings_are_the_ingests(noise):
    start = local("2026-06-01", "20:21:00")
    for minute, level in ((0, 60), (2, 81), (4, 70), (9, 65)):
        readings_ingest(
            sensor=noise.sensor, readings=series(start + timedelta(minutes=minute), 30, level)
        )
    kept = steps(noise.sensor)
    NoiseStep.objects.all().delete()
    rebuild_steps(start - timedelta(hours=1))
    assert (
        steps(noise.sensor)
        == kept
        == [
            ("20:20", Decimal("81.0")),
            ("20:25", Decimal("70.0")),
            ("20:30", Decimal("65.0")),
        ]
    )
