"""The mediation pages: intake, each step's form, the agreement PDF, lists and the
incident's diversion link."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from apps.cases.services import incident_close, incident_report
from apps.core.testing.pdf import assert_workbench_font_only
from apps.core.testing.personas import MEDIATOR, XIPENG_COMMUNITY, XIPENG_DESK
from apps.mediation import services
from apps.mediation.models import Dispute, FollowUp
from tests.mediation.helpers import consent_all


@pytest.fixture
def desk(client, scene):
    client.force_login(scene.org.user(XIPENG_DESK))
    return client


def step(client, dispute, name, **data):
    return client.post(reverse("mediation:dispute_action", args=[dispute.pk, name]), data)


def test_the_desk_records_a_walk_in_dispute(desk, scene):
    response = desk.post(
        reverse("mediation:dispute_create"),
        {
            "source": "walk_in",
            "category": "labour",
            "description": "拖欠工资三个月",
            "place_text": "园区某厂",
            "community": scene.org.yingxin.pk,
            "applicant": "张三",
            "applicant_phone": "13983001234",
            "respondent": "某厂",
            "signs": ["mass_gathering"],
        },
    )
    dispute = Dispute.objects.get()
    assert response.status_code == 302 and response["Location"] == dispute.get_absolute_url()
    assert dispute.parties.count() == 2 and dispute.signs == ["mass_gathering"]


def test_a_bad_intake_shows_the_form_again(desk):
    response = desk.post(reverse("mediation:dispute_create"), {"source": "walk_in"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not Dispute.objects.exists()


def test_the_desk_and_the_mediator_take_a_dispute_to_its_agreement_pdf(
    client, desk, scene, make_dispute
):
    dispute = make_dispute()
    page = desk.get(dispute.get_absolute_url())
    assert set(page.context["forms"]) >= {"assess", "flag", "party", "withdraw"}
    assert "13983001234" not in page.content.decode()  # phones masked
    step(desk, dispute, "assess", risk_level="low", category="neighbour")
    step(desk, dispute, "assign", mediator=scene.mediator.pk)
    client.force_login(scene.org.user(MEDIATOR))
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    for party in dispute.parties.all():
        step(client, dispute, "consent", party=party.pk, consent="given", at=at)
    step(
        client,
        dispute,
        "session",
        held_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        mode="in_person",
        place="调解室",
        attendees="张三、李四",
    )
    parties = [str(p.pk) for p in dispute.parties.all()]
    step(
        client,
        dispute,
        "agreement",
        terms="李四修复水管并赔偿200元",
        responsibility="李四承担全部责任",
        performance="现金当面交付",
        performance_deadline=(timezone.localdate() + timedelta(days=5)).isoformat(),
        signed_parties=parties,
    )
    dispute.refresh_from_db()
    assert dispute.status == "agreement"
    agreement = dispute.agreements.get()
    page = client.get(dispute.get_absolute_url())
    assert "confirmation" not in page.context["forms"]  # not in effect yet
    step(client, dispute, "sign", signer="mediator")
    step(client, dispute, "sign", signer="seal")
    agreement.refresh_from_db()
    assert agreement.effective_at is not None
    assert "confirmation" in client.get(dispute.get_absolute_url()).context["forms"]
    response = client.get(reverse("mediation:agreement_pdf", args=[agreement.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert_workbench_font_only(response.content)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "人民调解协议书" in text and "李四修复水管" in text and dispute.number in text
    assert "西彭镇人民调解委员会" in text and "受理单位" not in text
    assert "李四承担全部责任" in text and "现金当面交付" in text
    assert "人民调解员签名并加盖人民调解委员会" in text  # art. 29, not the parties alone


def test_a_refused_step_is_shown_as_a_message_and_changes_nothing(desk, make_dispute):
    dispute = make_dispute()
    url = reverse("mediation:dispute_action", args=[dispute.pk, "close"])
    response = desk.post(url, {}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    dispute.refresh_from_db()
    assert dispute.status == "received"


def test_the_community_officer_has_the_follow_up_on_their_list(client, scene, make_dispute):
    dispute = make_dispute()
    by = scene.org.user(XIPENG_DESK)
    services.dispute_assess(dispute=dispute, by=by, risk_level="low")
    services.dispute_assign(dispute=dispute, mediator=scene.mediator, by=by)
    consent_all(dispute, by)
    services.session_record(
        dispute=dispute, by=by, held_at=timezone.now(), attendees="x", place="y"
    )
    services.agreement_make(dispute=dispute, by=by, terms="赔偿")
    client.force_login(scene.org.user(XIPENG_COMMUNITY))
    response = client.get(reverse("mediation:follow_ups"))
    assert list(response.context["rows"]) == [FollowUp.objects.get()]
    step(client, dispute, "follow_up", result="not_carried_out", note="未赔偿")
    step(client, dispute, "reopen", note="重新调解")
    dispute.refresh_from_db()
    assert dispute.status == "in_mediation"


def test_the_escalation_button_opens_the_incident(desk, scene, make_dispute):
    dispute = make_dispute(signs=["threats"])
    assert desk.get(dispute.get_absolute_url()).context["can_open_incident"]
    step(desk, dispute, "open_incident")
    dispute.refresh_from_db()
    assert dispute.escalation_incident.post == scene.org.park_post
    assert not desk.get(dispute.get_absolute_url()).context["can_open_incident"]


def test_the_incident_page_links_its_dispute(desk, scene):
    incident, _ = incident_report(by=scene.org.user(XIPENG_DESK), source="110", place_text="迎新村")
    incident_close(incident=incident, by=scene.org.user(XIPENG_DESK), disposition="mediation")
    page = desk.get(incident.get_absolute_url()).content.decode()
    assert incident.dispute.get_absolute_url() in page


def test_the_overdue_list_and_slots_pages_answer(desk):
    assert desk.get(reverse("mediation:overdue")).status_code == 200
    assert desk.get(reverse("mediation:slots")).status_code == 200
    assert desk.get(reverse("mediation:board")).status_code == 200


def test_the_person_page_lists_the_disputes_of_a_registered_party(desk, scene, make_dispute):
    from tests.registry.factories import PersonFactory

    person = PersonFactory(station=scene.org.xipeng, name="王五")
    dispute = make_dispute(parties=[{"role": "respondent", "person": person}])
    page = desk.get(person.get_absolute_url()).content.decode()
    assert dispute.number in page


def test_the_desk_books_a_lawyers_slot_once(desk, scene, make_dispute):
    from datetime import timedelta

    from apps.mediation.models import LawyerSlot

    start = timezone.now() + timedelta(days=1)
    slot = LawyerSlot.objects.create(
        station=scene.org.xipeng,
        mediator=scene.lawyer,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    dispute = make_dispute()
    url = reverse("mediation:slot_book", args=[slot.pk])
    desk.post(url, {"dispute": dispute.number}, follow=True)
    again = desk.post(url, {"booked_for": "钱六"}, follow=True)
    assert [m.level_tag for m in again.context["messages"]] == ["error"]
    slot.refresh_from_db()
    assert slot.dispute == dispute
    assert dispute.number in desk.get(reverse("mediation:slots")).content.decode()


def test_the_mediator_page_shows_the_resolution_rate(desk, scene, make_dispute):
    by = scene.org.user(XIPENG_DESK)
    for referral in ("", "court"):
        dispute = make_dispute()
        services.dispute_assess(dispute=dispute, by=by, risk_level="low")
        services.dispute_assign(dispute=dispute, mediator=scene.mediator, by=by)
        consent_all(dispute, by)
        services.session_record(
            dispute=dispute, by=by, held_at=timezone.now(), attendees="x", mode="online"
        )
        if referral:
            services.dispute_fail(dispute=dispute, by=by, referral=referral)
        else:
            services.agreement_make(dispute=dispute, by=by, terms="赔偿")
    response = desk.get(scene.mediator.get_absolute_url())
    assert response.context["rate"] == 0.5
    assert "50%" in response.content.decode()
