"""The demo replays the 马王 disputes, gives 杨德明 a week of work, and adds nothing on a
second run."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.models import Incident
from apps.mediation.models import Dispute, FollowUp, LawyerSlot, Mediator
from apps.mediation.selectors import mediator_work


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
    yang = Dispute.objects.filter(mediator__user__username="mediator_xipeng")
    assert sorted(d.status for d in yang) == ["agreement", "assigned"]
    assert LawyerSlot.objects.count() == 12
    before = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == before


def test_the_demo_mediators_home_has_a_dispute_a_session_a_follow_up_and_a_window(seeded):
    work = mediator_work(User.objects.get(username="mediator_xipeng"))
    assert [d.status for d in work.disputes] == ["assigned"]
    assert work.disputes[0].next_session_at is not None
    assert [s.where for s in work.sessions] == ["西彭派出所调解室"]
    [follow_up] = work.follow_ups
    assert follow_up.due_on == timezone.localdate() + timedelta(days=2)
    [window] = work.windows
    assert window.days_left == 17 and not window.closing
