"""The loudest reading of each sensor in each 5 minutes (NoiseStep), what the noise page's
day curve draws: kept by the ingest as readings are stored, so that a view of the page
reads 288 rows a sensor rather than aggregating the day's readings again (issue 21, item 4).

Beijing time is UTC+8 all year, a whole number of steps: a step counted from the epoch is a
step of the local clock.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Func, IntegerField

from .models import NoiseSensor, NoiseStep

STEP_SECONDS = 5 * 60


class EpochSeconds(Func):
    """Seconds since 1970 of a time, as a whole number: a page reads its steps' times as
    numbers, which cost nothing to decode."""

    output_field = IntegerField()
    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS bigint)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS integer)"
        )


def step_of(at: datetime) -> datetime:
    """The start of the step a moment falls in."""
    return datetime.fromtimestamp(int(at.timestamp()) // STEP_SECONDS * STEP_SECONDS, UTC)


def store_steps(sensor: NoiseSensor, batch: Mapping[datetime, Decimal]) -> None:
    """Each step the batch touches keeps the louder of its level and the batch's loudest
    there. Called under the sensor's row lock (readings_ingest): no other batch of the
    sensor reads or writes its steps meanwhile."""
    loudest: dict[datetime, Decimal] = {}
    for at, level in batch.items():
        step = step_of(at)
        if step not in loudest or level > loudest[step]:
            loudest[step] = level
    if not loudest:
        return
    held = dict(
        NoiseStep.objects.filter(sensor=sensor, at__in=list(loudest)).values_list("at", "level")
    )
    NoiseStep.objects.bulk_create(
        [
            NoiseStep(sensor=sensor, at=at, level=max(level, held.get(at, level)))
            for at, level in loudest.items()
        ],
        update_conflicts=True,
        unique_fields=["sensor", "at"],
        update_fields=["level"],
    )


# The steps of the readings stored since a moment, made again from them (a migration, the
# benchmark's bulk-loaded readings): one statement, the louder level kept on a conflict.
_REBUILD = {
    "postgresql": (
        "INSERT INTO noise_noisestep (sensor_id, at, level) "
        "SELECT sensor_id, to_timestamp(floor(extract(epoch FROM at) / {step}) * {step}), "
        "max(db_a) FROM noise_noisereading WHERE at >= %s GROUP BY 1, 2 "
        "ON CONFLICT (sensor_id, at) DO UPDATE "
        "SET level = GREATEST(noise_noisestep.level, excluded.level)"
    ),
    "sqlite": (
        "INSERT INTO noise_noisestep (sensor_id, at, level) "
        "SELECT sensor_id, "
        "datetime(CAST(strftime('%%s', at) AS integer) / {step} * {step}, 'unixepoch'), "
        "max(db_a) FROM noise_noisereading WHERE at >= %s GROUP BY 1, 2 "
        "ON CONFLICT (sensor_id, at) DO UPDATE "
        "SET level = max(noise_noisestep.level, excluded.level)"
    ),
}


def rebuild_steps(since: datetime, using: BaseDatabaseWrapper = connection) -> None:
    sql = _REBUILD[using.vendor].format(step=STEP_SECONDS)
    with using.cursor() as cursor:
        cursor.execute(sql, [using.ops.adapt_datetimefield_value(since)])
