"""Every page and API operation against every persona, as tests/security/access.py
declares: the login, 403 without the role's permission, 404 for a record out of reach,
success otherwise; and a refused write changes nothing."""

import pytest

from .access import ROUTES
from .probe import probe


@pytest.mark.parametrize("route", ROUTES, ids=[r.label for r in ROUTES])
def test_it_answers_each_persona_as_the_rule_says(route, scene, db):
    problems = probe(route, scene)
    assert not problems, "\n".join(problems)
