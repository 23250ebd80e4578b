"""The citizen's journey on the phone: register the residence, upload, submit, follow the
timeline to its legal deadline, answer the officer's request, keep the certificate, and be
offered the permit only when it is possible. (Signing up and logging in by SMS code:
tests/accounts/test_citizen_codes.py.)"""

from datetime import timedelta

import pytest
from django.urls import reverse
from freezegun import freeze_time

from apps.accounts import roles
from apps.accounts.choices import UserKind
from apps.core.models import Notification
from apps.core.testing.factories import UserFactory
from apps.permits import services
from apps.permits.choices import ApplicationKind, ApplicationStatus
from apps.permits.models import PermitApplication

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
            services.application_approve(
                application=application, by=officer, documents_confirmed=True
            )
        home = client.get(reverse("permits:portal_home"))
        [row] = home.context["certificate_rows"]
        certificate = row.certificate
        assert row.permit == "wait"
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
    services.application_approve(application=registration, by=officer, documents_confirmed=True)
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


def steps(page) -> dict:
    return {step.key: step for step in page.context["timeline"]["steps"]}


@pytest.mark.django_db
def test_the_timeline_follows_the_application_to_its_legal_deadline(client, org, citizen, officer):
    """Submitted, sent back for a supplement, resubmitted, visited, decided; the 15 days of
    居住证暂行条例 第九条 run from the last complete submission."""
    from datetime import date

    from django.utils import translation

    from apps.permits.choices import VisitResult

    from .conftest import new_registration

    client.force_login(citizen)
    with freeze_time("2026-03-01 10:00+08:00"):
        registration = new_registration(org, citizen)
        services.application_submit(application=registration, by=citizen)
        url = reverse("permits:portal_application", args=[registration.pk])
        page = client.get(url)
        assert page.context["timeline"]["due"] == date(2026, 3, 16)
        assert steps(page)["submitted"].state == "done"
        assert steps(page)["review"].state == "current"
    with freeze_time("2026-03-03 09:00+08:00"):
        services.application_ask_supplement(
            application=registration, by=officer, message="请上传清晰的身份证"
        )
        page = client.get(url)
        assert steps(page)["review"].state == "current"
        assert "请上传清晰的身份证" in page.content.decode()
    with freeze_time("2026-03-05 20:30+08:00"):
        services.application_submit(application=registration, by=citizen)
        page = client.get(url)
        body = page.content.decode()
        assert page.context["timeline"]["due"] == date(2026, 3, 20)
        assert 'data-due="2026-03-20"' in body and "最迟 2026-03-20 办结" in body
        assert steps(page)["visit"].state == "waiting"
        assert steps(page)["decided"].state == "waiting"
    with freeze_time("2026-03-06 10:00+08:00"):
        services.home_visit_record(
            application=registration, by=officer, visited_on=date(2026, 3, 6), result="confirmed"
        )
        page = client.get(url)
        assert steps(page)["visit"].state == "done"
        assert steps(page)["review"].state == "current"
        # The visit's findings are the officers' notes: the applicant sees its date only.
        with translation.override("zh-hans"):
            assert str(VisitResult.CONFIRMED.label) not in page.content.decode()
    with freeze_time("2026-03-07 11:00+08:00"):
        services.application_approve(application=registration, by=officer, documents_confirmed=True)
        page = client.get(url)
    assert [s.state for s in steps(page).values()] == ["done", "done", "done", "done"]
    assert steps(page)["submitted"].at.isoformat().startswith("2026-03-01T02:00")
    assert not page.context["timeline"]["overdue"]
    body = page.content.decode()
    assert "2026-03-07 11:00" in body and "法定办结期限：2026-03-20 前" in body
    assert 'id="issued-link"' in body
    assert page.context["issued"] == registration.certificate


@pytest.mark.django_db
def test_a_submission_is_accepted_on_its_local_day_and_due_fifteen_days_later(org, citizen):
    from apps.permits.deadlines import issue_due_on

    from .conftest import new_registration

    application = new_registration(org, citizen)
    assert issue_due_on(application) is None  # a draft: not accepted yet
    with freeze_time("2026-03-01 00:30+08:00"):  # still 28 February in UTC
        application = services.application_submit(application=application, by=citizen)
    assert issue_due_on(application).isoformat() == "2026-03-16"


@pytest.mark.django_db
def test_an_application_still_open_after_its_deadline_shows_as_overdue(
    client, citizen, registration
):
    with freeze_time(registration.accepted_at + timedelta(days=16)):
        client.force_login(citizen)
        page = client.get(reverse("permits:portal_application", args=[registration.pk]))
    assert page.context["timeline"]["overdue"]
    assert "bg-danger-subtle" in page.content.decode()


@pytest.mark.django_db
def test_a_draft_offers_submit_only_once_every_document_is_there(client, org, citizen):
    from .conftest import new_registration

    application = new_registration(org, citizen, documents=REGISTRATION_DOCUMENTS[:2])
    client.force_login(citizen)
    url = reverse("permits:portal_application", args=[application.pk])
    page = client.get(url)
    body = page.content.decode()
    assert 'id="submit-application"' not in body and 'id="missing"' in body
    assert steps(page)["submitted"].state == "current"
    for kind in REGISTRATION_DOCUMENTS[2:]:
        services.document_add(application=application, by=citizen, upload=upload(), kind=kind)
    assert 'id="submit-application"' in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_home_offers_only_what_is_possible(client, citizen, officer, registration):
    client.force_login(citizen)
    home = reverse("permits:portal_home")
    # A registration on its way: no second one offered.
    assert client.get(home).context["can_register"] is False
    with freeze_time("2026-03-01 10:00"):
        services.application_approve(application=registration, by=officer, documents_confirmed=True)
        page = client.get(home)
    [row] = page.context["certificate_rows"]
    body = page.content.decode()
    assert row.permit == "wait" and 'id="apply-permit"' not in body
    assert "2026-09-01 起" in body and page.context["can_register"]
    with freeze_time("2026-09-02 10:00"):
        page = client.get(home)
        assert 'id="apply-permit"' in page.content.decode()
        client.post(reverse("permits:portal_permit_start", args=[row.certificate.pk]))
        [row] = client.get(home).context["certificate_rows"]
        assert row.permit == "open"
        permit_application = PermitApplication.objects.get(kind=ApplicationKind.PERMIT)
        services.document_add(
            application=permit_application,
            by=citizen,
            upload=upload(),
            kind="employment_or_study",
        )
        services.application_submit(application=permit_application, by=citizen)
        services.application_approve(
            application=permit_application, by=officer, documents_confirmed=True
        )
        page = client.get(home)
    # A holder is offered no second permit: the permit and its validity instead.
    [row] = page.context["certificate_rows"]
    body = page.content.decode()
    assert row.permit == "holder" and 'id="apply-permit"' not in body and "申领居住证" not in body
    assert 'data-document="permit"' in body


@pytest.mark.django_db
def test_a_new_citizen_is_shown_the_way_and_the_header_leads_home_to_the_portal(client, citizen):
    client.force_login(citizen)
    body = client.get(reverse("permits:portal_home")).content.decode()
    assert 'id="first-steps"' in body and 'id="new-application"' in body
    assert 'id="portal-brand"' in body
    # The workbench's home sends a citizen to the portal.
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("permits:portal_home")
