from datetime import timedelta

from django.urls import reverse
from freezegun import freeze_time

from apps.accounts.auth import DeviceTokenAuthentication
from apps.accounts.models import DeviceToken
from apps.accounts.services import device_token_issue
from apps.core.testing.factories import PASSWORD
from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_COMMUNITY


def issue(client, username=XIPENG_COMMUNITY, password=PASSWORD, device="平板-01", **extra):
    return client.post(
        reverse("auth-token"),
        {"username": username, "password": password, "device": device},
        content_type="application/json",
        **extra,
    )


def as_token(token):
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def test_it_issues_a_device_token_that_authenticates_api_calls(client, org):
    response = issue(client)
    assert response.status_code == 201
    body = response.json()
    assert body["device"] == "平板-01"
    assert body["user"]["username"] == XIPENG_COMMUNITY
    me = client.get(reverse("auth-me"), **as_token(body["token"]))
    assert me.status_code == 200
    assert me.json()["station"] == org.xipeng.pk


def test_it_stores_only_a_hash_of_the_token(client, org):
    token = issue(client).json()["token"]
    row = DeviceToken.objects.get()
    assert token not in (row.digest, row.token_key)
    assert len(row.digest) == 128


def test_it_refuses_a_wrong_password_with_one_error_shape(client, org):
    response = issue(client, password="wrong")
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "not_authenticated",
        "message": "用户名或密码错误。",
    }


def test_it_rejects_a_token_after_it_expires(client, org):
    with freeze_time() as frozen:
        token = issue(client).json()["token"]
        frozen.tick(timedelta(days=29))
        assert client.get(reverse("auth-me"), **as_token(token)).status_code == 200
        frozen.tick(timedelta(days=2))
        response = client.get(reverse("auth-me"), **as_token(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_revoked_token_stops_working_at_once(client, org):
    token = issue(client).json()["token"]
    assert client.get(reverse("auth-me"), **as_token(token)).status_code == 200  # now cached
    key = DeviceToken.objects.get().token_key
    client.force_login(org.user(XIPENG_COMMUNITY))
    assert client.delete(reverse("device-token-detail", args=[key])).status_code == 204
    client.logout()
    assert client.get(reverse("auth-me"), **as_token(token)).status_code == 401


def test_logout_revokes_only_the_token_it_is_sent_with(client, org):
    first = issue(client, device="平板-01").json()["token"]
    second = issue(client, device="手机").json()["token"]
    assert client.post(reverse("auth-logout"), **as_token(first)).status_code == 204
    assert client.get(reverse("auth-me"), **as_token(first)).status_code == 401
    assert client.get(reverse("auth-me"), **as_token(second)).status_code == 200


def test_a_user_cannot_see_or_revoke_another_users_token(client, org):
    issue(client, username=SHUANGFENG_DESK)
    other_key = DeviceToken.objects.get().token_key
    client.force_login(org.user(XIPENG_COMMUNITY))
    assert client.get(reverse("device-token-list")).json()["results"] == []
    assert client.delete(reverse("device-token-detail", args=[other_key])).status_code == 404
    assert DeviceToken.objects.count() == 1


def test_the_devices_page_lists_and_revokes_my_tokens(client, org):
    issue(client, device="巡逻平板")
    client.force_login(org.user(XIPENG_COMMUNITY))
    page = client.get(reverse("accounts:devices"))
    assert "巡逻平板" in page.content.decode()
    key = DeviceToken.objects.get().token_key
    client.post(reverse("accounts:device_revoke", args=[key]))
    assert not DeviceToken.objects.exists()


def test_the_token_endpoint_is_rate_limited(client, org):
    # Different usernames, so that this is the throttle and not the per-user lockout.
    responses = [issue(client, username=f"nobody{i}", password="wrong") for i in range(11)]
    assert [r.status_code for r in responses[:10]] == [401] * 10
    assert responses[10].status_code == 429
    assert responses[10].json()["error"]["code"] == "throttled"


def test_the_token_endpoint_locks_out_after_repeated_failures(client, org, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "1000/min"},
    }
    for _ in range(5):
        issue(client, password="wrong")
    response = issue(client)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"


def test_a_call_with_a_token_reads_it_in_one_query(org, rf, django_assert_num_queries):
    _, secret = device_token_issue(user=org.user(XIPENG_COMMUNITY), device="平板-01")
    request = rf.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {secret}")
    with django_assert_num_queries(1):
        user, token = DeviceTokenAuthentication().authenticate(request)
    assert user == org.user(XIPENG_COMMUNITY) and token.device == "平板-01"


def test_an_expired_token_is_deleted_when_shown_and_the_rest_when_a_new_one_is_issued(client, org):
    with freeze_time() as frozen:
        shown = issue(client, device="平板-01").json()["token"]
        issue(client, device="手机")
        frozen.tick(timedelta(days=31))
        assert client.get(reverse("auth-me"), **as_token(shown)).status_code == 401
        assert list(DeviceToken.objects.values_list("device", flat=True)) == ["手机"]
        assert issue(client, device="新平板").status_code == 201
    assert list(DeviceToken.objects.values_list("device", flat=True)) == ["新平板"]
