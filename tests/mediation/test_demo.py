"""The demo replays the 马王 disputes and adds nothing on a second run."""

import pytest
from django.core.management import call_command

from apps.cases.models import Incident
from apps.mediation.models import Dispute, FollowUp, LawyerSlot, Mediator


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def counts():
    return [m.objects.count() for m in (Dispute, Mediator, LawyerSlot, FollowUp, Incident)]


def test_the_diverted_mawang_incidents_are_disputes_and_a_second_run_adds_nothing(seeded):
    diverted = Dispute.objects.filter(station__name="九龙派出所", source="incident")
    assert diverted.count() == 2
    assert {d.status for d in diverted} == {"agreement", "assessed"}
    threatening = diverted.get(status="assessed")
    assert threatening.escalated_at and threatening.escalation_incident is None
    assert Dispute.objects.get(mediator__user__username="mediator_xipeng").status == "assigned"
    assert LawyerSlot.objects.count() == 12
    before = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == before
