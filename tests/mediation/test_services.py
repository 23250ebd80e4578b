"""Disputes from intake to closing: every transition, escalation, deadlines, agreements,
follow-ups, the lawyer's slots and the resolution-rate arithmetic."""

import io
from datetime import date, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from freezegun import freeze_time
from reportlab.pdfgen import canvas

from apps.cases.choices import IncidentStatus
from apps.cases.models import Incident
from apps.cases.services import incident_close, incident_report
from apps.core.errors import Conflict, DomainError, OutOfScope
from apps.core.models import Notification
from apps.core.testing.personas import (
    MEDIATOR,
    SHUANGFENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
)
from apps.mediation import services
from apps.mediation.choices import DisputeStatus as S
from apps.mediation.choices import FollowUpResult, Outcome
from apps.mediation.models import Dispute, FollowUp, LawyerSlot
from apps.mediation.selectors import mediator_stats, overdue_assessments
from apps.mediation.services import intake
from apps.mediation.workflow import DISPUTE_TRANSITIONS, DISPUTE_WORKFLOW
from tests.mediation.helpers import consent_all, sign_all


def a_pdf() -> bytes:
    buffer = io.BytesIO()
    canvas.Canvas(buffer).save()
    return buffer.getvalue()


def desk(scene):
    return scene.org.user(XIPENG_DESK)


def in_mediation(scene, dispute):
    by = desk(scene)
    services.dispute_assess(dispute=dispute, by=by, risk_level="low")
    services.dispute_assign(dispute=dispute, mediator=scene.mediator, by=by)
    consent_all(dispute, by)
    services.session_record(
        dispute=dispute,
        by=scene.org.user(MEDIATOR),
        held_at=timezone.now(),
        attendees="张三、李四",
        place="调解室",
    )
    dispute.refresh_from_db()
    return dispute


def with_agreement(scene, dispute, **kwargs):
    dispute = in_mediation(scene, dispute)
    agreement = services.agreement_make(
        dispute=dispute, by=scene.org.user(MEDIATOR), terms="李四赔偿张三500元", **kwargs
    )
    dispute.refresh_from_db()
    return dispute, agreement


# --- intake -------------------------------------------------------------------------------


def test_it_numbers_disputes_per_station_and_year_without_gaps(make_dispute, scene):
    first, second = make_dispute(), make_dispute()
    year = timezone.localdate().year
    assert first.number == f"500107530100TJ{year}000001"
    assert second.number == f"500107530100TJ{year}000002"
    assert first.parties.count() == 2
    assert first.post == scene.org.park_post  # the village's post
    assert first.status == S.RECEIVED


def test_it_refuses_bad_intake_and_saves_nothing(make_dispute):
    for bad in (
        {"category": "gossip"},
        {"source": "pigeon"},
        {"description": "  "},
        {"signs": ["curses"]},
        {"parties": [{"role": "applicant", "name": ""}]},
    ):
        with pytest.raises(DomainError):
            make_dispute(**bad)
    assert not Dispute.objects.exists()


def test_it_refuses_intake_for_another_station(make_dispute, scene):
    with pytest.raises(OutOfScope):
        make_dispute(by=scene.org.user(SHUANGFENG_DESK))


# --- transitions --------------------------------------------------------------------------


def test_it_walks_the_whole_way_from_intake_to_closing(make_dispute, scene):
    dispute, _agreement = with_agreement(scene, make_dispute())
    assert dispute.status == S.AGREEMENT and dispute.outcome == Outcome.AGREEMENT
    follow_up = FollowUp.objects.get(dispute=dispute)
    services.follow_up_record(
        follow_up=follow_up, by=scene.org.user(XIPENG_COMMUNITY), result="carried_out"
    )
    services.dispute_close(dispute=dispute, by=desk(scene))
    dispute.refresh_from_db()
    assert dispute.status == S.CLOSED and dispute.closed_at
    statuses = list(dispute.events.exclude(status="").values_list("status", flat=True))
    assert statuses == [
        S.RECEIVED,
        S.ASSESSED,
        S.ASSIGNED,
        S.IN_MEDIATION,
        S.AGREEMENT,
        S.FOLLOWED_UP,
        S.CLOSED,
    ]


@pytest.mark.parametrize("current", S.values)
@pytest.mark.parametrize("target", S.values)
def test_the_table_allows_exactly_its_transitions(current, target):
    if target in DISPUTE_TRANSITIONS[current]:
        DISPUTE_WORKFLOW.check(current, target)
    else:
        with pytest.raises(Conflict):
            DISPUTE_WORKFLOW.check(current, target)


def test_it_fails_with_a_referral_and_closes(make_dispute, scene):
    dispute = in_mediation(scene, make_dispute())
    with pytest.raises(DomainError):
        services.dispute_fail(dispute=dispute, by=desk(scene), referral="")
    services.dispute_fail(dispute=dispute, by=desk(scene), referral="labour_bureau", note="欠薪")
    dispute.refresh_from_db()
    assert (dispute.status, dispute.outcome, dispute.referral) == (
        S.FAILED,
        Outcome.FAILED,
        "labour_bureau",
    )
    services.dispute_close(dispute=dispute, by=desk(scene))
    dispute.refresh_from_db()
    assert dispute.status == S.CLOSED


@pytest.mark.parametrize("steps", [0, 1, 2, 3])
def test_it_can_be_withdrawn_while_open_and_then_closed(make_dispute, scene, steps):
    dispute = make_dispute()
    by = desk(scene)
    if steps >= 1:
        services.dispute_assess(dispute=dispute, by=by, risk_level="low")
    if steps >= 2:
        services.dispute_assign(dispute=dispute, mediator=scene.mediator, by=by)
        consent_all(dispute, by)
    if steps >= 3:
        services.session_record(
            dispute=dispute, by=by, held_at=timezone.now(), attendees="张三", mode="online"
        )
    services.dispute_withdraw(dispute=dispute, by=by, note="双方自行和解")
    dispute.refresh_from_db()
    assert dispute.status == S.WITHDRAWN
    services.dispute_close(dispute=dispute, by=by)
    dispute.refresh_from_db()
    assert dispute.status == S.CLOSED
    with pytest.raises(Conflict):
        services.dispute_withdraw(dispute=dispute, by=by)


def test_it_refuses_skipping_steps(make_dispute, scene):
    dispute = make_dispute()
    by = desk(scene)
    with pytest.raises(Conflict):
        services.dispute_assign(dispute=dispute, mediator=scene.mediator, by=by)
        consent_all(dispute, by)
    with pytest.raises(Conflict):
        services.session_record(
            dispute=dispute, by=by, held_at=timezone.now(), attendees="x", place="y"
        )
    with pytest.raises(Conflict):
        services.dispute_fail(dispute=dispute, by=by, referral="court")
    with pytest.raises(Conflict):
        services.dispute_close(dispute=dispute, by=by)
    dispute.refresh_from_db()
    assert dispute.status == S.RECEIVED


def test_it_reassigns_to_another_mediator_before_mediation_starts(make_dispute, scene):
    dispute = make_dispute()
    by = desk(scene)
    services.dispute_assess(dispute=dispute, by=by, risk_level="low", category="debt")
    services.dispute_assign(dispute=dispute, mediator=scene.mediator, by=by)
    services.dispute_assign(dispute=dispute, mediator=scene.other_mediator, by=by)
    consent_all(dispute, by)
    dispute.refresh_from_db()
    assert dispute.mediator == scene.other_mediator and dispute.category == "debt"
    assert Notification.objects.filter(recipient=scene.org.user(MEDIATOR)).count() == 1


# --- agreements ---------------------------------------------------------------------------


def test_it_refuses_an_agreement_without_parties_and_changes_nothing(make_dispute, scene):
    dispute = in_mediation(scene, make_dispute(parties=[]))
    with pytest.raises(DomainError) as refused:
        services.agreement_make(dispute=dispute, by=desk(scene), terms="赔偿")
    assert refused.value.code == "no_parties"
    dispute.refresh_from_db()
    assert dispute.status == S.IN_MEDIATION and not dispute.agreements.exists()
    assert not FollowUp.objects.exists()


def test_it_records_signatures_with_their_time(make_dispute, scene):
    dispute = in_mediation(scene, make_dispute())
    first, second = dispute.parties.all()
    with freeze_time("2026-05-07 10:00:00+08:00"):
        agreement = services.agreement_make(
            dispute=dispute, by=desk(scene), terms="赔偿", signed_parties=[first.pk]
        )
    with pytest.raises(Conflict):
        services.agreement_sign(agreement=agreement, party=first, by=desk(scene))
    services.agreement_sign(agreement=agreement, party=second, by=desk(scene))
    assert agreement.signatures.count() == 2
    assert agreement.signatures.get(party=first).signed_at.isoformat().startswith("2026-05-07T02")


def test_it_refuses_a_signature_from_someone_not_a_party(make_dispute, scene):
    dispute = in_mediation(scene, make_dispute())
    stranger = make_dispute().parties.first()
    with pytest.raises(DomainError):
        services.agreement_make(
            dispute=dispute, by=desk(scene), terms="赔偿", signed_parties=[stranger.pk]
        )
    assert not dispute.agreements.exists()


def test_it_keeps_a_signed_scan_privately(make_dispute, scene):
    dispute = in_mediation(scene, make_dispute())
    scan = SimpleUploadedFile("协议.pdf", a_pdf())
    agreement = services.agreement_make(dispute=dispute, by=desk(scene), terms="x", scan=scan)
    assert agreement.scan.name.startswith("mediation/agreements")
    assert agreement.scan_content_type == "application/pdf"


def test_it_tracks_judicial_confirmation_within_30_days(make_dispute, scene):
    by = desk(scene)
    with freeze_time("2026-05-01 10:00:00+08:00"):
        _dispute, agreement = with_agreement(scene, make_dispute())
        # Nobody signed: not in effect, no confirmation (人民调解法 art. 33).
        with pytest.raises(Conflict) as unsigned:
            services.agreement_confirmation(agreement=agreement, by=by, status="applied")
        assert unsigned.value.code == "not_in_effect"
        sign_all(agreement, by)
    with pytest.raises(Conflict):
        services.agreement_confirmation(agreement=agreement, by=by, status="confirmed")
    with pytest.raises(DomainError) as late:
        services.agreement_confirmation(
            agreement=agreement, by=by, status="applied", on=date(2026, 6, 1)
        )
    assert late.value.code == "window_closed"
    services.agreement_confirmation(
        agreement=agreement, by=by, status="applied", on=date(2026, 5, 31)
    )
    services.agreement_confirmation(
        agreement=agreement, by=by, status="confirmed", on=date(2026, 6, 10)
    )
    agreement.refresh_from_db()
    assert agreement.confirmation == "confirmed"
    assert agreement.confirmation_decided_on == date(2026, 6, 10)


# --- follow-up ----------------------------------------------------------------------------


def test_it_schedules_the_follow_up_on_the_community_officers_list(make_dispute, scene, settings):
    with freeze_time("2026-05-01 10:00:00+08:00"):
        _dispute, agreement = with_agreement(scene, make_dispute())
    follow_up = agreement.follow_ups.get()
    assert follow_up.due_on == date(2026, 5, 16)
    assert follow_up.officer == scene.org.user(XIPENG_COMMUNITY)
    settings.MEDIATION_FOLLOW_UP_DAYS = 7
    with freeze_time("2026-05-01 10:00:00+08:00"):
        _other, agreement = with_agreement(scene, make_dispute())
    assert agreement.follow_ups.get().due_on == date(2026, 5, 8)


def test_it_refuses_closing_before_the_follow_up(make_dispute, scene):
    dispute, _agreement = with_agreement(scene, make_dispute())
    with pytest.raises(Conflict) as refused:
        services.dispute_close(dispute=dispute, by=desk(scene))
    assert refused.value.code == "follow_up_due"
    dispute.refresh_from_db()
    assert dispute.status == S.AGREEMENT and dispute.closed_at is None


def test_it_reopens_when_the_agreement_was_not_carried_out(make_dispute, scene):
    dispute, agreement = with_agreement(scene, make_dispute())
    follow_up = agreement.follow_ups.get()
    services.follow_up_record(
        follow_up=follow_up, by=desk(scene), result=FollowUpResult.NOT_CARRIED_OUT
    )
    with pytest.raises(Conflict):
        services.follow_up_record(follow_up=follow_up, by=desk(scene), result="carried_out")
    with pytest.raises(DomainError):
        services.dispute_reopen(dispute=dispute, by=desk(scene), note="")
    services.dispute_reopen(dispute=dispute, by=desk(scene), note="未付款")
    dispute.refresh_from_db()
    agreement.refresh_from_db()
    assert dispute.status == S.IN_MEDIATION and dispute.outcome == ""
    assert not agreement.in_force


def test_it_does_not_reopen_a_dispute_whose_agreement_was_kept(make_dispute, scene):
    dispute, agreement = with_agreement(scene, make_dispute())
    services.follow_up_record(
        follow_up=agreement.follow_ups.get(), by=desk(scene), result="carried_out"
    )
    with pytest.raises(Conflict):
        services.dispute_reopen(dispute=dispute, by=desk(scene), note="再调")
    dispute.refresh_from_db()
    assert dispute.status == S.FOLLOWED_UP


# --- escalation ---------------------------------------------------------------------------


def test_a_threat_alerts_the_posts_officers_and_the_desk_at_once(make_dispute, scene):
    dispute = make_dispute()
    assert not Notification.objects.exists()
    services.dispute_flag(dispute=dispute, by=desk(scene), signs=["threats"])
    alerted = set(Notification.objects.values_list("recipient__username", flat=True))
    assert alerted == {XIPENG_COMMUNITY, XIPENG_DESK}
    assert Notification.objects.filter(external=True).count() == 2
    dispute.refresh_from_db()
    assert dispute.escalated_at and dispute.is_escalated
    # The same sign again tells nobody twice.
    services.dispute_flag(dispute=dispute, by=desk(scene), signs=["threats"])
    assert Notification.objects.count() == 2


def test_a_high_risk_assessment_alerts_too(make_dispute, scene):
    dispute = make_dispute()
    services.dispute_assess(dispute=dispute, by=desk(scene), risk_level="high")
    assert Notification.objects.filter(recipient=scene.org.user(XIPENG_COMMUNITY)).exists()


def test_a_low_risk_assessment_alerts_nobody(make_dispute, scene):
    services.dispute_assess(dispute=make_dispute(), by=desk(scene), risk_level="low")
    assert not Notification.objects.exists()


def test_it_opens_an_incident_for_the_nearest_post_and_links_it(make_dispute, scene):
    # Recorded against 大石堡 post, but the place (迎新村) is nearest to the park post.
    dispute = make_dispute(post=scene.dashibao)
    with pytest.raises(Conflict):  # nothing escalating yet
        services.dispute_open_incident(dispute=dispute, by=desk(scene))
    services.dispute_flag(dispute=dispute, by=desk(scene), signs=["weapons"])
    incident = services.dispute_open_incident(dispute=dispute, by=desk(scene))
    dispute.refresh_from_db()
    assert dispute.escalation_incident == incident
    assert incident.status == IncidentStatus.ASSIGNED
    assert incident.post == scene.org.park_post  # nearest to 迎新村
    assert dispute.number in incident.description
    with pytest.raises(Conflict):
        services.dispute_open_incident(dispute=dispute, by=desk(scene))
    assert Incident.objects.count() == 1


# --- deadlines ----------------------------------------------------------------------------


def test_it_gives_48_hours_to_assess_and_24_with_personal_safety_signs(make_dispute, scene):
    with freeze_time("2026-05-01 10:00:00+08:00"):
        plain = make_dispute()
        unsafe = make_dispute(signs=["self_harm"])
        crowd = make_dispute(signs=["mass_gathering"])
        later = make_dispute()
        services.dispute_flag(dispute=later, by=desk(scene), signs=["threats"])
    later.refresh_from_db()
    assert plain.assess_by - plain.received_at == timedelta(hours=48)
    assert unsafe.assess_by - unsafe.received_at == timedelta(hours=24)
    assert crowd.assess_by - crowd.received_at == timedelta(hours=48)
    assert later.assess_by - later.received_at == timedelta(hours=24)
    user = desk(scene)
    with freeze_time("2026-05-02 11:00:00+08:00"):
        assert set(overdue_assessments(user)) == {unsafe, later}
    with freeze_time("2026-05-03 11:00:00+08:00"):
        assert set(overdue_assessments(user)) == {plain, unsafe, crowd, later}
        services.dispute_assess(dispute=plain, by=user, risk_level="low")
        assert plain not in set(overdue_assessments(user))


def test_the_reminder_tells_the_desk_and_the_officer_once_a_day(make_dispute, scene):
    with freeze_time("2026-05-01 10:00:00+08:00"):
        make_dispute()
        with_agreement(scene, make_dispute())
    Notification.objects.all().delete()
    with freeze_time("2026-05-04 08:05:00+08:00"):
        assert services.mediation_remind() == 1  # the unassessed dispute
        assert services.mediation_remind() == 0
    assert Notification.objects.get().recipient == desk(scene)
    with freeze_time("2026-05-16 08:05:00+08:00"):
        assert services.mediation_remind() == 2  # still unassessed, and the follow-up
    assert Notification.objects.filter(recipient=scene.org.user(XIPENG_COMMUNITY)).exists()


# --- diversion ----------------------------------------------------------------------------


def test_closing_an_incident_with_mediation_creates_the_linked_dispute(scene):
    by = desk(scene)
    incident, _ = incident_report(
        by=by,
        source="110",
        place_text="迎新村",
        community=scene.org.yingxin,
        caller_name="赵五",
        caller_phone="13983009999",
        description="邻居争吵",
    )
    incident_close(incident=incident, by=by, disposition="mediation", note="转人民调解")
    dispute = Dispute.objects.get()
    assert dispute.incident == incident and incident.dispute == dispute
    assert dispute.source == "incident" and "转人民调解" in dispute.description
    assert dispute.parties.get().name == "赵五"


def test_a_failed_diversion_leaves_the_incident_open(scene, monkeypatch):
    by = desk(scene)
    incident, _ = incident_report(by=by, source="110", place_text="迎新村")

    def refuse(*args, **kwargs):
        raise DomainError("no")

    monkeypatch.setattr(intake, "_full_clean", refuse)
    with pytest.raises(DomainError):
        incident_close(incident=incident, by=by, disposition="mediation")
    incident.refresh_from_db()
    assert incident.status != IncidentStatus.CLOSED and not Dispute.objects.exists()


# --- mediators' figures -------------------------------------------------------------------


def test_resolution_rate_is_resolved_over_concluded(make_dispute, scene):
    # 王: two agreements, one failure, one withdrawal (not concluded by mediation), one open.
    for _ in range(2):
        with_agreement(scene, make_dispute())
    services.dispute_fail(
        dispute=in_mediation(scene, make_dispute()), by=desk(scene), referral="court"
    )
    services.dispute_withdraw(dispute=in_mediation(scene, make_dispute()), by=desk(scene))
    in_mediation(scene, make_dispute())
    stats = {m.pk: m for m in mediator_stats(desk(scene))}
    wang = stats[scene.mediator.pk]
    assert (wang.resolved, wang.concluded, wang.workload) == (2, 3, 1)
    assert wang.resolution_rate == pytest.approx(2 / 3)
    assert stats[scene.other_mediator.pk].resolution_rate is None  # nothing concluded


# --- lawyer's slots -----------------------------------------------------------------------


def test_it_generates_thursday_slots_once(scene):
    by = desk(scene)
    with freeze_time("2026-05-01 10:00:00+08:00"):  # a Friday
        args = dict(
            by=scene.org.user("xipeng_leader"),
            mediator=scene.lawyer,
            weekday=3,
            first_day=date(2026, 5, 1),
            weeks=2,
            start=time(9),
            end=time(12),
            place="调解室",
        )
        assert services.slots_generate(**args) == 6
        assert services.slots_generate(**args) == 0
        with pytest.raises(DomainError):
            services.slots_generate(**{**args, "mediator": scene.mediator})
    first = LawyerSlot.objects.first()
    assert timezone.localtime(first.starts_at).date() == date(2026, 5, 7)
    assert by  # the desk may book, not generate (roles)


def test_it_refuses_double_booking_and_changes_nothing(make_dispute, scene):
    by = desk(scene)
    start = timezone.now() + timedelta(days=1)
    slot = LawyerSlot.objects.create(
        station=scene.org.xipeng,
        mediator=scene.lawyer,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    dispute = make_dispute()
    services.slot_book(slot=slot, by=by, dispute=dispute)
    with pytest.raises(Conflict) as taken:
        services.slot_book(slot=slot, by=by, booked_for="钱六")
    assert taken.value.code == "slot_taken"
    slot.refresh_from_db()
    assert slot.dispute == dispute and slot.booked_for == dispute.number
    services.slot_cancel(slot=slot, by=by)
    services.slot_book(slot=slot, by=by, booked_for="钱六")
    slot.refresh_from_db()
    assert slot.booked_for == "钱六" and slot.dispute is None
