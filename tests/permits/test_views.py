"""The officers' pages (queue, one-tap decisions, document viewer), the electronic
documents with their PDF and QR code, and the public verification page."""

import io
from datetime import date

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from apps.accounts.choices import UserKind
from apps.core.idnumbers import MALE, make_id_number
from apps.core.testing.factories import UserFactory
from apps.core.testing.pdf import assert_workbench_font_only
from apps.core.testing.personas import MEDIATOR, SHUANGFENG_DESK, XIPENG_DESK
from apps.permits import services, verify
from apps.permits.choices import ApplicationStatus
from apps.permits.models import VERIFY_SALT, ResidenceCertificate

from .conftest import ID_NUMBER, new_registration

S = ApplicationStatus


@pytest.fixture
def certificate(officer, registration) -> ResidenceCertificate:
    services.application_approve(application=registration, by=officer, documents_confirmed=True)
    return ResidenceCertificate.objects.get(application=registration)


@pytest.mark.django_db
def test_the_queue_lists_my_posts_waiting_applications_longest_waiting_first(
    client, org, citizen, officer, registration, django_assert_max_num_queries
):
    later = new_registration(
        org,
        citizen,
        id_number=make_id_number(
            region="510104", birth_date=date(1991, 1, 1), sequence=3, gender=MALE
        ),
    )
    services.application_submit(application=later, by=citizen)
    client.force_login(officer)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("permits:queue"))
    assert response.status_code == 200
    assert [a.pk for a in response.context["page_obj"]] == [registration.pk, later.pk]
    assert response.context["counts"]["waiting"] == 2
    assert response.context["counts"]["submitted"] == 2
    rejected = client.get(reverse("permits:queue"), {"status": "rejected"})
    assert list(rejected.context["page_obj"]) == []


def open_documents(client, application):
    for document in application.documents.all():
        assert client.get(reverse("permits:document_file", args=[document.pk])).status_code == 200


@pytest.mark.django_db
def test_one_tap_approve_from_the_queue_issues_the_certificate(client, officer, registration):
    client.force_login(officer)
    queue = reverse("permits:queue")
    open_documents(client, registration)
    assert 'action="/permits/applications/' in client.get(queue).content.decode()
    response = client.post(reverse("permits:approve", args=[registration.pk]), {"next": queue})
    assert response.status_code == 302 and response.url == queue
    registration.refresh_from_db()
    assert registration.status == S.APPROVED
    assert ResidenceCertificate.objects.filter(application=registration).exists()
    counts = client.get(queue).context["counts"]
    assert counts["approved"] == 1 and counts["certificates"] == 1 and counts["waiting"] == 0


@pytest.mark.django_db
def test_a_supplement_without_a_message_changes_nothing(client, officer, registration):
    client.force_login(officer)
    client.post(reverse("permits:supplement", args=[registration.pk]), {"message": ""})
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED
    client.post(reverse("permits:supplement", args=[registration.pk]), {"message": "补劳动合同"})
    registration.refresh_from_db()
    assert registration.status == S.NEEDS_SUPPLEMENT
    assert registration.officer_message == "补劳动合同"


@pytest.mark.django_db
def test_the_visit_and_reject_forms(client, officer, registration):
    client.force_login(officer)
    client.post(
        reverse("permits:visit", args=[registration.pk]),
        {"visited_on": timezone.localdate().isoformat(), "result": "discrepancy", "note": "无人"},
    )
    registration.refresh_from_db()
    assert registration.status == S.UNDER_REVIEW and registration.visits.count() == 1
    client.post(reverse("permits:reject", args=[registration.pk]), {"reason": "地址不符"})
    registration.refresh_from_db()
    assert registration.status == S.REJECTED


@pytest.mark.django_db
def test_another_station_cannot_decide(client, org, registration):
    client.force_login(org.user(SHUANGFENG_DESK))
    response = client.post(reverse("permits:approve", args=[registration.pk]))
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED


@pytest.mark.django_db
def test_documents_are_served_to_the_applicant_and_officers_in_scope_only(
    client, org, citizen, officer, registration
):
    document = registration.documents.first()
    url = reverse("permits:document_file", args=[document.pk])
    for user in (citizen, officer, org.user(XIPENG_DESK)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Security-Policy"] == "sandbox"
    # Without the role, 403 whatever the id (as for certificates); another station: 404.
    other_citizen = UserFactory(username="13700000001", kind=UserKind.CITIZEN)
    for user in (other_citizen, org.user(MEDIATOR)):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(org.user(SHUANGFENG_DESK))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_the_certificate_page_and_pdf_carry_the_qr_code_of_the_verify_page(
    client, citizen, certificate
):
    client.force_login(citizen)
    page = client.get(reverse("permits:certificate_detail", args=[certificate.pk]))
    assert page.status_code == 200
    # The page's code is live (tests/permits/test_live_code.py); the PDF's is the static one.
    token = page.context["verify_url"].rpartition("/verify/")[2]
    assert verify.resolve(token) == verify.Check(
        certificate, code=verify.LIVE, made_at=page.context["live_code"].made_at
    )
    assert "<svg" in page.context["qr_svg"]
    pdf = client.get(reverse("permits:certificate_pdf", args=[certificate.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert_workbench_font_only(pdf.content)
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 1
    assert certificate.number in reader.pages[0].extract_text()
    assert len(reader.pages[0].images) == 1  # the QR code


@pytest.mark.django_db
def test_another_citizen_cannot_open_the_certificate(client, certificate):
    other = UserFactory(username="13700000002", kind=UserKind.CITIZEN)
    client.force_login(other)
    response = client.get(reverse("permits:certificate_detail", args=[certificate.pk]))
    # Without an officer's role every id answers alike: nothing is learnt by probing.
    assert response.status_code == 403
    missing = client.get(reverse("permits:certificate_detail", args=[certificate.pk + 99]))
    assert missing.status_code == 403


@pytest.mark.django_db
def test_the_verify_page_shows_state_masked_name_and_nothing_else_without_login(
    client, certificate
):
    response = client.get(certificate.get_verify_url())
    assert response.status_code == 200
    assert response.context["state"] == "valid"
    assert response.context["masked_name"] == "王**"
    body = response.content.decode()
    assert "核验通过" in body and certificate.number in body
    assert "王小红" not in body
    assert certificate.id_number[-4:] not in body
    # The header leads the visitor to the citizens' portal, not to the officers' login.
    assert 'id="portal-brand"' in body and 'href="/"' not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token, reason",
    [
        ("guess", verify.TAMPERED),
        ("1", verify.TAMPERED),
        (signing.dumps(["c", 1, "wrong-nonce"], salt=VERIFY_SALT), verify.VOIDED),
        (signing.dumps(["c", 1, "x"], salt="another-salt"), verify.TAMPERED),
        (signing.dumps(["x", 1, "x"], salt=VERIFY_SALT), verify.TAMPERED),
    ],
    # Fixed ids: the signed tokens carry the time, and pytest-xdist's processes must
    # collect the same test names.
    ids=["guess", "number", "wrong-nonce", "wrong-salt", "wrong-kind"],
)
def test_a_bad_or_forged_verify_token_fails_the_check_says_why_and_is_logged(
    client, certificate, token, reason, caplog
):
    response = client.get(reverse("permits:verify", args=[token]))
    assert response.status_code == 404
    assert response.context["failure"] == reason
    body = response.content.decode()
    # The verification page's own answer, never the officers' "not in your station".
    assert "核验失败" in body and "不在您的派出所范围内" not in body
    assert f"verification failed ({reason})" in caplog.text


@pytest.mark.django_db
def test_a_tampered_link_and_a_voided_one_give_their_own_reasons(client, certificate):
    token = certificate.verify_token
    tampered = client.get(reverse("permits:verify", args=[token[:-3] + "abc"]))
    assert tampered.context["failure"] == verify.TAMPERED
    assert "链接已被改动或不完整" in tampered.content.decode()
    ResidenceCertificate.objects.filter(pk=certificate.pk).update(verify_nonce="reissued")
    voided = client.get(certificate.get_verify_url())
    assert voided.context["failure"] == verify.VOIDED
    assert "二维码已作废" in voided.content.decode()
    assert certificate.number not in voided.content.decode()


@pytest.mark.django_db
def test_verification_is_rate_limited_per_address(client, certificate):
    url = certificate.get_verify_url()
    for _ in range(verify.VERIFY_PER_MINUTE):
        assert client.get(url).status_code == 200
    assert client.get(url).status_code == 429
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200


@pytest.mark.django_db
def test_an_officer_sees_the_id_number_in_full_only_on_request_and_it_is_logged(
    client, org, officer, registration
):
    from apps.core.models import AccessLog

    client.force_login(officer)
    page = client.get(reverse("permits:application_detail", args=[registration.pk]))
    assert registration.id_number not in page.content.decode()
    url = reverse("permits:application_reveal", args=[registration.pk, "id_number"])
    response = client.post(url)
    assert registration.id_number in response.content.decode()
    assert AccessLog.objects.get().field == "id_number"
    client.force_login(org.user(SHUANGFENG_DESK))
    assert client.post(url).status_code == 404
    assert AccessLog.objects.count() == 1


@pytest.mark.django_db
def test_the_person_page_lists_the_persons_applications_in_scope_only(org, citizen, officer):
    from apps.registry.models import Person
    from apps.registry.related import sections_for

    person = Person.objects.create(
        station=org.xipeng,
        name="王小红",
        gender="female",
        birth_date=date(1995, 3, 8),
        id_number=ID_NUMBER,
        category="floating",
    )
    application = new_registration(org, citizen)
    assert application.person is None  # nothing of the registry while the citizen files
    services.application_submit(application=application, by=citizen)
    application = services.application_approve(
        application=application, by=officer, documents_confirmed=True
    )
    assert application.person == person  # linked at the officer's review, in their scope

    def rows_for(user):
        # The section titles are keyed in English whatever the catalogue makes of them.
        with translation.override("en"):
            sections = sections_for(person=person, user=user)
            return {title: list(rows) for title, rows, _ in sections}

    assert rows_for(officer)["Residence applications"] == [application]
    assert rows_for(org.user(SHUANGFENG_DESK))["Residence applications"] == []
