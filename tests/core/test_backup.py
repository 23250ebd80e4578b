"""make backup / make restore (issue 10): the demo's rows and the uploaded files come back
whole, table by table, and a restore that does not match its backup says which tables."""

import json

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.core import backup as b

PHOTO = b"\xff\xd8\xff\xe0 evidence photo"


@pytest.fixture
def uploads(settings, tmp_path):
    settings.DEBUG = True  # seed_demo sets the demo password only then
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    (settings.PRIVATE_MEDIA_ROOT / "evidence").mkdir(parents=True)
    (settings.PRIVATE_MEDIA_ROOT / "evidence" / "photo.jpg").write_bytes(PHOTO)
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def scratch(tmp_path):
    """An empty database beside the test database (a file on SQLite), dropped afterwards."""
    if connection.vendor != "postgresql":
        yield str(tmp_path / "restored.sqlite3")
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    env = b._pg_environment(connection.settings_dict, "postgres")
    with psycopg.connect(**b._psycopg_params(env), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(**b._psycopg_params(env), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_the_demo_comes_back_row_for_row_in_a_scratch_database(uploads, scratch, tmp_path):
    call_command("seed_demo", verbosity=0)
    call_command("backup", output=str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / b.MANIFEST).read_text())
    assert manifest["tables"]["cases_incident"][0] > 0
    assert manifest["tables"]["accounts_user"][0] > 0

    restored = tmp_path / "restored-files"
    assert b.restore(tmp_path / "backup", database=scratch, files_to=restored) == {}
    assert (restored / "evidence" / "photo.jpg").read_bytes() == PHOTO
    # The command says the same.
    call_command("restore", str(tmp_path / "backup"), database=scratch, files_to=restored, yes=True)


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_differs_from_its_backup_names_the_tables(uploads, scratch, tmp_path):
    call_command("seed_demo", verbosity=0)
    b.backup(tmp_path / "backup")
    manifest_path = tmp_path / "backup" / b.MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"]["cases_incident"][1] = "0" * 32  # as if a row had changed
    manifest_path.write_text(json.dumps(manifest))
    differing = b.restore(tmp_path / "backup", database=scratch, files_to=tmp_path / "f")
    assert list(differing) == ["cases_incident"]
    with pytest.raises(CommandError, match="cases_incident"):
        call_command(
            "restore", str(tmp_path / "backup"), database=scratch, files_to=tmp_path / "f", yes=True
        )


@pytest.mark.django_db
def test_a_backup_goes_into_a_new_directory(uploads, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "something").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", output=str(tmp_path / "old"))
