import os

import pytest
from django.core.cache import cache

from apps.core.testing.personas import build_org


@pytest.fixture
def org(db):
    """The small organisation of apps.core.testing.personas, with every persona."""
    return build_org()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters and lockouts live in the cache (Redis in CI): no test inherits them.
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Real hashing is deliberately slow; eleven personas per test would take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_sessionfinish(session, exitstatus):
    # CI sets FORBID_SKIPS: a test skipped for a missing service must fail the run loudly.
    if not os.environ.get("FORBID_SKIPS"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"FORBID_SKIPS: {len(skipped)} test(s) skipped; failing the run.")
        session.exitstatus = 1
