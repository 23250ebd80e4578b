from contextlib import contextmanager

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings

from apps.core.testing.personas import build_org
from tests.scenes import FAST_PASSWORDS

# Django's handler without the production wrapper's bound on database calls
# (apps.core.dbtimeout): the test client does not close every response, and an unclosed one
# would leave the bound on in the worker for the tests after it.
application = WSGIHandler()


@contextmanager
def connection_kept():
    """Like Django's test client: the WSGI calls must not close the test's connection (it
    holds the test transaction; closing it breaks PostgreSQL runs)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def fuzz_org(django_db_setup, django_db_blocker):
    """The organisation, built once for the module's fuzz tests inside a transaction rolled
    back at its end: each test (pytest-django's `db`) runs in a savepoint of it, so what one
    test's requests wrote is gone for the next, as with a scene of its own."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_PASSWORDS),
        transaction.atomic(),
    ):
        yield build_org()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def api_schema(fuzz_org):
    """The OpenAPI schema, read once per fuzz module (drf-spectacular builds it in seconds)."""
    with connection_kept():
        return schemathesis.openapi.from_wsgi("/api/schema/", application)
