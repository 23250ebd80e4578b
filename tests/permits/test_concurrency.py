"""Two officers approving the same application at once, on PostgreSQL (CI): one wins, the
other gets a Conflict, and exactly one certificate is issued."""

import pytest
from django.db import connection

from apps.core.errors import Conflict
from apps.core.testing.personas import XIPENG_LEADER
from apps.permits import services
from apps.permits.models import PermitApplication, ResidenceCertificate
from tests.cases.test_concurrency import needs_postgres, run_together

from .conftest import new_registration


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_approvals_one_wins_and_one_gets_a_conflict(org, citizen, officer):
    application = new_registration(org, citizen)
    services.application_submit(application=application, by=citizen)
    officers = [officer, org.user(XIPENG_LEADER)]

    def approve(index):
        return services.application_approve(
            application=PermitApplication.objects.get(pk=application.pk),
            by=officers[index],
            documents_confirmed=True,
        )

    results = run_together(2, approve)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "PermitApplication"]
    assert isinstance(next(r for r in results if not isinstance(r, PermitApplication)), Conflict)
    assert ResidenceCertificate.objects.filter(application=application).count() == 1
    assert connection.vendor == "postgresql"
