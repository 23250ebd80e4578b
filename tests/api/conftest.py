from contextlib import contextmanager

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from apps.core.testing.personas import build_org
from tests.scenes import built_once

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
def fuzz_org(request):
    """The organisation, built once for the module's fuzz tests (tests/scenes.built_once):
    each test (pytest-django's `db`) runs in a savepoint of the module's transaction, so what
    one test's requests wrote is gone for the next, as with a scene of its own."""
    yield from built_once(request, build_org)


@pytest.fixture(scope="module")
def api_schema(fuzz_org):
    """The OpenAPI schema, read once per fuzz module (drf-spectacular builds it in seconds)."""
    with connection_kept():
        return schemathesis.openapi.from_wsgi("/api/schema/", application)
