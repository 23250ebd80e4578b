"""The mediation API end to end: intake, each step's action endpoint, refusals with the
error shape, escalation, follow-up, the lawyer's slots and the mediators' figures."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from apps.cases.models import Incident
from apps.core.models import Notification
from apps.core.testing.personas import MEDIATOR, XIPENG_COMMUNITY, XIPENG_DESK, XIPENG_LEADER
from apps.mediation.models import Dispute, LawyerSlot


@pytest.fixture
def desk(scene):
    """The desk's own browser; `client` is free for a second user."""
    desk = Client()
    desk.force_login(scene.org.user(XIPENG_DESK))
    return desk


def post(client, name, pk=None, **body):
    url = reverse(name, args=[pk]) if pk else reverse(name)
    return client.post(url, body, content_type="application/json")


def receive(client, scene, **overrides):
    body = {
        "source": "walk_in",
        "category": "neighbour",
        "description": "楼上漏水",
        "place_text": "迎新村3组",
        "community": scene.org.yingxin.pk,
        "parties": [
            {"role": "applicant", "name": "张三", "phone": "13983001234"},
            {"role": "respondent", "name": "李四", "phone": "13983005678"},
        ],
        **overrides,
    }
    return post(client, "dispute-list", **body)


def test_the_desk_takes_a_dispute_in_with_phones_masked(desk, scene):
    response = receive(desk, scene)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "received" and body["number"].startswith("500107530100TJ")
    assert [p["phone"] for p in body["parties"]] == ["139****1234", "139****5678"]
    listed = desk.get(reverse("dispute-list")).json()["results"][0]
    assert listed["parties"][0]["phone"] == "139****1234"


def test_bad_intake_is_a_400_with_the_error_shape_and_saves_nothing(desk, scene):
    response = receive(desk, scene, category="gossip", signs=["curses"])
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"category", "signs"}
    assert not Dispute.objects.exists()


def test_the_whole_way_through_the_api(client, desk, scene):
    pk = receive(desk, scene).json()["id"]
    assert post(desk, "dispute-assess", pk, risk_level="low").json()["status"] == "assessed"
    assert post(desk, "dispute-assign", pk, mediator=scene.mediator.pk).status_code == 200
    client.force_login(scene.org.user(MEDIATOR))
    session = {
        "dispute": pk,
        "held_at": timezone.now().isoformat(),
        "mode": "online",
        "attendees": "张三、李四",
    }
    # No session before every party has consented (人民调解法 art. 3).
    refused = post(client, "mediationsession-list", **session)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "consent_missing"
    parties = [p["id"] for p in client.get(reverse("dispute-detail", args=[pk])).json()["parties"]]
    for party in parties:
        answer = post(client, "dispute-consent", pk, party=party, consent="given")
        assert answer.status_code == 200, answer.content
    assert {p["consent"] for p in answer.json()["parties"]} == {"given"}
    assert post(client, "mediationsession-list", **session).status_code == 201
    response = post(
        client,
        "dispute-agreement",
        pk,
        terms="李四修复水管",
        signed_parties=parties,
        performance_deadline=(timezone.localdate() + timedelta(days=10)).isoformat(),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    agreement = body["agreements"][0]
    assert body["status"] == "agreement" and len(agreement["signatures"]) == 2
    # Signed by the parties only: not in effect, so no judicial confirmation yet.
    assert agreement["effective_at"] is None and agreement["confirmation_deadline"] is None
    early = post(client, "dispute-confirmation", pk, status="applied")
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "not_in_effect"
    assert post(client, "dispute-sign", pk, signer="mediator").status_code == 200
    sealed = post(client, "dispute-sign", pk, signer="seal").json()["agreements"][0]
    assert sealed["effective_at"] and sealed["confirmation_deadline"]
    applied = post(client, "dispute-confirmation", pk, status="applied")
    assert applied.status_code == 200, applied.content
    pdf = client.get(reverse("dispute-agreement-pdf", args=[pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    closing = post(desk, "dispute-close", pk)
    assert closing.status_code == 409
    assert closing.json()["error"]["code"] == "follow_up_due"
    follow_up = body["follow_ups"][0]
    # Due on the performance deadline (art. 31), not a fixed delay.
    assert follow_up["due_on"] == (timezone.localdate() + timedelta(days=10)).isoformat()
    client.force_login(scene.org.user(XIPENG_COMMUNITY))
    mine = client.get(reverse("followup-list"), {"officer": client.session["_auth_user_id"]})
    assert [row["id"] for row in mine.json()["results"]] == [follow_up["id"]]
    recorded = post(client, "followup-record", follow_up["id"], result="carried_out")
    assert recorded.status_code == 200 and recorded.json()["done_at"]
    assert post(desk, "dispute-close", pk).json()["status"] == "closed"


def test_a_refusal_ends_mediation_with_a_referral(desk, scene):
    pk = receive(desk, scene).json()["id"]
    party = Dispute.objects.get(pk=pk).parties.first().pk
    without = post(desk, "dispute-consent", pk, party=party, consent="refused")
    assert without.status_code == 400
    refused = post(desk, "dispute-consent", pk, party=party, consent="refused", referral="court")
    assert refused.status_code == 200, refused.content
    body = refused.json()
    assert (body["status"], body["outcome"], body["referral"]) == ("failed", "refused", "court")


def test_an_agreement_without_parties_is_refused(desk, scene):
    pk = receive(desk, scene, parties=[]).json()["id"]
    post(desk, "dispute-assess", pk, risk_level="low")
    post(desk, "dispute-assign", pk, mediator=scene.mediator.pk)
    post(
        desk,
        "mediationsession-list",
        dispute=pk,
        held_at=timezone.now().isoformat(),
        place="调解室",
        attendees="张三",
    )
    response = post(desk, "dispute-agreement", pk, terms="赔偿")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_parties"
    assert Dispute.objects.get(pk=pk).status == "in_mediation"


def test_a_wrong_step_is_a_409(desk, scene):
    pk = receive(desk, scene).json()["id"]
    response = post(desk, "dispute-fail", pk, referral="court")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_a_threat_alerts_and_opens_an_incident_for_the_nearest_post(desk, scene):
    pk = receive(desk, scene).json()["id"]
    flagged = post(desk, "dispute-flag", pk, signs=["threats"], risk_level="high")
    assert flagged.status_code == 200 and flagged.json()["escalated_at"]
    assert Notification.objects.filter(recipient=scene.org.user(XIPENG_COMMUNITY)).exists()
    opened = post(desk, "dispute-open-incident", pk)
    assert opened.status_code == 200, opened.content
    incident = Incident.objects.get(pk=opened.json()["escalation_incident"])
    assert incident.post == scene.org.park_post


def test_a_mediator_may_not_open_incidents(client, desk, scene):
    pk = receive(desk, scene, signs=["weapons"]).json()["id"]
    post(desk, "dispute-assess", pk, risk_level="high")
    post(desk, "dispute-assign", pk, mediator=scene.mediator.pk)
    client.force_login(scene.org.user(MEDIATOR))
    assert post(client, "dispute-open-incident", pk).status_code == 403
    assert not Incident.objects.exists()


def test_the_leader_generates_thursday_slots_and_double_booking_is_refused(client, desk, scene):
    client.force_login(scene.org.user(XIPENG_LEADER))
    with freeze_time("2026-05-01 10:00:00+08:00"):
        generated = post(
            client,
            "lawyerslot-list",
            mediator=scene.lawyer.pk,
            weekday=3,
            first_day="2026-05-01",
            weeks=4,
            start="09:00",
            end="12:00",
            place="调解室",
        )
        assert generated.status_code == 201 and generated.json() == {"created": 12}
        assert post(desk, "lawyerslot-list", mediator=scene.lawyer.pk).status_code == 403
        slot = LawyerSlot.objects.first()
        dispute = receive(desk, scene).json()["id"]
        assert post(desk, "lawyerslot-book", slot.pk, dispute=dispute).status_code == 200
        again = post(desk, "lawyerslot-book", slot.pk, booked_for="钱六")
        assert again.status_code == 409 and again.json()["error"]["code"] == "slot_taken"
        free = desk.get(reverse("lawyerslot-list"), {"free": "true"}).json()["results"]
        assert slot.pk not in [row["id"] for row in free] and len(free) == 11
    slot.refresh_from_db()
    assert slot.dispute_id == dispute


def test_mediators_carry_their_workload_and_resolution_rate(desk, scene):
    pk = receive(desk, scene).json()["id"]
    post(desk, "dispute-assess", pk, risk_level="low")
    post(desk, "dispute-assign", pk, mediator=scene.mediator.pk)
    rows = {row["id"]: row for row in desk.get(reverse("mediator-list")).json()["results"]}
    wang = rows[scene.mediator.pk]
    assert (wang["workload"], wang["resolved"], wang["concluded"]) == (1, 0, 0)
    assert wang["resolution_rate"] is None


def test_the_overdue_and_escalating_disputes_show_on_the_desks_board(desk, scene):
    with freeze_time(timezone.now() - timedelta(days=3)):
        late = Dispute.objects.get(pk=receive(desk, scene).json()["id"])
    urgent = Dispute.objects.get(pk=receive(desk, scene, signs=["threats"]).json()["id"])
    response = desk.get(reverse("mediation:board"))
    assert response.status_code == 200
    assert list(response.context["overdue"]) == [late]
    assert response.context["escalating"] == [urgent]


def test_the_counts_for_statistics(desk, scene, make_dispute):
    make_dispute()
    make_dispute(category="debt", source="patrol")
    response = desk.get(reverse("dispute-counts"))
    assert response.status_code == 200
    body = response.json()
    assert (body["received"], body["resolved"], body["concluded"]) == (2, 0, 0)
    assert body["resolution_rate"] is None
    assert body["by_category"] == {"debt": 1, "neighbour": 1}
    assert body["by_mediator"] == {"": 2}
    assert desk.get(reverse("dispute-counts"), {"since": "2999-01-01"}).json()["received"] == 0
    assert desk.get(reverse("dispute-counts"), {"since": "soon"}).status_code == 400


def test_a_mediator_neither_assesses_nor_reassigns(client, desk, scene):
    pk = receive(desk, scene).json()["id"]
    client.force_login(scene.org.user(MEDIATOR))
    post(desk, "dispute-assess", pk, risk_level="low")
    post(desk, "dispute-assign", pk, mediator=scene.mediator.pk)
    response = post(client, "dispute-assign", pk, mediator=scene.other_mediator.pk)
    assert response.status_code == 403
    assert Dispute.objects.get(pk=pk).mediator == scene.mediator
