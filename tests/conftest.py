import logging
import os
import re
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import cache
from django.test import TransactionTestCase
from django.utils import translation

from apps.accounts.roles import sync_roles
from apps.cases.services import taxonomy_seed
from apps.core.masking import redact
from apps.core.testing.factories import PASSWORD
from apps.stations.models import Bureau
from devtools.demo.accounts import DEMO_PASSWORD, seed_users
from devtools.demo.stations import seed_organisation

from .scenes import (  # noqa: F401 (fixtures)
    FAST_PASSWORDS,
    _module_demo,
    _module_org,
    celery_in_process,
    demo_seeded,
    mark_sharing_modules,
    org,
)
from .testdb import remember_created_state, restoring_teardown, use_template

TransactionTestCase._fixture_teardown = restoring_teardown(TransactionTestCase._fixture_teardown)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_blocker):
    """On PostgreSQL each process's test database is a copy of one migrated template
    (tests/testdb.py) instead of a migration of its own."""
    with django_db_blocker.unblock():
        use_template()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """And the rows each database was created with, which a transactional test's teardown
    copies back (tests/testdb.py) rather than leaving them flushed."""
    with django_db_blocker.unblock():
        remember_created_state()


@pytest.fixture(scope="session")
def migrated_template(django_db_setup):
    """The name of that template (None on SQLite), for a test that needs a migrated
    database of its own (the load test's driver)."""
    from django.db import connection

    return connection.settings_dict["TEST"].get("TEMPLATE")


@pytest.fixture
def demo_people(db, settings):
    """The demo's organisation, roles and users, as `seed_demo` makes them first (the demo
    users' well-known password wants DEBUG)."""
    settings.DEBUG = True
    sync_roles()
    seed_organisation()
    seed_users()


@pytest.fixture
def demo_taxonomy(demo_people):
    """And every bureau's incident taxonomy."""
    for bureau in Bureau.objects.all():
        taxonomy_seed(bureau=bureau)


@pytest.fixture(autouse=True, scope="session")
def _urls_loaded():
    """Load the URLconf, and the C extensions it imports, before any test freezes time:
    freezegun's fake date class trips those extensions' binary checks on first import."""
    from django.urls import get_resolver

    assert get_resolver().url_patterns


@pytest.fixture(autouse=True)
def _demo_without_the_park_year(settings):
    """The demo tests check their own scenes; the park post's year (tests/stats/
    test_park_year.py seeds and checks it) would cost each of them seconds."""
    settings.DEMO_PARK_YEAR = False


@pytest.fixture(autouse=True, scope="session")
def _no_collected_static(tmp_path_factory):
    """Tests never read a collectstatic output that a checkout may hold (a production build,
    `make loadtest`): WhiteNoise reads the whole of it (500 files) again for every test
    client, 0.15 s each."""
    from django.test import override_settings

    with override_settings(STATIC_ROOT=tmp_path_factory.getbasetemp() / "no-collectstatic"):
        yield


@pytest.fixture(autouse=True, scope="session")
def _own_redis_database(worker_id):
    """Under pytest-xdist each process gets its own Redis database for the cache (and its
    own prefix for the live events' channel layer), as
    pytest-django gives it its own SQL database: `_fresh_cache` flushes the cache before
    every test, which must not wipe the other process's lockouts and throttles."""
    from django.conf import settings
    from django.test import override_settings

    default = settings.CACHES["default"]
    if worker_id == "master" or "redis" not in default["BACKEND"].lower():
        yield
        return
    location = urlsplit(default["LOCATION"])
    number = (int(location.path.strip("/") or 0) - 1 - int(worker_id.removeprefix("gw"))) % 16
    own = {**default, "LOCATION": urlunsplit(location._replace(path=f"/{number}"))}
    # The live events' groups too: one process's sockets must not hear the other's events.
    layer = settings.CHANNEL_LAYERS["default"]
    own_layer = {**layer, "CONFIG": {**layer["CONFIG"], "prefix": f"test.live.{worker_id}"}}
    with override_settings(CACHES={"default": own}, CHANNEL_LAYERS={"default": own_layer}):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters and lockouts live in the cache (Redis in CI): no test inherits them.
    # Nor the stations' gazetteers a process keeps (apps.places), built from places that an
    # earlier test's rollback has taken away since.
    from apps.places import gazetteer

    cache.clear()
    gazetteer.forget()
    yield


@pytest.fixture(autouse=True)
def _celery_in_process():
    with celery_in_process():
        yield


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Chinese): a request made by an earlier
    test in the same process leaves the language its Accept-Language chose active in the
    thread (LocaleMiddleware activates it and nothing resets it)."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORDS


class LogGuard:
    """Every log record of the run, kept as it was made (before any handler's filter masks
    it), so that each test's end can check what was logged meanwhile. A record factory
    rather than a handler: a later logging set-up (celery's Django fixup calls
    django.setup() again when admin lists its tasks) replaces the handlers, not this."""

    def __init__(self, factory):
        self.factory = factory
        self.records: list[tuple[str, str, str]] = []
        self.checked = 0

    def __call__(self, *args, **kwargs):
        record = self.factory(*args, **kwargs)
        text = ""
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
        self.records.append((record.name, record.getMessage(), text))
        return record

    def leaks(self, secrets) -> list[str]:
        """Records holding a secret, or, from the workbench's own code, an ID number or a
        phone; what other libraries log (a path, an exception) is written masked."""
        found = []
        for name, message, text in self.records[self.checked :]:
            if name.startswith("factory"):  # the tests' own data builders, at DEBUG
                continue
            written = redact(f"{message}\n{text}")
            own = name == "apps" or name.startswith("apps.")
            if (own and redact(message) != message) or any(_holds(written, s) for s in secrets):
                found.append(f"{name}: {message}")
        self.checked = len(self.records)
        return found


def _holds(text: str, secret: str) -> bool:
    """Whether the text holds the secret. A numeric code counts only as a number of its own:
    "123456" inside a task's run time "0.0412345678s" is not a leaked code (a CI run once
    failed on such a coincidence)."""
    if secret.isdigit():
        return re.search(rf"(?<!\d){secret}(?!\d)", text) is not None
    return secret in text


@pytest.fixture(autouse=True, scope="session")
def _log_guard():
    """Issue 10, item 4: logs never hold ID numbers, phones, passwords, tokens or codes.
    Active for the whole suite: a test after which such a record was logged fails."""
    guard = LogGuard(logging.getLogRecordFactory())
    logging.setLogRecordFactory(guard)
    yield guard
    logging.setLogRecordFactory(guard.factory)


@pytest.fixture
def log_secrets() -> set[str]:
    """What no log record may hold in this test; a test adds the tokens and codes it made."""
    return {PASSWORD, DEMO_PASSWORD}


@pytest.fixture(autouse=True)
def _no_secrets_in_logs(_log_guard, log_secrets):
    yield
    leaks = _log_guard.leaks(log_secrets)
    if leaks:
        pytest.fail("Log records hold personal data or secrets:\n" + "\n".join(leaks))


_browser_journeys_passed = 0


def pytest_collection_modifyitems(config, items):
    """A permission matrix (apps.core.testing.matrix) runs only the tests that apply to its
    resource: deselected, not skipped and not passed by returning early. Then the modules
    that share a scene among their tests are known (tests/scenes.py)."""
    kept, dropped = [], []
    for item in items:
        cls = getattr(item, "cls", None)
        applies = getattr(cls, "applies", None)
        (dropped if applies and not applies(item.originalname) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    mark_sharing_modules(config, items)


def pytest_runtest_logreport(report):
    global _browser_journeys_passed
    if report.when == "call" and report.passed and "browser" in report.keywords:
        _browser_journeys_passed += 1


def pytest_sessionfinish(session, exitstatus):
    # CI sets FORBID_SKIPS: a test skipped for a missing service, or a run in which the
    # browser journeys did not run, must fail loudly.
    # Under pytest-xdist only the controller, which receives every process's reports, judges.
    if not os.environ.get("FORBID_SKIPS") or hasattr(session.config, "workerinput"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"FORBID_SKIPS: {len(skipped)} test(s) skipped; failing the run.")
        session.exitstatus = 1
    if not _browser_journeys_passed:
        reporter.write_line("FORBID_SKIPS: no browser journey ran; failing the run.")
        session.exitstatus = 1


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile` (make test): whole files, the costliest first (tests/scheduling.py)."""
    if config.getvalue("dist") == "loadfile":
        from .scheduling import CostliestFirst

        return CostliestFirst(config, log)
    return None


@pytest.fixture
def asgi_server(transactional_db):
    """The whole site on a real ASGI server (uvicorn), HTTP and the live socket."""
    from apps.core.testing.asgi import AsgiServer

    server = AsgiServer().start()
    yield server
    server.stop()


@pytest.fixture
def live_socket(asgi_server):
    """live_socket(user) or live_socket(token=…): a WebSocket client on the live socket,
    closed after the test."""
    from contextlib import ExitStack

    from apps.core.testing.asgi import open_socket, session_cookie

    with ExitStack() as stack:

        def open_one(user=None, **kwargs):
            if user is not None:
                kwargs["cookie"] = session_cookie(user)
            return stack.enter_context(open_socket(asgi_server, **kwargs))

        yield open_one
