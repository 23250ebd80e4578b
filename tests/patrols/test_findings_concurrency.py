"""Races on PostgreSQL: the tablet resending a finding while the first send is still in
flight, and two officers tapping 转为警情 / 转为纠纷 on one finding at the same moment."""

import uuid

import pytest

from apps.cases.models import Incident
from apps.core.testing.personas import XIPENG_COMMUNITY, XIPENG_LEADER
from apps.mediation.models import Dispute
from apps.patrols.findings.services import finding_report, finding_to_dispute, finding_to_incident
from apps.patrols.models import Finding
from tests.cases.test_concurrency import needs_postgres, run_together

from .findings_scene import make_finding


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_finding_sent_three_times_at_once_is_saved_once(org):
    client_id = uuid.uuid4()
    officer = org.user(XIPENG_COMMUNITY)

    def send(_index):
        finding, created = finding_report(
            by=officer, kind="hazard", description="井盖缺失", client_id=client_id
        )
        return finding.pk, created

    results = run_together(3, send)
    assert len({pk for pk, _created in results}) == 1
    assert sorted(created for _pk, created in results) == [False, False, True]
    assert Finding.objects.count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_converting_one_finding_make_one_record(org):
    finding = make_finding(org)
    officer, leader = org.user(XIPENG_COMMUNITY), org.user(XIPENG_LEADER)

    def convert(index):
        if index == 0:
            return finding_to_incident(finding=finding, by=officer)
        return finding_to_dispute(finding=finding, by=leader, category="neighbour")

    results = run_together(2, convert)
    names = sorted(type(r).__name__ for r in results)
    assert names in (["Conflict", "Incident"], ["Conflict", "Dispute"])
    assert Incident.objects.count() + Dispute.objects.count() == 1
