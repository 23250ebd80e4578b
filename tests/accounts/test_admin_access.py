"""Django admin needs its own permission, and optionally a second factor (django-otp)."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.testing.personas import JLP_ADMIN, XIPENG_LEADER


def current_code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def enrol(client: Client) -> TOTPDevice:
    """Set the authenticator app up through the page, as the admin would."""
    assert client.get(reverse("accounts:otp_setup")).status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("accounts:otp_setup"), {"token": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_staff_without_the_admin_permission_gets_the_admin_login(client, org):
    leader = org.user(XIPENG_LEADER)
    leader.is_staff = True
    leader.save()
    client.force_login(leader)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_sub_bureau_admin_opens_admin_without_a_second_factor_by_default(client, org):
    client.force_login(org.user(JLP_ADMIN))
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.fixture
def otp_required(settings):
    settings.ADMIN_REQUIRE_OTP = True


def test_with_the_second_factor_required_admin_asks_for_the_code(client, org, otp_required):
    client.force_login(org.user(JLP_ADMIN))
    response = client.get(reverse("admin:index"), follow=True)
    # Admin → its login → the code page → (no app yet) the set-up page.
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_setup"))
    assert 'data-testid="otp-qr"' in response.content.decode()


def test_a_confirmed_authenticator_opens_admin_for_the_session(client, org, otp_required):
    client.force_login(org.user(JLP_ADMIN))
    enrol(client)
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_later_session_enters_the_code_before_admin_opens(org, otp_required):
    first = Client()
    first.force_login(org.user(JLP_ADMIN))
    device = enrol(first)
    device.last_t = -1  # the same 30-second code may be used once only
    device.save()

    later = Client()
    later.force_login(org.user(JLP_ADMIN))
    response = later.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_verify"))
    wrong = later.post(reverse("accounts:otp_verify"), {"token": "000000", "next": "/admin/"})
    assert "验证码不正确" in wrong.content.decode()
    assert later.get(reverse("admin:index")).status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong guess above slowed the device down
    device.throttling_failure_timestamp = None
    device.save()
    right = later.post(
        reverse("accounts:otp_verify"), {"token": current_code(device), "next": "/admin/"}
    )
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert later.get(reverse("admin:index")).status_code == 200


def test_the_code_page_does_not_redirect_to_another_site(client, org, otp_required):
    client.force_login(org.user(JLP_ADMIN))
    device = TOTPDevice.objects.create(user=org.user(JLP_ADMIN), name="app", confirmed=True)
    response = client.post(
        reverse("accounts:otp_verify"),
        {"token": current_code(device), "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_an_officer_who_may_not_use_admin_cannot_enrol(client, org, otp_required):
    client.force_login(org.user(XIPENG_LEADER))
    assert client.get(reverse("accounts:otp_setup")).status_code == 403
    assert client.post(reverse("accounts:otp_verify"), {"token": "123456"}).status_code == 403
    assert not TOTPDevice.objects.exists()
