import uuid

from django.urls import reverse

from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_DESK, XIPENG_LEADER
from apps.stations.models import Community, Post, ServiceLog


def test_it_creates_a_post_with_a_json_body(client, org):
    client.force_login(org.user(XIPENG_LEADER))
    response = client.post(
        reverse("post-list"),
        {
            "station": org.xipeng.pk,
            "name": "宝华村警务室",
            "kind": "room",
            "latitude": "29.30",
            "longitude": "106.35",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Post.objects.filter(name="宝华村警务室", station=org.xipeng).exists()


def test_it_rejects_another_stations_id_as_unknown_in_one_error_shape(client, org):
    client.force_login(org.user(XIPENG_LEADER))
    response = client.post(
        reverse("post-list"),
        {
            "station": org.shuangfeng.pk,
            "name": "越权警务站",
            "kind": "post",
            "latitude": "29.7",
            "longitude": "106.6",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "数据无效。"
    assert "station" in error["fields"]
    assert not Post.objects.filter(name="越权警务站").exists()


def test_it_applies_the_models_own_rules(client, org):
    client.force_login(org.user(XIPENG_LEADER))
    response = client.post(
        reverse("community-list"),
        {
            "station": org.xipeng.pk,
            "name": "错配村",
            "kind": "village",
            "post": org.shuangfeng_post.pk,
            "latitude": "29.3",
            "longitude": "106.3",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "post" in response.json()["error"]["fields"]
    assert not Community.objects.filter(name="错配村").exists()


def test_a_masked_phone_sent_back_keeps_the_stored_number(client, org):
    from apps.core.testing.factories import StaffAssignmentFactory

    staff = StaffAssignmentFactory(station=org.xipeng, phone="13983001234")
    client.force_login(org.user(XIPENG_LEADER))
    url = reverse("staffassignment-detail", args=[staff.pk])
    body = client.get(url).json()
    body["duty"] = "楼栋长"
    assert client.put(url, body, content_type="application/json").status_code == 200
    staff.refresh_from_db()
    assert (staff.phone, staff.duty) == ("13983001234", "楼栋长")


def test_service_logs_are_idempotent_by_client_id(client, org):
    client.force_login(org.user(XIPENG_DESK))
    body = {"kind": "consultation", "post": org.park_post.pk, "client_id": str(uuid.uuid4())}
    first = client.post(reverse("servicelog-list"), body, content_type="application/json")
    again = client.post(reverse("servicelog-list"), body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert ServiceLog.objects.count() == 1


def test_a_service_log_for_another_stations_post_is_404(client, org):
    client.force_login(org.user(SHUANGFENG_DESK))
    response = client.post(
        reverse("servicelog-list"),
        {"kind": "consultation", "post": org.park_post.pk},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not ServiceLog.objects.exists()


def test_api_errors_speak_english_when_asked(client, org):
    client.force_login(org.user(XIPENG_DESK))
    response = client.get(reverse("post-detail", args=[999999]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "Not found."}


def test_unauthenticated_api_calls_get_401_in_chinese(client, db):
    response = client.get(reverse("post-list"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.json()["error"]["message"] == "身份认证信息未提供。"


def test_service_logs_use_a_cursor_and_never_count_the_table(client, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.core.testing.factories import ServiceLogFactory

    ServiceLogFactory.create_batch(60, station=org.xipeng, recorded_by=org.user(XIPENG_DESK))
    client.force_login(org.user(XIPENG_DESK))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("servicelog-list")).json()
    assert "count" not in page and page["next"]
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]
    rest = client.get(page["next"]).json()
    ids = [row["id"] for row in page["results"] + rest["results"]]
    assert len(ids) == len(set(ids)) == 60
    assert rest["next"] is None
