"""A citizen's phone as their account: sign-up, login and password reset by SMS code, and
the rules of the codes (six digits, a keyed hash at rest, five minutes, five attempts, once,
limits per phone and per address, never in a log)."""

import logging
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from freezegun import freeze_time

from apps.accounts import citizens, roles
from apps.accounts.choices import CodePurpose, UserKind
from apps.accounts.models import DeviceToken, PhoneCode, User
from apps.accounts.services import device_token_issue
from apps.core.errors import DomainError
from apps.core.testing.factories import PASSWORD, UserFactory
from apps.core.testing.personas import XIPENG_DESK

PHONE = "13912345678"
SENT: list[tuple[str, str]] = []


class RecordingSender:
    """The SMS gateway's stand-in: what would have been texted."""

    def send(self, *, phone, title, body):
        SENT.append((phone, title))


class BrokenSender:
    def send(self, *, phone, title, body):
        raise ConnectionError(f"gateway down while sending {title}")


@pytest.fixture(autouse=True)
def sms(settings, caplog, log_secrets):
    settings.NOTIFICATION_SENDER = "tests.accounts.test_citizen_codes.RecordingSender"
    SENT.clear()
    # Every record is made (and so checked by the suite's log guard for the codes).
    caplog.set_level(logging.DEBUG)
    yield SENT
    log_secrets.update(code_in(title) for _, title in SENT)


def code_in(text: str) -> str:
    return re.search(r"\d{6}", text).group()


def last_code() -> str:
    return code_in(SENT[-1][1])


@pytest.fixture
def holder(db):
    """A citizen whose account name is their phone."""
    return UserFactory(username=PHONE, phone=PHONE, kind=UserKind.CITIZEN, role=roles.CITIZEN)


def send(purpose=CodePurpose.LOGIN, phone=PHONE, ip="10.0.0.1"):
    return citizens.phone_code_send(phone=phone, purpose=purpose, client_ip=ip)


# --- the codes -------------------------------------------------------------------------------


def test_a_code_is_six_digits_texted_to_the_phone_and_kept_only_as_a_keyed_hash(holder):
    code = send()
    assert re.fullmatch(r"\d{6}", code)
    assert [(PHONE, SENT[0][1])] == SENT and code in SENT[0][1] and "5" in SENT[0][1]
    stored = PhoneCode.objects.get()
    assert stored.purpose == CodePurpose.LOGIN
    assert code not in stored.code_hash and len(stored.code_hash) == 64


def test_a_code_expires_after_five_minutes(holder):
    with freeze_time("2026-03-01 10:00") as frozen:
        code = send()
        frozen.tick(timedelta(minutes=5, seconds=1))
        assert citizens.citizen_by_code(phone=PHONE, code=code) is None
    with freeze_time("2026-03-01 11:00") as frozen:
        code = send()
        frozen.tick(timedelta(minutes=4, seconds=50))
        assert citizens.citizen_by_code(phone=PHONE, code=code) == holder


def test_a_code_takes_five_wrong_attempts_then_not_even_the_right_one(holder):
    code = send()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(citizens.CODE_ATTEMPTS):
        assert citizens.citizen_by_code(phone=PHONE, code=wrong) is None
    assert PhoneCode.objects.get().attempts == citizens.CODE_ATTEMPTS
    assert citizens.citizen_by_code(phone=PHONE, code=code) is None


def test_a_code_is_used_once_and_only_for_its_purpose(holder):
    with freeze_time("2026-03-01 10:00") as frozen:
        reset_code = send(CodePurpose.RESET)
        assert citizens.citizen_by_code(phone=PHONE, code=reset_code) is None
        frozen.tick(timedelta(minutes=1, seconds=1))
        code = send()
        assert citizens.citizen_by_code(phone=PHONE, code=code) == holder
        assert citizens.citizen_by_code(phone=PHONE, code=code) is None


def test_only_the_latest_code_counts(holder):
    with freeze_time("2026-03-01 10:00") as frozen:
        first = send()
        frozen.tick(timedelta(minutes=1, seconds=1))
        second = send()
        if first != second:
            assert citizens.citizen_by_code(phone=PHONE, code=first) is None
        assert citizens.citizen_by_code(phone=PHONE, code=second) == holder


def test_one_code_a_minute_and_five_an_hour_per_phone_whatever_the_purpose(holder):
    with freeze_time("2026-03-01 10:00") as frozen:
        send()
        with pytest.raises(DomainError, match="秒") as refused:
            send(CodePurpose.RESET, ip="10.0.0.2")
        assert refused.value.code == "throttled"
        for _ in range(citizens.CODES_PER_HOUR_PER_PHONE - 1):
            frozen.tick(timedelta(minutes=1, seconds=1))
            send()
        frozen.tick(timedelta(minutes=1, seconds=1))
        with pytest.raises(DomainError, match="一小时"):
            send()
        assert len(SENT) == citizens.CODES_PER_HOUR_PER_PHONE
        frozen.tick(timedelta(hours=1))
        send()


def test_ten_code_requests_an_hour_per_address(db):
    for n in range(citizens.CODES_PER_HOUR_PER_ADDRESS):
        send(CodePurpose.SIGNUP, phone=f"1390000{n:04d}")
    with pytest.raises(DomainError) as refused:
        send(CodePurpose.SIGNUP, phone="13800001111")
    assert refused.value.code == "throttled"
    assert not PhoneCode.objects.filter(phone="13800001111").exists()
    send(CodePurpose.SIGNUP, phone="13800001111", ip="10.9.9.9")


def test_codes_go_to_citizens_accounts_only(org, holder):
    with pytest.raises(DomainError) as refused:
        send(phone="13700000000")
    assert refused.value.code == "no_account"
    # An officer's account is not named by a phone, and an officer's phone takes no code.
    UserFactory(username="13600000000", kind=UserKind.OFFICER)
    with pytest.raises(DomainError):
        send(phone="13600000000")
    with pytest.raises(DomainError, match="已注册"):
        send(CodePurpose.SIGNUP)
    assert SENT == []


def test_a_gateway_failure_says_so_keeps_no_code_and_logs_no_text(settings, holder, caplog):
    settings.NOTIFICATION_SENDER = "tests.accounts.test_citizen_codes.BrokenSender"
    with pytest.raises(DomainError) as refused:
        send()
    assert refused.value.code == "sms_failed"
    assert not PhoneCode.objects.exists()
    assert "ConnectionError" in caplog.text
    assert "gateway down" not in caplog.text


# --- sign-up ---------------------------------------------------------------------------------


def test_sign_up_asks_for_the_phone_once(client, org):
    url = reverse("permits:portal_signup")
    first = client.get(url).content.decode()
    assert first.count('name="phone"') == 1
    sent = client.post(url, {"step": "send", "phone": "139 1234 5678"})
    assert sent.status_code == 200
    page = sent.content.decode()
    assert 'name="phone"' not in page  # step two: the code, the name and the password
    assert "139****5678" in page and PHONE not in page
    assert SENT[-1][0] == PHONE
    response = client.post(
        url, {"step": "finish", "code": last_code(), "name": "王小红", "password": "Migrant-2026!"}
    )
    assert response.status_code == 302 and response.url == reverse("permits:portal_home")
    user = User.objects.get(username=PHONE)
    assert (
        user.kind == UserKind.CITIZEN and user.phone == PHONE and user.get_full_name() == "王小红"
    )
    assert user.groups.filter(name=roles.CITIZEN).exists()
    assert client.get(reverse("permits:portal_home")).status_code == 200


def test_sign_up_refuses_a_wrong_code_and_a_weak_password_and_keeps_the_code_for_a_retry(
    client, org
):
    url = reverse("permits:portal_signup")
    client.post(url, {"step": "send", "phone": PHONE})
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(url, {"step": "finish", "code": wrong, "password": "Migrant-2026!"})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    weak = client.post(url, {"step": "finish", "code": code, "password": "12345678"})
    assert weak.status_code == 400
    assert not User.objects.filter(username=PHONE).exists()
    assert PhoneCode.objects.get().used_at is None
    done = client.post(url, {"step": "finish", "code": code, "password": "Migrant-2026!"})
    assert done.status_code == 302


def test_sign_up_can_change_the_number_and_shows_the_code_in_a_demo_only(client, org, settings):
    url = reverse("permits:portal_signup")
    client.post(url, {"step": "send", "phone": PHONE})
    assert 'id="demo-code"' not in client.get(url).content.decode()
    again = client.post(url, {"step": "change"})
    assert again.content.decode().count('name="phone"') == 1
    settings.DEBUG = True
    demo = client.post(url, {"step": "send", "phone": "13912340000"}).content.decode()
    assert f"验证码是 {last_code()}" in demo


def test_sign_up_refuses_a_phone_with_an_account_and_a_second_code_within_a_minute(
    client, org, holder
):
    url = reverse("permits:portal_signup")
    response = client.post(url, {"step": "send", "phone": PHONE})
    assert response.status_code == 400 and "已注册" in response.content.decode()
    client.post(url, {"step": "send", "phone": "13900001111"})
    resend = client.post(url, {"step": "resend"})
    assert resend.status_code == 429
    assert len(SENT) == 1


# --- login by code ---------------------------------------------------------------------------


def code_login(client, step, **data):
    return client.post(reverse("permits:portal_code_login"), {"step": step, **data})


def test_a_citizen_logs_in_with_a_code_and_lands_on_the_portal(client, holder):
    assert code_login(client, "send", phone=PHONE).status_code == 200
    response = code_login(client, "finish", code=last_code())
    assert response.status_code == 302 and response.url == reverse("permits:portal_home")
    assert client.session["_auth_user_id"] == str(holder.pk)
    # Permissions come with the login as with a password.
    assert client.get(reverse("permits:portal_new")).status_code == 200


def test_login_by_code_follows_next_within_the_site_only(client, holder):
    url = reverse("permits:portal_code_login")
    client.post(url, {"step": "send", "phone": PHONE, "next": "/apply/new/"})
    response = client.post(url, {"step": "finish", "code": last_code(), "next": "/apply/new/"})
    assert response.url == "/apply/new/"
    client.logout()
    with freeze_time() as frozen:
        frozen.tick(timedelta(minutes=2))
        client.post(url, {"step": "send", "phone": PHONE})
        response = client.post(
            url, {"step": "finish", "code": last_code(), "next": "https://evil.example/"}
        )
    assert response.url == reverse("permits:portal_home")


def test_wrong_codes_lock_the_phone_out_like_wrong_passwords(client, holder):
    code_login(client, "send", phone=PHONE)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        response = code_login(client, "finish", code=wrong)
        assert response.status_code == 400 and "验证码不正确或已过期" in response.content.decode()
    locked = code_login(client, "finish", code=wrong)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录失败次数过多" in page and 'id="login-form"' in page  # the portal's login
    # Locked: a fresh, right code does not log in, nor does the password.
    with freeze_time() as frozen:
        frozen.tick(timedelta(minutes=2))
        code_login(client, "send", phone=PHONE)
        assert code_login(client, "finish", code=last_code()).status_code == 429
    password = client.post(
        reverse("permits:portal_login"), {"username": PHONE, "password": PASSWORD}
    )
    assert password.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_officer_cannot_log_in_by_code(client, org):
    officer = org.user(XIPENG_DESK)
    officer.username, officer.phone = "13600000000", "13600000000"
    officer.save()
    response = code_login(client, "send", phone="13600000000")
    assert response.status_code == 400 and "请先注册" in response.content.decode()
    assert SENT == []


# --- password reset --------------------------------------------------------------------------


def reset(client, step, **data):
    return client.post(reverse("permits:portal_password_reset"), {"step": step, **data})


def test_a_citizen_resets_the_password_with_a_code_and_everything_else_is_logged_out(
    client, holder
):
    elsewhere = type(client)()
    elsewhere.force_login(holder)
    device_token_issue(user=holder, device="phone")
    reset(client, "send", phone=PHONE)
    response = reset(client, "finish", code=last_code(), password="Neues-Passwort-9")
    assert response.status_code == 302 and response.url == reverse("permits:portal_login")
    # The login page offers the phone once, and the new password works, the old not.
    assert f'value="{PHONE}"' in client.get(response.url).content.decode()
    old = client.post(reverse("permits:portal_login"), {"username": PHONE, "password": PASSWORD})
    assert old.status_code == 200
    new = client.post(
        reverse("permits:portal_login"), {"username": PHONE, "password": "Neues-Passwort-9"}
    )
    assert new.status_code == 302
    assert elsewhere.get(reverse("permits:portal_home")).status_code == 302  # session ended
    assert not DeviceToken.objects.filter(user=holder).exists()


def test_a_reset_lifts_a_lockout(client, holder):
    for _ in range(5):
        client.post(reverse("permits:portal_login"), {"username": PHONE, "password": "wrong"})
    assert (
        client.post(
            reverse("permits:portal_login"), {"username": PHONE, "password": PASSWORD}
        ).status_code
        == 429
    )
    reset(client, "send", phone=PHONE)
    reset(client, "finish", code=last_code(), password="Neues-Passwort-9")
    response = client.post(
        reverse("permits:portal_login"), {"username": PHONE, "password": "Neues-Passwort-9"}
    )
    assert response.status_code == 302


def test_a_reset_with_a_wrong_code_changes_nothing(client, holder):
    reset(client, "send", phone=PHONE)
    wrong = "000000" if last_code() != "000000" else "111111"
    response = reset(client, "finish", code=wrong, password="Neues-Passwort-9")
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    holder.refresh_from_db()
    assert holder.check_password(PASSWORD)


def test_the_portal_pages_lead_to_the_portal_and_its_logins_to_each_other(client, db):
    page = client.get(reverse("permits:portal_login")).content.decode()
    assert 'id="portal-brand"' in page and f'href="{reverse("permits:portal_home")}"' in page
    for name in ("portal_code_login", "portal_password_reset", "portal_signup"):
        assert reverse(f"permits:{name}") in page
        assert 'id="portal-brand"' in client.get(reverse(f"permits:{name}")).content.decode()


def test_the_code_goes_to_the_broker_and_the_request_does_not_wait_for_the_gateway(
    holder, monkeypatch
):
    # With a broker, the request only hands the text to a task (with the code's expiry);
    # the gateway is called by the worker.
    from apps.accounts.tasks import phone_code_send_task

    handed = []
    monkeypatch.setattr(
        phone_code_send_task, "apply_async", lambda args, **options: handed.append((args, options))
    )
    code = send(CodePurpose.LOGIN)
    assert SENT == []
    (((code_id, phone, text), options),) = handed
    assert code in text and options["expires"] == 300
    assert PhoneCode.objects.filter(pk=code_id, phone=phone).exists()
    phone_code_send_task.run(code_id, phone, text)
    assert len(SENT) == 1
