"""Time-partitioned streams: the tables that only grow (GPS track points, noise readings,
the personal-data access log, the incidents' timelines) are PostgreSQL tables partitioned
by month, with PostgreSQL's own declarative partitioning.

Why native partitioning and a task of our own, not pg_partman: what is needed is small (a
partition per month made ahead, old months dropped) and lives beside the code that needs
it, under the tests; pg_partman would be an extension to install and keep in step on every
server and in CI, for the same two statements.

- A migration turns each table into a partitioned one (`convert`, PostgreSQL only; SQLite
  stays as it is): the rows are copied into monthly partitions, the indexes, foreign keys,
  unique constraints and triggers (the access log's guard) made again under their names;
  undone, the plain table comes back the same way (`unconvert`). The primary key becomes (id, time),
  as PostgreSQL asks of a partitioned table; Django still reads and writes by id, which
  the identity column keeps unique.
- Each table also has a DEFAULT partition, for a row outside every month made so far (a
  clock far off, a record of years ago): nothing is ever refused for its time.
- `maintain` (Celery beat, daily) makes the months ahead (PARTITION_MONTHS_AHEAD), moving
  any row of such a month out of the default partition first, and drops the partitions
  older than each table's PARTITION_RETENTION_MONTHS, in one statement each: dropping a
  month takes no longer than dropping a table. The access log keeps at least 183 days
  (the rule of apps.core.logs), whatever the setting says.
- A query that names a time range reads only the months in it (partition pruning).
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.migrations import RunPython
from django.utils import timezone

from .months import month_bounds, month_start

logger = logging.getLogger(__name__)

# The access log is kept at least this long (apps.core.logs): a month is dropped only when
# all of it is this old.
ACCESS_LOG_MIN_DAYS = 183


@dataclass(frozen=True)
class Stream:
    table: str
    column: str  # the time the rows are partitioned by


STREAMS = [
    Stream("patrols_trackpoint", "recorded_at"),
    Stream("noise_noisereading", "at"),
    Stream("core_accesslog", "at"),
    Stream("cases_incidentevent", "at"),
]
BY_TABLE = {stream.table: stream for stream in STREAMS}


def partition_name(table: str, month: date) -> str:
    return f"{table}_p{month:%Y%m}"


def is_partitioned(table: str, using: BaseDatabaseWrapper = connection) -> bool:
    if using.vendor != "postgresql":
        return False
    with using.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"
            " WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
            [table],
        )
        return cursor.fetchone() is not None


def convert(using: BaseDatabaseWrapper, table: str) -> None:
    """Make `table` partitioned by month, keeping its rows, indexes, constraints and
    triggers (a migration's step; PostgreSQL only, and only once)."""
    if using.vendor == "postgresql" and not is_partitioned(table, using):
        _rebuild(using, table, partitioned=True)


def migration(table: str) -> RunPython:
    """A stream's migration step: partitioned on the way up, plain again on the way down."""
    return RunPython(
        lambda apps, schema_editor: convert(schema_editor.connection, table),
        lambda apps, schema_editor: unconvert(schema_editor.connection, table),
    )


def unconvert(using: BaseDatabaseWrapper, table: str) -> None:
    """The plain table again, with the same rows (the migration undone)."""
    if using.vendor == "postgresql" and is_partitioned(table, using):
        _rebuild(using, table, partitioned=False)


def _rebuild(using: BaseDatabaseWrapper, table: str, *, partitioned: bool) -> None:
    """The table made again, partitioned or plain, its rows copied over; its indexes,
    unique and foreign-key constraints and triggers made again under their names."""
    column = BY_TABLE[table].column
    with using.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename = %s AND indexname NOT IN"
            " (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = [row[0].replace(" ON ONLY ", " ON ") for row in cursor.fetchall()]
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger"
            " WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgparentid = 0",
            [table],
        )
        triggers = [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT min("{column}") FROM "{table}"')
        oldest = cursor.fetchone()[0]
        old = f"{table}__rebuilt"
        cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
        like = f'LIKE "{old}" INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS'
        if partitioned:
            cursor.execute(f'CREATE TABLE "{table}" ({like}) PARTITION BY RANGE ("{column}")')
            cursor.execute(f'ALTER TABLE "{table}" ADD PRIMARY KEY (id, "{column}")')
            cursor.execute(f'CREATE TABLE "{table}_default" PARTITION OF "{table}" DEFAULT')
            first = month_start(timezone.localdate(oldest) if oldest else timezone.localdate())
            _make_months(cursor, table, first, _last_ahead())
        else:
            cursor.execute(f'CREATE TABLE "{table}" ({like})')
            cursor.execute(f'ALTER TABLE "{table}" ADD PRIMARY KEY (id)')
        cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{old}"')
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'),"
            f' (SELECT COALESCE(max(id), 0) + 1 FROM "{table}"), false)',
            [table],
        )
        cursor.execute(f'DROP TABLE "{old}"')
        cursor.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{table}_pkey1" TO "{table}_pkey"')
        for definition in [*indexes, *triggers]:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


def _last_ahead() -> date:
    return month_start(timezone.localdate(), settings.PARTITION_MONTHS_AHEAD)


def _make_months(cursor: CursorWrapper, table: str, first: date, last: date) -> list[str]:
    """The monthly partitions from `first` to `last` that are missing, each made with the
    rows of its month taken out of the default partition (there are none, mostly)."""
    column = BY_TABLE[table].column
    made = []
    month = first
    while month <= last:
        name = partition_name(table, month)
        cursor.execute("SELECT to_regclass(%s)", [name])
        if cursor.fetchone()[0] is None:
            start, end = month_bounds(month)
            cursor.execute(
                f'CREATE TABLE "{name}" (LIKE "{table}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)'
            )
            in_month = f'"{column}" >= %s AND "{column}" < %s'
            cursor.execute(
                f'SELECT 1 FROM "{table}_default" WHERE {in_month} LIMIT 1', [start, end]
            )
            if cursor.fetchone():
                # A move, not a deletion: the access log's guard (core 0004) is for
                # deletions. Checks still deferred are done first, as ALTER TABLE asks.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f'ALTER TABLE "{table}_default" DISABLE TRIGGER USER')
                cursor.execute(
                    f'WITH moved AS (DELETE FROM "{table}_default" WHERE {in_month}'
                    f' RETURNING *) INSERT INTO "{name}" SELECT * FROM moved',
                    [start, end],
                )
                cursor.execute(f'ALTER TABLE "{table}_default" ENABLE TRIGGER USER')
            cursor.execute(
                f'ALTER TABLE "{table}" ATTACH PARTITION "{name}" FOR VALUES FROM (%s) TO (%s)',
                [start, end],
            )
            made.append(name)
        month = month_start(month, 1)
    return made


def months(table: str) -> list[date]:
    """The months that have a partition of their own, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass",
            [table],
        )
        names = [row[0] for row in cursor.fetchall()]
    prefix = f"{table}_p"
    return sorted(
        date(int(n[len(prefix) : len(prefix) + 4]), int(n[len(prefix) + 4 :]), 1)
        for n in names
        if n.startswith(prefix) and n[len(prefix) :].isdigit()
    )


def keep_months(table: str) -> int | None:
    """How many months a table keeps, this one included (None: all); the access log's
    dropped months are all at least 183 days old, whatever the setting says."""
    kept: int | None = settings.PARTITION_RETENTION_MONTHS.get(table)
    if table == "core_accesslog" and kept is not None:
        # The newest month dropped ends (kept - 1) months before this one began: at least
        # (kept - 1) × 28 days ago, which must reach 183.
        kept = max(kept, -(-ACCESS_LOG_MIN_DAYS // 28) + 1)
    return kept


def maintain() -> dict[str, dict[str, list[str]]]:
    """Make the months ahead and drop the expired ones, for every stream; what was done."""
    done: dict[str, dict[str, list[str]]] = {}
    if connection.vendor != "postgresql":
        return done
    today = timezone.localdate()
    for stream in STREAMS:
        if not is_partitioned(stream.table):
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            made = _make_months(cursor, stream.table, month_start(today), _last_ahead())
            dropped = []
            kept = keep_months(stream.table)
            if kept is not None:
                oldest_kept = month_start(today, -(kept - 1))
                for month in months(stream.table):
                    if month < oldest_kept:
                        name = partition_name(stream.table, month)
                        cursor.execute(f'DROP TABLE "{name}"')
                        dropped.append(name)
        done[stream.table] = {"made": made, "dropped": dropped}
        if made or dropped:
            logger.info("Partitions of %s: made %s, dropped %s", stream.table, made, dropped)
    return done
