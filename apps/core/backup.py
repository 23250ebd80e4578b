"""Backup and restore of the workbench: the database and the uploaded files, in
one directory per backup.

- `database.dump`: PostgreSQL's own dump (pg_dump, custom format, restored by pg_restore);
  on the embedded SQLite database, `database.sqlite3`, a copy by SQLite's online backup.
- `files.tar.gz`: everything under PRIVATE_MEDIA_ROOT (every upload is private).
- `manifest.json`: when, from which database, and each table's row count and checksum, so
  that a restore can prove it brought back the same rows.

The database's password goes to pg_dump/pg_restore in their environment, never in their
arguments (which any user of the machine can read in the process list).
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, TypedDict

import psycopg
from django.conf import settings
from django.db import connection
from django.utils import timezone

DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
FILES = "files.tar.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


class _Cursor(Protocol):
    """What fingerprints() reads through: a DB-API cursor, psycopg's or sqlite3's."""

    def execute(self, query: str, /) -> object: ...
    def fetchall(self) -> list[Any]: ...
    def fetchone(self) -> Any: ...


def _pg_environment(params: Mapping[str, Any], name: str | None = None) -> dict[str, str]:
    env = {**os.environ, "PGDATABASE": name or params["NAME"]}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if params.get(key):
            env[variable] = str(params[key])
    return env


def _run(command: list[str], env: Mapping[str, str], stdin: str | None = None) -> str:
    done = subprocess.run(
        command, env=env, input=stdin, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def fingerprints(cursor: _Cursor, vendor: str) -> dict[str, list[Any]]:
    """{table: [rows, checksum]} of every table of the database behind a DB-API cursor.
    The checksum does not depend on the rows' physical order. PostgreSQL hashes in SQL (a
    production database does not travel to Python for it); SQLite has no md5, so its rows
    are hashed here."""
    if vendor == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        result: dict[str, list[Any]] = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(COALESCE(string_agg(h, '' ORDER BY h), '')) FROM "
                f'(SELECT md5(t::text) AS h FROM "{table}" t) rows'
            )
            count, checksum = cursor.fetchone()
            result[table] = [count, checksum]
        return result
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    tables = [row[0] for row in cursor.fetchall()]
    result = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        hashes = sorted(hashlib.md5(repr(row).encode()).hexdigest() for row in cursor.fetchall())
        result[table] = [len(hashes), hashlib.md5("".join(hashes).encode()).hexdigest()]
    return result


def backup(target: Path) -> dict[str, Any]:
    """Write a backup of the default database and the uploaded files into `target` (a new
    directory); returns the manifest."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: a backup goes into a new directory.")
    target.mkdir(parents=True, exist_ok=True)
    params = connection.settings_dict
    if connection.vendor == "postgresql":
        env = _pg_environment(params)
        # The dump and the checksums read one snapshot: rows written meanwhile are in neither.
        with psycopg.connect(**_psycopg_params(env)) as source:
            source.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            with source.transaction(), source.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                row = cursor.fetchone()
                assert row is not None  # the SELECT of one value gives one row
                snapshot = row[0]
                _run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                      f"--file={target / DUMP}"], env)  # fmt: skip
                tables = fingerprints(cursor, "postgresql")
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target / SQLITE_COPY) as copy:
            connection.connection.backup(copy)
            tables = fingerprints(copy.cursor(), "sqlite")
    else:
        raise BackupError(f"No backup for a {connection.vendor} database.")
    files = Path(settings.PRIVATE_MEDIA_ROOT)
    with tarfile.open(target / FILES, "w:gz") as archive:
        if files.is_dir():
            archive.add(files, arcname=".")
    manifest = {
        "created": timezone.now().isoformat(timespec="seconds"),
        "vendor": connection.vendor,
        "database": params["NAME"] if connection.vendor == "postgresql" else "sqlite",
        "tables": tables,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return manifest


def restore(
    source: str | Path, *, database: str | None = None, files_to: str | Path | None = None
) -> dict[str, dict[str, Any]]:
    """Put a backup back: into the PostgreSQL database `database` (default: the configured
    one; it must exist, its tables are replaced) or the SQLite file `database`, and the
    files into `files_to` (default: PRIVATE_MEDIA_ROOT, emptied first). Returns the tables
    whose rows differ from the manifest's (empty when the restore is whole)."""
    source = Path(source)
    manifest = json.loads((source / MANIFEST).read_text())
    params = connection.settings_dict
    if manifest["vendor"] == "postgresql":
        env = _pg_environment(params, database)
        # The schema emptied and the dump's script run, in one transaction: a failed restore
        # leaves the database as it was. Not pg_restore --clean, which drops a partitioned
        # table's constraints partition by partition, and PostgreSQL refuses that.
        script = _run(["pg_restore", "--no-owner", "--file=-", str(source / DUMP)], env)
        _run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
              "-c", "DROP SCHEMA public CASCADE", "-c", "CREATE SCHEMA public",
              "-f", "-"], env, stdin=script)  # fmt: skip
        with psycopg.connect(**_psycopg_params(env)) as restored, restored.cursor() as cursor:
            found = fingerprints(cursor, "postgresql")
    else:
        target = Path(database or params["NAME"])
        with sqlite3.connect(source / SQLITE_COPY) as copy, sqlite3.connect(target) as into:
            copy.backup(into)
            found = fingerprints(into.cursor(), "sqlite")
    files_to = Path(files_to or settings.PRIVATE_MEDIA_ROOT)
    if files_to.exists():
        shutil.rmtree(files_to)
    files_to.mkdir(parents=True)
    with tarfile.open(source / FILES, "r:gz") as archive:
        archive.extractall(files_to, filter="data")  # no paths outside files_to, no devices
    return {
        table: {"backup": manifest["tables"].get(table), "restored": found.get(table)}
        for table in sorted(set(manifest["tables"]) | set(found))
        if manifest["tables"].get(table) != found.get(table)
    }


class _ConnectParams(TypedDict):
    dbname: str
    host: str | None
    port: str | None
    user: str | None
    password: str | None


def _psycopg_params(env: Mapping[str, str]) -> _ConnectParams:
    return {
        "dbname": env["PGDATABASE"],
        "host": env.get("PGHOST"),
        "port": env.get("PGPORT"),
        "user": env.get("PGUSER"),
        "password": env.get("PGPASSWORD"),
    }
