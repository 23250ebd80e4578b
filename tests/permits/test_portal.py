"""The citizen's journey on the phone: sign up with an SMS code, register the residence,
upload, submit, answer the officer's request, keep the certificate, apply for the permit."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from apps.accounts import roles
from apps.accounts.choices import UserKind
from apps.accounts.models import User
from apps.core.models import Notification
from apps.core.testing.factories import UserFactory
from apps.permits import services
from apps.permits.choices import ApplicationKind, ApplicationStatus
from apps.permits.models import PermitApplication, SignupCode

from .conftest import ID_NUMBER, REGISTRATION_DOCUMENTS, image_bytes, upload

SENT = []


class RecordingSender:
    """Stands in for the SMS gateway: what would have been texted."""

    def send(self, *, phone, title, body):
        SENT.append((phone, title))


@pytest.fixture(autouse=True)
def sms(settings):
    settings.NOTIFICATION_SENDER = "tests.permits.test_portal.RecordingSender"
    SENT.clear()
    return SENT


def last_code() -> str:
    return "".join(ch for ch in SENT[-1][1] if ch.isdigit())[:6]


@pytest.mark.django_db
def test_a_citizen_signs_up_with_a_code_sent_to_the_phone(client, org):
    response = client.post(reverse("permits:portal_signup"), {"phone": "139 1234 5678"})
    assert response.status_code == 200
    assert SENT[-1][0] == "13912345678"
    code = last_code()
    stored = SignupCode.objects.get(phone="13912345678")
    assert code not in stored.code_hash  # kept hashed
    response = client.post(
        reverse("permits:portal_signup"),
        {"phone": "13912345678", "code": code, "name": "王小红", "password": "Migrant-2026!"},
    )
    assert response.status_code == 302 and response.url == reverse("permits:portal_home")
    user = User.objects.get(username="13912345678")
    assert user.kind == UserKind.CITIZEN and user.station is None
    assert client.get(reverse("permits:portal_home")).status_code == 200
    # The code is used up.
    client.logout()
    again = client.post(
        reverse("permits:portal_signup"),
        {"phone": "13912345678", "code": code, "password": "Migrant-2026!"},
    )
    assert again.status_code == 400


@pytest.mark.django_db
def test_a_wrong_code_is_refused_and_counted(client, org):
    client.post(reverse("permits:portal_signup"), {"phone": "13912345678"})
    wrong = "000000" if last_code() != "000000" else "111111"
    response = client.post(
        reverse("permits:portal_signup"),
        {"phone": "13912345678", "code": wrong, "password": "Migrant-2026!"},
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="13912345678").exists()
    assert SignupCode.objects.get().attempts == 1


@pytest.mark.django_db
def test_repeated_sign_ups_from_one_phone_are_refused_and_logged(client, org, caplog):
    url = reverse("permits:portal_signup")
    for _ in range(services.CODES_PER_HOUR):
        assert client.post(url, {"phone": "13912345678"}).status_code == 200
    response = client.post(reverse("permits:portal_signup"), {"phone": "13912345678"})
    assert response.status_code == 429
    assert SignupCode.objects.count() == services.CODES_PER_HOUR
    assert len(SENT) == services.CODES_PER_HOUR
    assert "too many for 139****5678" in caplog.text


@pytest.mark.django_db
def test_sign_up_attempts_are_limited_per_address(client, org):
    from apps.permits.portal import SIGNUPS_PER_HOUR_PER_IP

    for n in range(SIGNUPS_PER_HOUR_PER_IP):
        client.post(reverse("permits:portal_signup"), {"phone": f"1390000{n:04d}"})
    response = client.post(reverse("permits:portal_signup"), {"phone": "13800001111"})
    assert response.status_code == 429
    assert not SignupCode.objects.filter(phone="13800001111").exists()


@pytest.mark.django_db
def test_a_phone_with_an_account_gets_no_code(client, org):
    UserFactory(username="13912345678", kind=UserKind.CITIZEN)
    response = client.post(reverse("permits:portal_signup"), {"phone": "13912345678"})
    assert response.status_code == 400
    assert SENT == []


@pytest.mark.django_db
def test_the_portal_needs_a_login_and_sends_to_its_own_login_page(client):
    response = client.get(reverse("permits:portal_home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("permits:portal_login"))


@pytest.mark.django_db
def test_the_whole_journey_in_the_portal(
    client, org, citizen, officer, django_capture_on_commit_callbacks
):
    client.force_login(citizen)
    with freeze_time("2026-03-01 10:00"):
        response = client.post(
            reverse("permits:portal_new"),
            {
                "community": org.yingxin.pk,
                "address_text": "迎新村3组12号",
                "name": "王小红",
                "id_number": ID_NUMBER,
                "phone": "13912345678",
                "basis": "employment",
                "basis_detail": "园区某公司",
            },
        )
        application = PermitApplication.objects.get(applicant=citizen)
        assert response.url == reverse("permits:portal_application", args=[application.pk])
        for kind in REGISTRATION_DOCUMENTS:
            client.post(
                reverse("permits:portal_upload", args=[application.pk]),
                {"kind": kind, "file": upload()},
            )
        assert application.documents.count() == len(REGISTRATION_DOCUMENTS)
        client.post(reverse("permits:portal_submit", args=[application.pk]))
        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED
        services.application_ask_supplement(
            application=application, by=officer, message="请上传劳动合同"
        )
        page = client.get(reverse("permits:portal_application", args=[application.pk]))
        assert page.context["application"].officer_message == "请上传劳动合同"
        client.post(
            reverse("permits:portal_upload", args=[application.pk]),
            {"kind": "employment_or_study", "file": upload(image_bytes("PNG"), "contract.png")},
        )
        client.post(reverse("permits:portal_submit", args=[application.pk]))
        with django_capture_on_commit_callbacks(execute=True):
            services.application_approve(application=application, by=officer)
        home = client.get(reverse("permits:portal_home"))
        [certificate] = home.context["certificates"]
        assert client.get(certificate.get_absolute_url()).status_code == 200
        # The message centre has every step, each also for the SMS sender, which carried
        # the decision and the certificate once the approval committed.
        notes = Notification.objects.filter(recipient=citizen)
        assert notes.count() == notes.filter(external=True).count() == 5
        assert len(SENT) == 2
        # A second registration form comes prefilled.
        form = client.get(reverse("permits:portal_new")).context["form"]
        assert form.initial["id_number"] == ID_NUMBER
        assert form.initial["address_text"] == "迎新村3组12号"

    with freeze_time("2026-09-02 10:00"):
        response = client.post(
            reverse("permits:portal_permit_start", args=[certificate.pk]), {"basis": "employment"}
        )
        permit_application = PermitApplication.objects.get(kind=ApplicationKind.PERMIT)
        assert response.url == reverse("permits:portal_application", args=[permit_application.pk])
        client.post(reverse("permits:portal_submit", args=[permit_application.pk]))
        permit_application.refresh_from_db()
        assert permit_application.status == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_a_permit_cannot_be_started_before_six_months(client, org, citizen, officer, registration):
    services.application_approve(application=registration, by=officer)
    client.force_login(citizen)
    response = client.post(
        reverse("permits:portal_permit_start", args=[registration.certificate.pk])
    )
    assert response.status_code == 302
    assert not PermitApplication.objects.filter(kind=ApplicationKind.PERMIT).exists()


@pytest.mark.django_db
def test_a_citizen_sees_only_their_own(client, org, registration):
    other = UserFactory(username="13700000003", kind=UserKind.CITIZEN, role=roles.CITIZEN)
    client.force_login(other)
    page = client.get(reverse("permits:portal_application", args=[registration.pk]))
    assert page.status_code == 404
    response = client.post(
        reverse("permits:portal_upload", args=[registration.pk]),
        {"kind": "portrait", "file": upload()},
    )
    assert response.status_code == 404
    assert list(client.get(reverse("permits:portal_home")).context["applications"]) == []
    # Officers' pages are closed to citizens.
    assert client.get(reverse("permits:queue")).status_code == 403


@pytest.mark.django_db
def test_a_refused_upload_shows_a_message_and_stores_nothing(client, org, citizen):
    client.force_login(citizen)
    application = services.application_create(
        by=citizen,
        kind=ApplicationKind.REGISTRATION,
        community=org.yingxin,
        name="王小红",
        id_number=ID_NUMBER,
        phone="13912345678",
        basis="housing",
        address_text="迎新村3组12号",
    )
    response = client.post(
        reverse("permits:portal_upload", args=[application.pk]),
        {"kind": "id_front", "file": upload(b"PK\x03\x04zipbomb", "id.jpg")},
        follow=True,
    )
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert not application.documents.exists()


@pytest.mark.django_db
def test_a_wrong_id_checksum_is_a_form_error(client, org, citizen):
    client.force_login(citizen)
    wrong = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    response = client.post(
        reverse("permits:portal_new"),
        {
            "community": org.yingxin.pk,
            "address_text": "迎新村3组12号",
            "name": "王小红",
            "id_number": wrong,
            "phone": "13912345678",
            "basis": "housing",
        },
    )
    assert response.status_code == 200
    assert "id_number" in response.context["form"].errors
    assert not PermitApplication.objects.exists()


@pytest.mark.django_db
def test_choosing_the_community_lists_its_standard_addresses_and_one_can_be_picked(
    client, org, citizen
):
    from tests.registry.factories import AddressFactory

    address = AddressFactory(community=org.yingxin, road="迎新路", number="5")
    client.force_login(citizen)
    options = client.get(reverse("permits:portal_addresses"), {"community": org.yingxin.pk})
    assert f'value="{address.pk}"' in options.content.decode()
    assert (
        client.get(reverse("permits:portal_addresses"), {"community": "x"}).content.count(
            b"<option"
        )
        == 1
    )
    client.post(
        reverse("permits:portal_new"),
        {
            "community": org.yingxin.pk,
            "address": address.pk,
            "name": "王小红",
            "id_number": ID_NUMBER,
            "phone": "13912345678",
            "basis": "housing",
        },
    )
    application = PermitApplication.objects.get(applicant=citizen)
    assert application.address == address and application.address_text == address.text


@pytest.mark.django_db
def test_a_typed_address_is_matched_to_the_standard_one(client, org, citizen):
    from tests.registry.factories import AddressFactory

    address = AddressFactory(community=org.yingxin, road="迎新路", number="5")
    application = services.application_create(
        by=citizen,
        kind=ApplicationKind.REGISTRATION,
        community=org.yingxin,
        name="王小红",
        id_number=ID_NUMBER,
        phone="13912345678",
        basis="housing",
        address_text=f" {address.text} ",
    )
    assert application.address == address
