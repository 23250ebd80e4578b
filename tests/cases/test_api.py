import io
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from PIL import Image

from apps.cases.models import Case, Incident
from apps.core.testing.factories import PostFactory
from apps.core.testing.personas import (
    JLP_LEGAL,
    SHUANGFENG_DESK,
    XIPENG_CASE,
    XIPENG_DESK,
    XIPENG_LEADER,
)
from tests.cases.conftest import place


@pytest.fixture
def desk(client, scene):
    client.force_login(scene.org.user(XIPENG_DESK))
    return client


def intake(client, scene, **overrides):
    body = {
        "source": "110",
        "category": scene.fight.pk,
        "place_text": "迎新村3组",
        "caller_phone": "13900001111",
        "latitude": "29.378150",
        "longitude": "106.292470",
    }
    body.update(overrides)
    return client.post(reverse("incident-list"), body, content_type="application/json")


def test_the_desk_takes_a_call_through_the_api(desk, scene):
    response = intake(desk, scene)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "received"
    assert body["caller_phone"] == "139****1111"  # masked in every API answer
    assert body["checklist"][0]["step"] == "制止斗殴，控制现场"


def test_a_retried_intake_with_the_same_client_id_answers_200_with_the_same_incident(desk, scene):
    client_id = str(uuid.uuid4())
    first = intake(desk, scene, client_id=client_id)
    again = intake(desk, scene, client_id=client_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Incident.objects.count() == 1


def test_coordinates_outside_china_are_a_400_in_chinese_and_nothing_is_saved(desk, scene):
    response = intake(desk, scene, latitude="51.5", longitude="-0.12")
    assert response.status_code == 400
    assert "中国" in response.json()["error"]["message"]
    assert not Incident.objects.exists()


def test_suggestions_rank_the_park_post_first(desk, scene):
    incident_id = intake(desk, scene).json()["id"]
    body = desk.get(reverse("incident-suggestions", args=[incident_id])).json()
    first = body["suggestions"][0]
    assert first["post_name"] == "西彭园区警务站"
    assert first["on_duty"] == ["李警官"]
    assert first["minutes_saved"] > 15


def test_suggestions_take_the_same_queries_for_3_or_43_posts(
    desk, scene, django_assert_max_num_queries
):
    """The desk polls this while typing: session, user, two permission look-ups, the
    incident with its bureau's settings, the nearest posts, their shifts — never per post."""
    incident_id = intake(desk, scene).json()["id"]
    url = reverse("incident-suggestions", args=[incident_id])
    for n in range(40):
        place(PostFactory(station=scene.org.xipeng), "29.30", f"{106.20 + n / 100:.2f}")
    with django_assert_max_num_queries(7):
        body = desk.get(url).json()
    assert [s["post_name"] for s in body["suggestions"][:2]] == ["西彭园区警务站", "大石堡警务站"]
    assert len(body["suggestions"]) == 5


def test_dispatch_then_a_second_dispatch_is_409(desk, scene):
    incident_id = intake(desk, scene).json()["id"]
    url = reverse("incident-dispatch-to-post", args=[incident_id])
    body = {"post": scene.org.park_post.pk, "officers": [scene.officer_on_duty.pk]}
    first = desk.post(url, body, content_type="application/json")
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "dispatched"
    second = desk.post(url, body, content_type="application/json")
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "conflict"


def test_the_officer_reports_from_the_tablet_and_a_retry_acts_once(client, desk, scene):
    incident_id = intake(desk, scene).json()["id"]
    desk.post(
        reverse("incident-dispatch-to-post", args=[incident_id]),
        {"post": scene.org.park_post.pk, "officers": [scene.officer_on_duty.pk]},
        content_type="application/json",
    )
    client.force_login(scene.officer_on_duty)
    url = reverse("incident-field-status", args=[incident_id])
    retry = {"status": "en_route", "client_id": str(uuid.uuid4())}
    assert client.post(url, retry, content_type="application/json").status_code == 200
    assert client.post(url, retry, content_type="application/json").status_code == 200
    arrived = client.post(url, {"status": "arrived"}, content_type="application/json")
    assert arrived.json()["status"] == "arrived"
    tick = client.post(
        reverse("incident-checklist", args=[incident_id]),
        {"step": 0, "done": True},
        content_type="application/json",
    )
    assert tick.json()["checklist"][0]["done"] is True
    handled = client.post(
        url, {"status": "handled", "outcome": "双方已和解"}, content_type="application/json"
    )
    assert handled.json()["status"] == "handled"
    assert Incident.objects.get().events.filter(status="en_route").count() == 1


def test_an_illegal_field_report_is_409_and_changes_nothing(desk, scene):
    incident_id = intake(desk, scene).json()["id"]
    response = desk.post(
        reverse("incident-field-status", args=[incident_id]),
        {"status": "handled", "outcome": "x"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert Incident.objects.get().status == "received"


def test_closing_as_a_case_then_closing_again_is_409(client, desk, scene):
    incident_id = intake(desk, scene).json()["id"]
    url = reverse("incident-close", args=[incident_id])
    body = {"disposition": "case", "case_kind": "public_security"}
    closed = desk.post(url, body, content_type="application/json")
    assert closed.status_code == 200, closed.content
    assert closed.json()["case"] == Case.objects.get().pk
    assert desk.post(url, body, content_type="application/json").status_code == 409


def test_another_stations_desk_gets_404_for_every_action(client, desk, scene):
    incident_id = intake(desk, scene).json()["id"]
    client.force_login(scene.org.user(SHUANGFENG_DESK))
    for name, body in [
        ("incident-dispatch-to-post", {"post": scene.org.park_post.pk}),
        ("incident-field-status", {"status": "en_route"}),
        ("incident-close", {"disposition": "invalid"}),
    ]:
        response = client.post(
            reverse(name, args=[incident_id]), body, content_type="application/json"
        )
        assert response.status_code == 404, name
    assert client.get(reverse("incident-suggestions", args=[incident_id])).status_code == 404
    assert Incident.objects.get().status == "received"


def test_a_case_officer_cannot_dispatch(client, desk, scene):
    incident_id = intake(desk, scene).json()["id"]
    client.force_login(scene.org.user(XIPENG_CASE))
    response = client.post(
        reverse("incident-dispatch-to-post", args=[incident_id]),
        {"post": scene.org.park_post.pk},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_incident_list_filters_by_status_and_pages_by_cursor(desk, scene):
    for _ in range(3):
        intake(desk, scene)
    intake(desk, scene, category=scene.noise.pk)
    rows = desk.get(reverse("incident-list"), {"category": scene.noise.pk}).json()["results"]
    assert len(rows) == 1
    page = desk.get(reverse("incident-list"), {"page_size": 2}).json()
    assert len(page["results"]) == 2 and "cursor=" in page["next"]
    assert "count" not in page  # no COUNT(*) over a table of a million incidents


@pytest.fixture
def case_id(client, scene):
    client.force_login(scene.org.user(XIPENG_CASE))
    response = client.post(
        reverse("case-list"),
        {"kind": "public_security", "title": "迎新村斗殴"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_case_transitions_through_the_api(client, scene, case_id):
    url = reverse("case-transition", args=[case_id])
    ok = client.post(url, {"to": "investigating"}, content_type="application/json")
    assert ok.status_code == 200
    refused = client.post(url, {"to": "solved"}, content_type="application/json")
    assert refused.status_code == 409  # a public-security case is never solved (破案)
    assert Case.objects.get().status == "investigating"


def test_the_leader_proposes_over_the_api_and_only_the_sub_bureau_approves(client, scene, case_id):
    url = reverse("case-extend", args=[case_id])
    refused = client.post(url, {"reason": "鉴定"}, content_type="application/json")
    assert refused.status_code == 403  # the case officer may not even propose
    client.force_login(scene.org.user(XIPENG_LEADER))
    proposed = client.post(url, {"reason": "案情复杂"}, content_type="application/json")
    assert proposed.status_code == 200
    assert proposed.json()["extensions"][0]["approved"] is None
    decide = reverse("case-decide-extension", args=[case_id])
    assert (
        client.post(decide, {"approve": True}, content_type="application/json").status_code == 403
    )
    client.force_login(scene.org.user(JLP_LEGAL))
    approved = client.post(decide, {"approve": True}, content_type="application/json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["extensions"][0]["approved"] is True


def test_evidence_upload_is_checked_and_served_only_in_scope(client, scene, case_id):
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(image, "JPEG")
    image.name = "现场.jpg"
    image.seek(0)
    response = client.post(
        reverse("case-evidence", args=[case_id]), {"file": image, "kind": "photo"}
    )
    assert response.status_code == 201, response.content
    url = response.json()["evidence"][0]["url"]
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["Content-Security-Policy"] == "sandbox"
    client.force_login(scene.org.user(SHUANGFENG_DESK))
    assert client.get(url).status_code == 404
    fake = io.BytesIO(b"<script>alert(1)</script>")
    fake.name = "x.jpg"
    client.force_login(scene.org.user(XIPENG_CASE))
    refused = client.post(reverse("case-evidence", args=[case_id]), {"file": fake, "kind": "photo"})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_upload"


def test_the_taxonomy_lists_each_minor_categorys_procedure(desk, scene):
    rows = desk.get(reverse("incidentcategory-list"), {"q": "打架"}).json()["results"]
    minor = next(row for row in rows if row["parent"])
    assert minor["steps"] == ["制止斗殴，控制现场", "救治伤员", "询问双方及证人"]


def test_the_roster_api_refuses_an_overlapping_shift(desk, scene):
    staff = scene.officer_on_duty.assignments.get()
    shift = staff.duty_shifts.get()
    response = desk.post(
        reverse("dutyshift-list"),
        {
            "station": scene.org.xipeng.pk,
            "post": scene.org.park_post.pk,
            "staff": staff.pk,
            "starts_at": (shift.starts_at + timedelta(hours=1)).isoformat(),
            "ends_at": (shift.ends_at + timedelta(hours=1)).isoformat(),
            "role": "on_duty",
        },
        content_type="application/json",
    )
    assert response.status_code == 409
