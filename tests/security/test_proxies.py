"""One idea of where a request comes from (apps.core.clients.client_address, set by
TRUSTED_PROXIES): the API throttles, the public pages' limits, the login lockout and the
access log all follow it, and a client cannot move them by writing X-Forwarded-For."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from apps.core.clients import client_address
from apps.core.testing.factories import PASSWORD
from apps.core.testing.personas import XIPENG_DESK

PROXY = "172.18.0.5"  # the TLS proxy in front of the app


def request(remote=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


# --- the setting ------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [(None, 0), ("1", 1), ("2", 2)])
def test_one_setting_decides_the_address_for_drf_and_axes(value, expected):
    from tests.core.test_settings import run_django

    env = {"DEBUG": "true"} if value is None else {"DEBUG": "true", "TRUSTED_PROXIES": value}
    result = run_django(
        "from django.conf import settings as s\n"
        "print(s.TRUSTED_PROXIES, s.REST_FRAMEWORK['NUM_PROXIES'], s.AXES_CLIENT_IP_CALLABLE)",
        **env,
    )
    assert result.stdout.split() == [
        str(expected),
        str(expected),
        "apps.core.clients.client_address",
    ]


def test_a_negative_number_of_proxies_stops_start_up():
    from tests.core.test_settings import run_django

    result = run_django("", DEBUG="true", TRUSTED_PROXIES="-1")
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr


# --- the function ----------------------------------------------------------------------------


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_address(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (1, "203.0.113.7", "203.0.113.7"),
        # Whatever the client wrote stands left of what our proxy appended.
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6,203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (1, "2001:db8::1", "2001:db8::1"),
        # A chain shorter than our proxies, or no address at all: nothing is vouched for.
        (2, "203.0.113.7", PROXY),
        (1, None, PROXY),
        (1, "", PROXY),
        (1, "6.6.6.6, not-an-address", PROXY),
    ],
)
def test_with_n_proxies_the_nth_address_from_the_right_is_the_client(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXIES = proxies
    assert client_address(request(PROXY, forwarded)) == expected


# --- the token endpoint's throttle -------------------------------------------------------------


def issue(client, i, **extra):
    return client.post(
        reverse("auth-token"),
        {"username": f"nobody{i}", "password": "wrong", "device": "平板"},
        content_type="application/json",
        **extra,
    )


def test_rotating_the_header_does_not_lift_the_token_limit(client, org, settings):
    settings.TRUSTED_PROXIES = 0
    codes = [
        issue(client, i, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(11)
    ]
    assert codes == [401] * 10 + [429]


def test_behind_a_proxy_each_client_has_its_own_token_limit(client, org, settings):
    settings.TRUSTED_PROXIES = 1
    for i in range(10):
        # The client forges the left part; the proxy appends the real address.
        assert issue(client, i, HTTP_X_FORWARDED_FOR=f"6.6.6.{i}, 203.0.113.7").status_code == 401
    assert issue(client, 10, HTTP_X_FORWARDED_FOR="6.6.6.99, 203.0.113.7").status_code == 429
    # Another client behind the same proxy is not held back by the first.
    assert issue(client, 11, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 401


# --- the public pages ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_verification_limit_follows_the_client_behind_the_proxy(client, settings):
    from apps.permits import verify

    settings.TRUSTED_PROXIES = 1
    url = reverse("permits:verify", args=["guess"])
    for i in range(verify.VERIFY_PER_MINUTE):
        assert client.get(url, HTTP_X_FORWARDED_FOR=f"6.6.{i}.1, 203.0.113.7").status_code == 404
    assert client.get(url, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7").status_code == 429
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 404


@pytest.mark.django_db
def test_the_verification_limit_ignores_the_header_without_a_proxy(client, settings):
    from apps.permits import verify

    settings.TRUSTED_PROXIES = 0
    url = reverse("permits:verify", args=["guess"])
    for i in range(verify.VERIFY_PER_MINUTE):
        client.get(url, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.250").status_code == 429


def test_sms_codes_are_counted_per_client_behind_the_proxy(client, org, settings, monkeypatch):
    from apps.accounts import citizens

    asked_from = []

    def phone_code_send(*, phone, purpose, client_ip):
        asked_from.append(client_ip)
        return "123456"

    monkeypatch.setattr(citizens, "phone_code_send", phone_code_send)
    settings.TRUSTED_PROXIES = 1
    client.post(
        reverse("permits:portal_signup"),
        {"step": "send", "phone": "13912345678"},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
    )
    assert asked_from == ["203.0.113.7"]


# --- the login lockout ---------------------------------------------------------------------------


def login(client, password, forwarded, username=XIPENG_DESK):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_without_a_proxy_a_forged_header_does_not_escape_the_lockout(client, org, settings):
    settings.TRUSTED_PROXIES = 0
    for i in range(5):
        login(client, "wrong", f"198.51.100.{i}")
    assert login(client, PASSWORD, "198.51.100.99").status_code == 429


def test_behind_a_proxy_the_lockout_is_the_clients_not_the_proxys(client, org, settings):
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXIES = 1
    for i in range(5):
        login(client, "wrong", f"6.6.6.{i}, 203.0.113.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    assert login(client, PASSWORD, "6.6.6.99, 203.0.113.7").status_code == 429
    # The same officer at another desk behind the same proxy still logs in.
    assert login(client, PASSWORD, "203.0.113.8").status_code == 302


# --- the access log ----------------------------------------------------------------------------


def test_the_access_log_says_where_from_as_the_limits_do(org, settings):
    from apps.core.models import AccessLog
    from apps.core.services import personal_data_reveal
    from tests.registry.factories import PersonFactory

    settings.TRUSTED_PROXIES = 1
    person = PersonFactory(station=org.xipeng)
    seen = request(PROXY, "6.6.6.6, 203.0.113.7")
    personal_data_reveal(by=org.user(XIPENG_DESK), obj=person, field="id_number", request=seen)
    assert AccessLog.objects.get().ip_address == "203.0.113.7"
