"""Who a string of wrong passwords locks out: that user on that address (never the officer
elsewhere), and an address that fails across many usernames (LOGIN_ADDRESS_FAILURE_LIMIT)."""

from datetime import timedelta

from django.urls import reverse
from freezegun import freeze_time

from apps.core.testing.factories import PASSWORD
from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_DESK

A, B = "203.0.113.7", "198.51.100.20"


def login(client, username, password=PASSWORD, address=A):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_a_lockout_from_one_address_does_not_lock_the_user_at_another(client, org):
    for _ in range(5):
        login(client, XIPENG_DESK, "wrong", address=A)
    assert login(client, XIPENG_DESK, address=A).status_code == 429
    assert login(client, XIPENG_DESK, address=B).status_code == 302


def test_an_address_failing_across_usernames_is_refused_for_everyone(client, org, settings):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20
    codes = [login(client, f"guess{i}", "wrong").status_code for i in range(20)]
    # One try at each of twenty names: no name reaches its own lockout ...
    assert codes[:19] == [200] * 19
    # ... but the twentieth failure from the address locks the address.
    assert codes[19] == 429
    refused = login(client, XIPENG_DESK)
    assert refused.status_code == 429
    assert "来自此网络地址的登录失败次数过多" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not held back, nor is the refused address for ever.
    assert login(client, SHUANGFENG_DESK, address=B).status_code == 302


def test_the_address_lock_ends_after_the_cool_off(client, org):
    with freeze_time() as frozen:
        for i in range(20):
            login(client, f"guess{i}", "wrong")
        assert login(client, XIPENG_DESK).status_code == 429
        frozen.tick(timedelta(minutes=16))
        assert login(client, XIPENG_DESK).status_code == 302


def test_the_token_endpoint_shares_the_address_lock(client, org, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "1000/min"},
    }
    for i in range(20):
        login(client, f"guess{i}", "wrong")
    response = client.post(
        reverse("auth-token"),
        {"username": XIPENG_DESK, "password": PASSWORD, "device": "平板"},
        content_type="application/json",
        REMOTE_ADDR=A,
    )
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "locked_out"
    assert "网络地址" in error["message"]
