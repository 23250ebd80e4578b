"""The demo replays the 马王 disputes, gives 杨德明 a week of work, replays 西彭's 警法联调
with 西彭法庭 and the lawyer's Thursday sitting, and adds nothing on a second run."""

from datetime import timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.models import Incident
from apps.mediation.models import Dispute, FollowUp, LawyerSlot, Mediator
from apps.mediation.selectors import mediator_work


def counts():
    return [m.objects.count() for m in (Dispute, Mediator, LawyerSlot, FollowUp, Incident)]


def test_the_diverted_mawang_incidents_are_disputes_and_a_second_run_adds_nothing(demo_seeded):
    diverted = Dispute.objects.filter(station__name="九龙派出所", source="incident")
    assert diverted.count() == 2
    assert {d.status for d in diverted} == {"agreement", "assessed"}
    threatening = diverted.get(status="assessed")
    assert threatening.escalated_at and threatening.escalation_incident is None
    yang = Dispute.objects.filter(mediator__user__username="mediator_xipeng")
    assert sorted(d.status for d in yang) == ["agreement", "assigned"]
    assert LawyerSlot.objects.count() == 12
    assert LawyerSlot.objects.filter(dispute__isnull=False).count() == 1
    before = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == before


def test_the_demo_mediators_home_has_a_dispute_a_session_a_follow_up_and_a_window(demo_seeded):
    work = mediator_work(User.objects.get(username="mediator_xipeng"))
    assert [d.status for d in work.disputes] == ["assigned"]
    assert work.disputes[0].next_session_at is not None
    assert [s.where for s in work.sessions] == ["西彭派出所调解室"]
    [follow_up] = work.follow_ups
    assert follow_up.due_on == timezone.localdate() + timedelta(days=2)
    [window] = work.windows
    assert window.days_left == 17 and not window.closing


def test_xipeng_mediates_jointly_with_the_tribunal(demo_seeded, client):
    """西彭派出所还和九龙坡区人民法院西彭法庭联动 … 警法联调机制 (seed 004)."""
    joint = Dispute.objects.get(station__name="西彭派出所", mediator__kind="court")
    assert joint.mediator.name == "西彭法庭"
    assert joint.mediator.organisation == "九龙坡区人民法院"
    assert joint.kind == "court" and joint.status == "agreement"
    assert "警法联调" in joint.description
    agreement = joint.agreements.get()
    assert agreement.effective_at is not None and agreement.sealed_at is None
    session = joint.sessions.get()
    assert "西彭法庭法官" in session.attendees and session.place == "西彭派出所调解室"
    client.force_login(User.objects.get(username="xipeng_desk"))
    html = client.get(reverse("mediation:dispute_detail", args=[joint.pk])).content.decode()
    assert "西彭法庭" in html and "九龙坡区人民法院" in html and "法院委托调解" in html


def test_the_lawyer_sits_every_thursday_and_the_factory_dispute_has_his_next_sitting(
    demo_seeded, client
):
    """邀请律师于每周四到派出所调解室"坐镇" … 立即向派出所合作律师咨询 (seed 004)."""
    slots = LawyerSlot.objects.filter(mediator__name="陈律师", station__name="西彭派出所")
    assert slots.count() == 12
    for slot in slots:
        start = timezone.localtime(slot.starts_at)
        assert start.isoweekday() == 4 and 9 <= start.hour < 12, start
        assert slot.place == "西彭派出所调解室"
    first = slots.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    booked = slots.get(dispute__isnull=False)
    assert booked == first
    factory = booked.dispute
    assert factory.mediator.name == "陈律师" and factory.source == "patrol"
    assert factory.community.name == "铝城居委会" and factory.parties.count() == 3
    assert factory.next_session_at == booked.starts_at
    client.force_login(User.objects.get(username="xipeng_desk"))
    html = client.get(reverse("mediation:dispute_detail", args=[factory.pk])).content.decode()
    assert 'id="lawyer-slots"' in html and "陈律师" in html
    # The slots page lists the sitting as booked for the dispute.
    assert factory.get_absolute_url() in client.get(reverse("mediation:slots")).content.decode()
