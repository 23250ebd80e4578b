"""The findings and video-patrol API: the offline tablet's contract (a resent client_id is
200 with the same finding), multipart photos, the conversions and their 409, filters, and
who may do what (another station 404, a role without patrols 403)."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.cases.models import Incident
from apps.core.testing.personas import (
    MEDIATOR,
    XIPENG_CASE,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
)
from apps.mediation.models import Dispute
from apps.patrols.models import Finding, VideoPatrol

from .factories import make_patrol
from .findings_scene import (
    fake_jpeg,
    jpeg,
    make_finding,
    make_unit,
    shuangfeng_officer,
)

pytestmark = pytest.mark.django_db
LIST = "/api/v1/patrol-findings/"
VIDEO = "/api/v1/video-patrols/"


def url(finding, action=""):
    return f"{LIST}{finding.pk}/{action + '/' if action else ''}"


@pytest.fixture
def api(client, org):
    client.force_login(org.user(XIPENG_COMMUNITY))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_routes_are_where_the_tablet_posts():
    assert reverse("patrol-finding-list") == LIST
    assert reverse("video-patrol-list") == VIDEO


def test_the_tablet_posts_a_finding_and_a_resent_one_is_200_with_the_same(api, org):
    patrol = make_patrol(org)
    body = {
        "client_id": str(uuid.uuid4()),
        "patrol": patrol.pk,
        "kind": "hazard",
        "description": "桥边护栏松动",
        "found_at": (timezone.now() - timedelta(minutes=10)).isoformat(),
        "place": "迎新桥",
        "latitude": 29.3781,
        "longitude": 106.2924,
        "community": org.yingxin.pk,
    }
    first = api.post(LIST, body, content_type="application/json")
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["client_id"] == body["client_id"] and data["patrol"] == patrol.pk
    assert data["status"] == "open" and data["community_name"] == "迎新村"
    assert data["photo_url"] is None and data["incident"] is None
    again = api.post(LIST, body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Finding.objects.count() == 1


def test_the_tablets_finding_without_a_village_gets_the_nearest_one(api, org):
    # What tablet.js sends: the GPS fix, no village (迎新村 is about 60 m away).
    body = {"kind": "hazard", "description": "电线垂落", "latitude": 29.5205, "longitude": 106.52}
    response = api.post(LIST, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["community_name"] == "迎新村"


def test_a_finding_with_a_photo_is_multipart_and_the_photo_is_served_in_scope(api, org, client):
    other = shuangfeng_officer(org)
    response = api.post(
        LIST, {"kind": "suspicious_person", "description": "可疑人员徘徊", "photo": jpeg()}
    )
    assert response.status_code == 201, response.content
    photo_url = response.json()["photo_url"]
    assert photo_url == f"{LIST}{response.json()['id']}/photo/"
    photo = api.get(photo_url)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content).startswith(b"\xff\xd8\xff")
    client.force_login(other)
    assert client.get(photo_url).status_code == 404


def test_a_fake_jpeg_is_refused_and_nothing_is_saved(api):
    response = api.post(LIST, {"kind": "hazard", "description": "x", "photo": fake_jpeg()})
    assert response.status_code == 400
    assert "not accepted" in response.json()["error"]["message"]
    assert not Finding.objects.exists()


def test_missing_kind_or_description_is_400(api):
    response = api.post(LIST, {"place": "x"}, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"kind", "description"}


def test_an_enterprise_visit_with_nothing_found(api, org):
    unit = make_unit(org)
    response = api.post(
        LIST, {"unit": unit.pk, "nothing_found": True}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["kind"] == "other" and data["status"] == "handled"
    assert data["unit_name"] == "西彭铝业有限公司" and data["trouble"] is False


def test_the_tablet_sends_an_enterprise_visit_with_a_photo_as_multipart(api, org):
    unit = make_unit(org)
    response = api.post(LIST, {"unit": unit.pk, "nothing_found": "true", "photo": jpeg()})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["trouble"] is False and data["status"] == "handled" and data["photo_url"]


def test_to_incident_then_again_is_409_and_to_dispute_too(api, org):
    finding = make_finding(org)
    response = api.post(
        url(finding, "to-incident"), {"priority": 1}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    incident = Incident.objects.get()
    assert response.json()["incident"] == incident.pk
    assert response.json()["incident_number"] == incident.number
    assert response.json()["status"] == "handled"
    again = api.post(url(finding, "to-incident"), {}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["error"]["message"] == (
        "This finding has already been turned into an incident."
    )
    dispute = api.post(
        url(finding, "to-dispute"), {"category": "other"}, content_type="application/json"
    )
    assert dispute.status_code == 409
    assert Incident.objects.count() == 1 and not Dispute.objects.exists()


def test_to_dispute_needs_a_category_and_links_the_dispute(api, org):
    finding = make_finding(org, kind="dispute_sign")
    assert (
        api.post(url(finding, "to-dispute"), {}, content_type="application/json").status_code == 400
    )
    response = api.post(
        url(finding, "to-dispute"), {"category": "neighbour"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["dispute"] == Dispute.objects.get().pk


def test_handle_marks_handled_with_the_note(api, org):
    finding = make_finding(org)
    response = api.post(url(finding, "handle"), {"note": "已处置"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "handled" and response.json()["handling_note"] == "已处置"


def test_the_list_filters_by_kind_status_patrol_and_date(api, org):
    patrol = make_patrol(org)
    on_patrol = make_finding(org, patrol=patrol)
    dispute_sign = make_finding(
        org, kind="dispute_sign", found_at=timezone.now() - timedelta(days=2)
    )
    handled = make_finding(org, kind="other")
    api.post(url(handled, "handle"), {"note": "ok"}, content_type="application/json")

    def ids(**params):
        response = api.get(LIST, params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {on_patrol.pk, dispute_sign.pk, handled.pk}
    assert ids(kind="dispute_sign") == {dispute_sign.pk}
    assert ids(status="handled") == {handled.pk}
    assert ids(patrol=patrol.pk) == {on_patrol.pk}
    day = timezone.localtime(dispute_sign.found_at).date().isoformat()
    assert ids(date=day) == {dispute_sign.pk}


def test_another_station_gets_404_everywhere(client, org):
    other = shuangfeng_officer(org)
    finding = make_finding(org)
    patrol = make_patrol(org)
    client.force_login(other)
    assert client.get(url(finding)).status_code == 404
    for action, body in [
        ("to-incident", {}),
        ("to-dispute", {"category": "other"}),
        ("handle", {"note": "x"}),
    ]:
        response = client.post(url(finding, action), body, content_type="application/json")
        assert response.status_code == 404, action
    # Someone else's patrol is "does not exist", like any foreign id.
    response = client.post(
        LIST,
        {"kind": "hazard", "description": "x", "patrol": patrol.pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "patrol" in response.json()["error"]["fields"]
    finding.refresh_from_db()
    assert finding.status == "open"


@pytest.mark.parametrize("persona", [XIPENG_CASE, MEDIATOR])
def test_roles_without_patrols_get_403(client, org, persona):
    finding = make_finding(org)
    client.force_login(org.user(persona))
    assert client.get(LIST).status_code == 403
    assert client.get(url(finding)).status_code == 403
    body = {"kind": "hazard", "description": "x"}
    assert client.post(LIST, body, content_type="application/json").status_code == 403
    for action in ("to-incident", "to-dispute", "handle"):
        assert (
            client.post(url(finding, action), {}, content_type="application/json").status_code
            == 403
        )
    assert client.get(VIDEO).status_code == 403


def test_the_desk_reads_findings_but_does_not_convert_them(client, org):
    finding = make_finding(org)
    client.force_login(org.user(XIPENG_DESK))
    assert client.get(url(finding)).status_code == 200
    response = client.post(url(finding, "to-incident"), {}, content_type="application/json")
    assert response.status_code == 403


def test_the_command_room_logs_a_camera_check_raising_a_finding(client, org):
    client.force_login(org.user(XIPENG_DESK))
    response = client.post(
        VIDEO,
        {
            "kind": "mouse",
            "camera": "园区大门1号球机",
            "observation": "有人翻越围栏",
            "finding_kind": "suspicious_person",
            "finding_description": "一名男子翻越园区围栏",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["finding_kind"] == "suspicious_person" and data["finding"]
    finding = Finding.objects.get(pk=data["finding"])
    assert finding.description == "一名男子翻越园区围栏" and finding.place == "园区大门1号球机"
    listed = client.get(VIDEO).json()["results"]
    assert [row["id"] for row in listed] == [data["id"]]
    assert client.get(f"{VIDEO}{data['id']}/").json()["camera"] == "园区大门1号球机"


def test_a_community_officer_does_not_keep_the_video_log(api):
    body = {"kind": "mouse", "camera": "1号", "observation": "x"}
    assert api.post(VIDEO, body, content_type="application/json").status_code == 403
    assert not VideoPatrol.objects.exists()
