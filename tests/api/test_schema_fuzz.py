"""Fuzz every operation of the OpenAPI schema against the WSGI app (schemathesis).

As an authorised desk officer: no 5xx, and every response conforms to the schema. As
nobody: no operation answers data. New endpoints are covered as soon as they are routed.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from apps.accounts.services import device_token_issue
from apps.core.testing.personas import XIPENG_DESK

from .conftest import connection_kept

# Endpoints that answer without credentials by design.
PUBLIC_PATHS = {"/api/v1/auth/token/"}
FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


# pytest-django sets up the test database for the tests that ask for it, and schemathesis'
# generated tests do not show it their fixtures: alone, this file would read the real one.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    with connection_kept():
        yield


@pytest.fixture
def desk_token(fuzz_org, db):
    _, secret = device_token_issue(user=fuzz_org.user(XIPENG_DESK), device="fuzz")
    return secret


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@FUZZ
def test_it_never_fails_an_authorised_officer_and_always_keeps_the_contract(case, desk_token):
    # positive_data_acceptance is left out: a schema cannot say "an id of a station in
    # your scope", so schema-valid bodies are rightly refused with 400/404.
    case.call_and_validate(
        headers={"Authorization": f"Token {desk_token}"},
        excluded_checks=[positive_data_acceptance],
    )


# Without credentials every answer is the same 401 whatever the input: a few generated cases
# per operation say so as well as fifteen, in a fraction of the time.
ANONYMOUS_FUZZ = settings(FUZZ, max_examples=3, phases=[Phase.generate])


@schema.parametrize()
@ANONYMOUS_FUZZ
def test_it_answers_no_data_without_authentication(case):
    response = case.call()
    assert response.status_code < 500
    if case.operation.path not in PUBLIC_PATHS:
        # 401 on every routed path; 404 only for a path no route matches (an id of "0.5").
        assert response.status_code in {401, 404, 405}, (case.method, case.formatted_path)
        assert "error" in response.json()
