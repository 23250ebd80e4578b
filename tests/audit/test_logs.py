"""Logs (issue 10, item 4): the key journeys — logins with passwords (and lockouts), device
tokens and the API with them, a lookup by ID number, an intake with the caller's phone, a
permit application, a sign-up with an SMS code, a 500 while handling an ID number — log at
DEBUG, and no record holds an ID number, a phone, a password, a token or a code.

The check itself is the suite's guard (tests/conftest.py, LogGuard), active for every test;
these journeys make sure that each kind of record is actually logged while it watches, and
that what the configured handler writes of a 500 is masked.
"""

import logging
from io import StringIO

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from apps.accounts.choices import UserKind
from apps.core.logs import RedactPersonalData
from apps.core.masking import redact
from apps.core.testing.factories import PASSWORD, UserFactory
from apps.core.testing.personas import XIPENG_COMMUNITY, XIPENG_DESK
from tests.registry.factories import PersonFactory

CITIZEN_PHONE = "13912345678"
CALLER_PHONE = "13900001111"
ID_NUMBER = "500107199001011238"  # valid: region, birth date, check character


@pytest.fixture(autouse=True)
def everything_logged(caplog, _log_guard):
    """Every logger at DEBUG (the database's excepted: its SQL is no application log), so
    that the guard sees more than production would write."""
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("django.db.backends").setLevel(logging.WARNING)
        start = len(_log_guard.records)
        yield lambda: _log_guard.records[start:]


def test_the_guard_catches_an_id_number_or_phone_logged_by_the_workbench(_log_guard):
    start = len(_log_guard.records)
    logging.getLogger("apps.audit").warning("looked up %s for %s", ID_NUMBER, CITIZEN_PHONE)
    logging.getLogger("apps.audit").warning("code %s sent", "246810")
    leaks = _log_guard.leaks({"246810"})
    assert len(_log_guard.records) == start + 2
    assert len(leaks) == 2 and "looked up" in leaks[0] and "code" in leaks[1]


def test_logins_and_lockouts_log_no_password_and_no_citizens_phone(client, org, everything_logged):
    UserFactory(username=CITIZEN_PHONE, kind=UserKind.CITIZEN)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post(
            reverse("permits:portal_login"), {"username": CITIZEN_PHONE, "password": "wrong-1"}
        )
    client.post(reverse("accounts:login"), {"username": XIPENG_DESK, "password": "wrong-2"})
    response = client.post(
        reverse("accounts:login"), {"username": XIPENG_DESK, "password": PASSWORD}
    )
    assert response.status_code == 302
    logged = [message for name, message, _t in everything_logged() if name.startswith("axes")]
    assert any("Locking out" in message for message in logged)
    assert not any("wrong-" in message for _n, message, _t in everything_logged())


def test_device_tokens_and_the_api_log_no_token(org, log_secrets, everything_logged):
    api = Client()
    response = api.post(
        reverse("auth-token"),
        {"username": XIPENG_COMMUNITY, "password": PASSWORD, "device": "平板01"},
        content_type="application/json",
    )
    token = response.json()["token"]
    log_secrets.add(token)
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert api.get(reverse("incident-list"), **headers).status_code == 200
    assert (
        api.get(reverse("incident-list"), HTTP_AUTHORIZATION=f"Token {token}x").status_code == 401
    )
    assert api.post(reverse("auth-logout"), **headers).status_code == 204
    assert api.get(reverse("incident-list"), **headers).status_code == 401
    assert everything_logged()  # the 401s were logged, without the token


def test_a_lookup_by_id_number_and_a_refused_one_log_no_number(client, org, everything_logged):
    PersonFactory(station=org.xipeng, id_number=ID_NUMBER, birth_date="1990-01-01")
    client.force_login(org.user(XIPENG_DESK))
    url = reverse("person-lookup")
    assert client.post(url, {"id_number": ID_NUMBER}).status_code == 200
    assert client.post(url, {"id_number": ID_NUMBER[:-1] + "0"}).status_code == 400
    assert client.post(url, {"id_number": "500107199001011246"}).status_code == 404
    assert client.get(f"/registry/persons/{ID_NUMBER}/").status_code == 404
    assert any(ID_NUMBER in message for _n, message, _t in everything_logged())  # the 404's path
    # … which the workbench's handler writes masked (the guard checks that too).


def test_an_intake_and_dispatch_with_the_callers_phone_log_no_phone(client, org, everything_logged):
    from apps.cases.models import Incident, IncidentCategory

    fights = IncidentCategory.objects.create(
        bureau=org.jiulongpo, code="02", name="治安·打架斗殴", kind="public_order"
    )
    fight = IncidentCategory.objects.create(
        bureau=org.jiulongpo, parent=fights, code="0201", name="打架斗殴", kind="public_order"
    )
    client.force_login(org.user(XIPENG_DESK))
    suggestions = client.post(reverse("cases:incident_suggest"), {"caller_phone": CALLER_PHONE})
    assert suggestions.status_code == 200
    assert client.get(reverse("cases:incident_suggest")).status_code == 405  # never in a URL
    intake = {
        "place_text": "迎新村3组",
        "community": org.yingxin.pk,
        "source": "110",
        "client_id": "7b0a4a4e-5a57-4bb2-9d3e-0f1d2c3b4a59",
    }
    response = client.post(
        reverse("cases:incident_create"),
        {**intake, "category": fight.pk, "caller_phone": CALLER_PHONE},
    )
    incident = Incident.objects.get()
    assert response.url == incident.get_absolute_url()
    client.post(reverse("cases:incident_dispatch", args=[incident.pk]), {"post": org.park_post.pk})
    client.force_login(org.user(XIPENG_COMMUNITY))
    client.post(reverse("cases:incident_take", args=[incident.pk]))
    assert Incident.objects.get().status == "dispatched"


def test_a_sign_up_with_an_sms_code_and_a_permit_application_log_neither_code_nor_number(
    client, org, monkeypatch, log_secrets, everything_logged
):
    """Through the default sender, which logs each message it stands in for sending; a
    wrong code is logged (masked phone), the code itself never."""
    from apps.accounts import citizens

    code = "246810"
    monkeypatch.setattr(citizens.secrets, "randbelow", lambda _n: int(code))
    log_secrets.add(code)
    signup = reverse("permits:portal_signup")
    client.post(signup, {"step": "send", "phone": CITIZEN_PHONE})
    assert any(message.startswith("SMS to 139****5678") for _n, message, _t in everything_logged())
    client.post(signup, {"step": "finish", "code": "000000", "password": "Migrant-2026!"})
    assert any("wrong signup code for 139****5678" in m for _n, m, _t in everything_logged())
    log_secrets.add("Migrant-2026!")
    response = client.post(
        signup, {"step": "finish", "code": code, "name": "王小红", "password": "Migrant-2026!"}
    )
    assert response.status_code == 302
    application = {
        "community": org.yingxin.pk,
        "address_text": "迎新村3组12号",
        "name": "王小红",
        "phone": CITIZEN_PHONE,
        "basis": "employment",
        "basis_detail": "园区某公司",
    }
    wrong = client.post(
        reverse("permits:portal_new"), {**application, "id_number": ID_NUMBER[:-1] + "0"}
    )
    assert wrong.status_code == 200
    right = client.post(reverse("permits:portal_new"), {**application, "id_number": ID_NUMBER})
    assert right.status_code == 302
    assert any("ID number refused" in message for _n, message, _t in everything_logged())


def test_a_500_handling_an_id_number_is_written_masked(client, org, monkeypatch):
    """The traceback of a failure holds what the code was handling; the handler of the
    workbench's log (settings.LOGGING) writes it masked."""
    from apps.registry.api import views

    def failing(value):
        raise RuntimeError(f"registry unavailable while looking up {value}")

    monkeypatch.setattr(views, "parse_id_number", failing)
    [handler] = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactPersonalData) for f in h.filters)
    ]
    # Swapped by hand, not with setStream(): that flushes the stream being replaced, which
    # is a test's closed capture file when an earlier test set logging up again.
    written = StringIO()
    previous, handler.stream = handler.stream, written
    try:
        client.raise_request_exception = False
        client.force_login(org.user(XIPENG_DESK))
        response = client.post(reverse("person-lookup"), {"id_number": ID_NUMBER})
    finally:
        handler.stream = previous
    assert response.status_code == 500
    assert "registry unavailable while looking up 50**************38" in written.getvalue()
    assert ID_NUMBER not in written.getvalue()


def test_every_configured_handler_masks_personal_data():
    handlers = settings.LOGGING["handlers"]
    assert handlers and all("personal_data" in h.get("filters", []) for h in handlers.values())
    assert settings.LOGGING["loggers"]["django"]["handlers"] == []  # all reach them


def test_redaction_masks_valid_id_numbers_and_mobiles_only():
    assert (
        redact(f"id {ID_NUMBER}, 手机 139 1234 5678.") == "id 50**************38, 手机 139****5678."
    )
    assert redact("order 500107199001011230 (bad check), 2026-12-02 16:19:12") == (
        "order 500107199001011230 (bad check), 2026-12-02 16:19:12"
    )


def test_the_default_sender_never_writes_what_a_message_says(settings, caplog):
    """Not even with DEBUG on (a demo's portal shows its codes on its own page)."""
    from apps.core.notifications import LogSender

    with caplog.at_level(logging.INFO, logger="apps.core.notifications"):
        LogSender().send(phone=CITIZEN_PHONE, title="申请已受理", body="")
        settings.DEBUG = True
        LogSender().send(phone=CITIZEN_PHONE, title="验证码 123456", body="")
    assert caplog.messages == [
        "SMS to 139****5678 (5 characters)",
        "SMS to 139****5678 (10 characters)",
    ]
