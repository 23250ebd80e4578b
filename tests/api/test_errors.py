"""The one JSON error shape, for every kind of API error."""

from unittest import mock

from django.db.utils import OperationalError
from django.urls import reverse

from apps.core.testing.personas import XIPENG_DESK, XIPENG_LEADER


def error(response):
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"])
    return body["error"]


def test_method_not_allowed(client, org):
    client.force_login(org.user(XIPENG_LEADER))
    response = client.delete(reverse("post-detail", args=[org.park_post.pk]))
    assert response.status_code == 405
    assert error(response)["code"] == "method_not_allowed"


def test_unsupported_media_type(client, org):
    client.force_login(org.user(XIPENG_LEADER))
    response = client.post(reverse("post-list"), "name=x", content_type="text/plain")
    assert response.status_code == 415
    assert error(response)["code"] == "unsupported_media_type"


def test_missing_role_permission(client, org):
    client.force_login(org.user(XIPENG_DESK))
    response = client.post(reverse("post-list"), {}, content_type="application/json")
    assert response.status_code == 403
    assert error(response)["code"] == "permission_denied"


def test_malformed_json(client, org):
    client.force_login(org.user(XIPENG_LEADER))
    response = client.post(reverse("post-list"), "{not json", content_type="application/json")
    assert response.status_code == 400
    assert error(response) == {
        "code": "invalid",
        "message": "无法读取请求体：请发送格式正确的 JSON 或表单。",  # not Python's English
    }


def test_an_unrouted_api_path_is_a_json_404(client, org):
    client.force_login(org.user(XIPENG_DESK))
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert error(response) == {"code": "not_found", "message": "未找到。"}


def test_database_unavailable_is_a_503_with_retry_after(client, org):
    client.force_login(org.user(XIPENG_DESK))
    with mock.patch(
        "apps.stations.api.views.PostViewSet.get_queryset", side_effect=OperationalError("down")
    ):
        response = client.get(reverse("post-list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert error(response)["code"] == "unavailable"


def test_a_page_size_that_is_no_whole_number_is_refused(client, org):
    client.force_login(org.user(XIPENG_DESK))
    for bad in ("null", "0", "201", "-3"):
        response = client.get(reverse("post-list") + f"?page_size={bad}")
        assert response.status_code == 400, bad
        assert "page_size" in error(response)["fields"]
    assert client.get(reverse("post-list") + "?page_size=200").status_code == 200


def test_a_page_that_is_no_whole_number_is_refused_and_one_past_the_last_is_not_found(client, org):
    client.force_login(org.user(XIPENG_DESK))
    for bad in ("", "abc", "0", "-1", "1.5"):
        response = client.get(reverse("post-list") + f"?page={bad}")
        assert response.status_code == 400, bad
        assert "page" in error(response)["fields"]
    for good in ("1", "last"):
        assert client.get(reverse("post-list") + f"?page={good}").status_code == 200, good
    assert client.get(reverse("post-list") + "?page=99").status_code == 404


def test_an_empty_typed_filter_is_refused_not_ignored(client, org):
    client.force_login(org.user(XIPENG_DESK))
    response = client.get(reverse("address-list"), {"station": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "station" in str(error(response))
    assert "此筛选条件需要一个值" in str(error(response))
    # A text filter may be empty; a given id filters.
    assert client.get(reverse("address-list"), {"station": org.xipeng.pk}).status_code == 200
