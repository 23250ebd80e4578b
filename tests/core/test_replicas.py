"""Read replicas on a real streaming replica (issue 21, item 2): a private primary (as in
test_faults.py) and a second cluster made from it with pg_basebackup, replaying its WAL;
the app under gunicorn (DEBUG off) with DATABASE_REPLICA_URLS naming the replica.

The replica's replay is paused to tell the two databases apart: a row written on the
primary then is on the primary only. A list read from the replica does not show it; the
user who has just written reads the primary and does; once the replica is further behind
than DATABASE_REPLICA_MAX_LAG, or down, every list reads the primary.

Needs the PostgreSQL 15 server binaries (CI has them); missing, the test fails and says so.
"""

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from tests.core.test_faults import (
    BUREAU_NAME,
    PASSWORD,
    PG_BIN,
    USERNAME,
    App,
    Browser,
    PrivatePostgres,
    app_env,
    free_port,
    manage,
    postgres,  # noqa: F401  (the private primary, a module fixture)
    wait_until,
)

pytestmark = pytest.mark.django_db
READER = "replica_reader"
MAX_LAG = 3  # DATABASE_REPLICA_MAX_LAG of the app
NEW_BUREAU = "复制测试分局"


class Replica(PrivatePostgres):
    """A hot standby of `primary`: its base backup, streaming and replaying the primary's WAL."""

    def __init__(self, primary: PrivatePostgres):
        assert (PG_BIN / "pg_basebackup").exists(), "pg_basebackup is missing (postgresql-15)"
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="ps-replica-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.as_postgres = primary.as_postgres
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
        self._run(
            PG_BIN / "pg_basebackup",
            *("-h", "127.0.0.1", "-p", primary.port, "-U", "postgres"),
            *("-D", self.data, "-R", "-X", "stream", "--checkpoint=fast"),
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {self.port}\n")  # the copy has the primary's: the last wins

    def replayed(self, primary: PrivatePostgres) -> bool:
        (lsn,) = primary.query("SELECT pg_current_wal_lsn()")[0]
        ((done,),) = self.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", str(lsn))
        return bool(done)


def bureaus(browser: Browser) -> str:
    response = browser.get("/api/v1/bureaus/")
    assert response.status == 200, response.text[-2000:]
    return response.text


def test_lists_read_the_replica_a_writer_reads_its_writes_and_a_late_or_down_replica_is_skipped(
    postgres,  # noqa: F811
    tmp_path,
):
    replica = Replica(postgres)
    env = {
        **app_env(tmp_path, postgres.url()),
        "DATABASE_REPLICA_URLS": replica.url(),
        "DATABASE_REPLICA_MAX_LAG": str(MAX_LAG),
    }
    app = App(env, tmp_path / "app.log")
    try:
        replica.start()
        manage(
            env,
            "shell",
            "-c",
            "from apps.accounts.models import User; "
            f"User.objects.create_superuser({READER!r}, password={PASSWORD!r})",
        )
        app.start()
        app.wait()
        writer, reader = Browser(app.port), Browser(app.port)
        writer.log_in()
        reader.get("/accounts/login/")
        signed_in = reader.post_form("/accounts/login/", {"username": READER, "password": PASSWORD})
        assert signed_in.status == 302
        assert BUREAU_NAME in bureaus(reader)
        time.sleep(MAX_LAG + 0.5)  # the log-ins were writes: each user reads the primary till now

        # A fresh commit, replayed, then the replay paused: the replica is a moment behind.
        postgres.query("CREATE TABLE replica_probe (n int); DROP TABLE replica_probe")
        wait_until(lambda: replica.replayed(postgres), 10, "the replica to replay")
        replica.query("SELECT pg_wal_replay_pause()")
        postgres.query(
            "INSERT INTO stations_bureau (name, city_bureau, code, created_at, updated_at)"
            " VALUES (%s, '重庆市公安局', '500199', now(), now())",
            NEW_BUREAU,
        )
        assert NEW_BUREAU not in bureaus(reader)  # read on the replica, which has not got it
        assert postgres.query("SELECT count(*) FROM stations_bureau WHERE name = %s", NEW_BUREAU)[
            0
        ] == (1,)

        # The writer writes (marks a message read), and reads the primary from then on.
        postgres.query(
            "INSERT INTO core_notification (recipient_id, title, body, url, created_at, external)"
            " SELECT id, '新任务', '', '', now(), false FROM accounts_user WHERE username = %s",
            USERNAME,
        )
        assert writer.post_form("/notifications/read/", {}).status == 302
        assert postgres.query("SELECT count(*) FROM core_notification WHERE read_at IS NULL") == [
            (0,)
        ]
        assert NEW_BUREAU in bureaus(writer)
        assert NEW_BUREAU not in bureaus(reader)

        # Further behind than the limit: the replica is skipped.
        time.sleep(MAX_LAG + 2.5)  # past the limit and the process's next look (2 s)
        assert NEW_BUREAU in bureaus(reader)
        assert "skipped" in (tmp_path / "app.log").read_text()

        # Down: skipped as well, and the list answers in seconds.
        replica.query("SELECT pg_wal_replay_resume()")
        replica.stop()
        started = time.monotonic()
        assert NEW_BUREAU in bureaus(reader)
        assert time.monotonic() - started < 5
    finally:
        app.stop()
        replica.destroy()
