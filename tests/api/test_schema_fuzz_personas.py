"""The schema fuzz as every other role (tests/api/test_schema_fuzz.py fuzzes as the desk
officer, in depth): no 5xx, and every answer — data, 403 or 404 — keeps the contract.

A few generated cases per operation and persona, without the explicit and coverage
phases, keep this to a few minutes on one core: the roles differ in what they may do,
which the first cases already reach; depth is the desk officer's fuzz's job."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from apps.accounts.services import device_token_issue
from apps.core.testing.personas import (
    CITIZEN,
    JLP_ADMIN,
    MEDIATOR,
    SHUANGFENG_DESK,
    XIPENG_CASE,
    XIPENG_COMMUNITY,
    XIPENG_LEADER,
)

from .test_schema_fuzz import _keep_the_test_connection  # noqa: F401 (an autouse fixture)

FEW = settings(
    max_examples=3,
    phases=[Phase.generate],
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


ROLES = {
    "citizen": CITIZEN,
    "mediator": MEDIATOR,
    "community_officer": XIPENG_COMMUNITY,
    "case_officer": XIPENG_CASE,
    "station_leader": XIPENG_LEADER,
    "other_stations_desk_officer": SHUANGFENG_DESK,
    "sub_bureau_admin": JLP_ADMIN,
}


@pytest.fixture
def tokens(fuzz_org, db):
    return {p: device_token_issue(user=fuzz_org.user(p), device="fuzz")[1] for p in ROLES.values()}


schema = schemathesis.pytest.from_fixture("api_schema")


def fuzz_as(persona):
    @schema.parametrize()
    @FEW
    def test(case, tokens):
        # As in the desk officer's fuzz: a schema cannot say "a record in your scope".
        case.call_and_validate(
            headers={"Authorization": f"Token {tokens[persona]}"},
            excluded_checks=[positive_data_acceptance],
        )

    return test


# One test per role, named for it (schemathesis runs each operation as a subtest).
for _role, _persona in ROLES.items():
    globals()[f"test_it_never_fails_the_{_role}_and_always_keeps_the_contract"] = fuzz_as(_persona)
