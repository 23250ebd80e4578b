from datetime import timedelta

import pytest
from django.urls import reverse
from freezegun import freeze_time

from apps.core.testing.factories import PASSWORD
from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_DESK


def login(client, username, password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def test_it_shows_the_login_page_in_chinese(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_it_shows_the_login_page_in_english_when_switched(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("accounts:login"))
    assert "Log in" in response.content.decode()


def test_it_logs_a_desk_officer_in_and_shows_their_home(client, org):
    response = login(client, XIPENG_DESK)
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert "西彭派出所" in home.content.decode()


def test_it_rejects_a_wrong_password_with_a_chinese_message(client, org):
    response = login(client, XIPENG_DESK, "wrong")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_it_locks_the_account_out_after_five_failures_even_with_the_right_password(client, org):
    for _ in range(5):
        login(client, XIPENG_DESK, "wrong")
    response = login(client, XIPENG_DESK)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_keyed_on_user_and_address(client, org):
    for _ in range(5):
        login(client, XIPENG_DESK, "wrong")
    # Another officer at the same desk can still log in ...
    assert login(client, SHUANGFENG_DESK).status_code == 302
    client.logout()
    # ... and the same officer from another address too.
    assert login(client, XIPENG_DESK, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, org):
    with freeze_time() as frozen:
        for _ in range(5):
            login(client, XIPENG_DESK, "wrong")
        assert login(client, XIPENG_DESK).status_code == 429
        frozen.tick(timedelta(minutes=16))
        assert login(client, XIPENG_DESK).status_code == 302


@pytest.mark.parametrize(
    "wait, still_in",
    [(timedelta(minutes=29), True), (timedelta(minutes=31), False)],
)
def test_it_ends_a_session_after_thirty_idle_minutes(client, org, wait, still_in):
    with freeze_time() as frozen:
        login(client, XIPENG_DESK)
        frozen.tick(wait)
        response = client.get(reverse("home"))
    assert (response.status_code == 200) is still_in
    if not still_in:
        assert response["Location"].startswith(reverse("accounts:login"))


def test_it_ends_a_busy_session_after_twelve_hours(client, org):
    with freeze_time() as frozen:
        login(client, XIPENG_DESK)
        for _ in range(12 * 4):  # a request every quarter of an hour, for twelve hours
            frozen.tick(timedelta(minutes=15))
            response = client.get(reverse("home"))
        frozen.tick(timedelta(minutes=1))
        response = client.get(reverse("home"))
    assert response.status_code == 302


def test_logout_is_a_post_and_ends_the_session(client, org):
    login(client, XIPENG_DESK)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("home")).status_code == 302
