"""The migrated test database, built once and cloned (PostgreSQL only).

Migrating a fresh test database takes 40 to 75 s on CI's two cores, and every pytest-xdist
process (and the load test's driver) migrated its own. Instead the first process to need one
migrates a template database, under a PostgreSQL advisory lock so that the other waits for
it rather than migrating too, and every test database is then created from it with
`CREATE DATABASE ... TEMPLATE` (a file copy of well under a second); Django's own migrate
over the copy finds nothing to apply.

The template's name carries a digest of everything its contents come from (the
migrations, the code the data migrations and post_migrate handlers call, the locked
dependency versions), so a template left by an earlier run is reused only when it would be
built the same again; older ones of the same database name are dropped. Nothing connects
to a template but its own build, so a clone never sees a test's rows.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections, transaction

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("apps", "policestation", "devtools")
LOCKS = ("requirements.lock", "requirements-dev.lock")


def fingerprint() -> str:
    digest = hashlib.sha256()
    files = [ROOT / name for name in LOCKS]
    for folder in SOURCES:
        files += sorted((ROOT / folder).rglob("*.py"))
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def template_name(alias: str = "default") -> str:
    base = settings.DATABASES[alias]["NAME"]
    return f"test_{base}_tpl_{fingerprint()}"[:63]


def _build(connection, name: str) -> None:
    """Migrate a database called `name`, as Django migrates a test database (the same
    create_test_db), then give the process's own test database its name back."""
    alias = connection.alias
    own = connection.settings_dict
    saved = own["NAME"], own["TEST"].get("NAME"), settings.DATABASES[alias]["NAME"]
    own["TEST"]["NAME"] = f"{name[:55]}_partial"
    try:
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False, keepdb=False
        )
    finally:
        connection.close()
        own["NAME"], own["TEST"]["NAME"], settings.DATABASES[alias]["NAME"] = saved
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(
            "ALTER DATABASE {} RENAME TO {}".format(
                connection.ops.quote_name(f"{name[:55]}_partial"), connection.ops.quote_name(name)
            )
        )


def use_template(alias: str = "default") -> str | None:
    """Make sure the template exists and have this process's test database created from
    it; its name, or None where there is no template (SQLite)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return None
    name = template_name(alias)
    prefix = f"test_{settings.DATABASES[alias]['NAME']}_tpl_"
    key = int(hashlib.sha256(prefix.encode()).hexdigest()[:15], 16)
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        try:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{prefix}%"])
            existing = {row[0] for row in cursor.fetchall()}
            if name not in existing:
                for stale in existing:
                    cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(stale)}")
                _build(connection, name)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    connection.settings_dict["TEST"]["TEMPLATE"] = name
    return name


# --- after a transactional test -------------------------------------------------------------
#
# A test that commits (transactional_db, live_server: the browser journeys, the concurrency
# and worker tests) is followed by Django's flush: one TRUNCATE of every table, then
# post_migrate again (content types, permissions, roles), about 4 s each on PostgreSQL. It
# also leaves the database without the rows the data migrations seeded (noise limits, the
# nightly jobs ...), so a test that passed alone could fail after one of them. Instead the
# database goes back to the state it was created in: every table that holds a row is
# emptied (triggers, foreign-key checks and the access log's append-only guard are off for
# this, as TRUNCATE skips them too), and the rows it was created with are copied back.

_created_with: dict[str, dict[str, bytes]] = {}


def _tables(connection) -> list[str]:
    # The tables Django's flush empties.
    return sorted(
        connection.introspection.django_table_names(only_existing=True, include_views=False)
    )


def _holding_rows(connection, cursor, tables) -> list[str]:
    quote = connection.ops.quote_name
    query = " UNION ALL ".join(f"(SELECT %s FROM {quote(table)} LIMIT 1)" for table in tables)
    cursor.execute(query, tables)
    return [row[0] for row in cursor.fetchall()]


def remember_created_state(alias: str = "default") -> None:
    """Keep the rows the test database was created with (the data migrations' and
    post_migrate's), to copy them back after each transactional test."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for table in _holding_rows(connection, cursor, _tables(connection)):
            with cursor.copy(f"COPY {quote(table)} TO STDOUT (FORMAT BINARY)") as copy:
                rows[table] = b"".join(bytes(chunk) for chunk in copy)
    _created_with[alias] = rows


def restore_created_state(alias: str = "default") -> bool:
    """Put the database back as it was created; False where that cannot be done here
    (another database, or a role that may not switch triggers off): flush as Django does."""
    connection = connections[alias]
    created = _created_with.get(alias)
    if connection.vendor != "postgresql" or created is None:
        return False
    quote = connection.ops.quote_name
    try:
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            tables = _tables(connection)
            for table in sorted(set(_holding_rows(connection, cursor, tables)) | set(created)):
                cursor.execute(f"DELETE FROM {quote(table)}")
            for table, data in created.items():
                with cursor.copy(f"COPY {quote(table)} FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(data)
    except DatabaseError:
        return False
    return True


def restoring_teardown(flush):
    """TransactionTestCase._fixture_teardown restoring the created state instead of
    flushing, where the test asks nothing special of the flush."""

    def _fixture_teardown(self):
        if self.available_apps is not None or self.serialized_rollback:
            return flush(self)
        for alias in self._databases_names(include_mirrors=False):
            if not restore_created_state(alias):
                return flush(self)

    return _fixture_teardown
