"""A citizen through the same API as the tablet (the portal's app): their own records only,
the applicant's steps allowed, every officer's action refused."""

from datetime import date

import pytest
from django.urls import reverse
from freezegun import freeze_time

from apps.accounts import roles
from apps.accounts.choices import UserKind
from apps.core.idnumbers import FEMALE, make_id_number
from apps.core.testing.factories import PASSWORD, UserFactory
from apps.core.testing.personas import CITIZEN
from apps.permits import services
from apps.permits.choices import ApplicationKind, ApplicationStatus
from apps.permits.models import PermitApplication, ResidencePermit

from .conftest import ID_NUMBER, REGISTRATION_DOCUMENTS, new_registration, upload

S = ApplicationStatus


def post(client, name, pk=None, data=None, **extra):
    return client.post(
        reverse(name, args=[pk] if pk else []),
        data or {},
        content_type="application/json",
        **extra,
    )


def another_citizen():
    return UserFactory(username="13700000003", kind=UserKind.CITIZEN, role=roles.CITIZEN)


def token_for(client, username) -> dict:
    response = client.post(
        reverse("auth-token"),
        {"username": username, "password": PASSWORD, "device": "手机"},
        content_type="application/json",
    )
    assert response.status_code in (200, 201), response.content
    return {"HTTP_AUTHORIZATION": f"Token {response.json()['token']}"}


@pytest.mark.django_db
def test_a_citizen_files_uploads_submits_and_reads_the_certificate(client, org, officer):
    auth = token_for(client, CITIZEN)  # the phone app signs in with a device token
    response = post(
        client,
        "permitapplication-list",
        data={
            "community": org.yingxin.pk,
            "name": "王小红",
            "id_number": ID_NUMBER,
            "phone": "13912345678",
            "basis": "employment",
            "address_text": "迎新村3组12号",
        },
        **auth,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    pk = body["id"]
    assert body["status"] == "draft" and body["applicant"] == org.user(CITIZEN).pk
    for kind in REGISTRATION_DOCUMENTS:
        response = client.post(
            reverse("permitapplication-documents", args=[pk]),
            {"kind": kind, "file": upload()},
            **auth,
        )
        assert response.status_code == 201, response.content
    assert post(client, "permitapplication-submit", pk, **auth).json()["status"] == "submitted"

    client.force_login(officer)
    # The officer checked the originals at the window: approved on their confirmation.
    approved = post(client, "permitapplication-approve", pk, {"documents_confirmed": True})
    assert approved.json()["status"] == "approved"
    assert PermitApplication.objects.get(pk=pk).documents_confirmed
    client.logout()

    mine = client.get(reverse("permitapplication-list"), **auth).json()["results"]
    assert [row["id"] for row in mine] == [pk]
    certificates = client.get(reverse("residencecertificate-list"), **auth).json()["results"]
    assert len(certificates) == 1
    certificate = certificates[0]
    assert certificate["application"] == pk and certificate["verify_url"].startswith("/")
    detail = client.get(reverse("residencecertificate-detail", args=[certificate["id"]]), **auth)
    assert detail.status_code == 200 and "*" in detail.json()["id_number"]
    # Their documents open from the links the API gives; a decided application takes no more.
    documents = client.get(reverse("permitapplication-detail", args=[pk]), **auth).json()
    file = client.get(documents["documents"][0]["file_url"], **auth)
    assert file.status_code == 200 and file["Content-Type"] == "image/jpeg"
    late = client.post(
        reverse("permitapplication-documents", args=[pk]),
        {"kind": "portrait", "file": upload()},
        **auth,
    )
    assert late.status_code == 409


@pytest.mark.django_db
def test_the_applicant_does_not_see_the_officers_visit_notes(client, org, officer, registration):
    services.home_visit_record(
        application=registration, by=officer, visited_on=date(2026, 1, 6), result="confirmed"
    )
    client.force_login(officer)
    body = client.get(reverse("permitapplication-detail", args=[registration.pk])).json()
    assert len(body["visits"]) == 1
    client.force_login(org.user(CITIZEN))
    body = client.get(reverse("permitapplication-detail", args=[registration.pk])).json()
    assert body["visits"] == [] and len(body["documents"]) == len(REGISTRATION_DOCUMENTS)


@pytest.mark.django_db
def test_a_citizen_answers_a_supplement_and_resubmits(client, org, citizen, officer, registration):
    services.application_ask_supplement(application=registration, by=officer, message="补照片")
    client.force_login(citizen)
    response = client.post(
        reverse("permitapplication-documents", args=[registration.pk]),
        {"kind": "portrait", "file": upload()},
    )
    assert response.status_code == 201
    body = post(client, "permitapplication-submit", registration.pk).json()
    assert body["status"] == "resubmitted"


@pytest.mark.django_db
def test_officers_actions_are_403_for_the_applicant(client, org, citizen, registration):
    client.force_login(citizen)
    for name, data in (
        ("review", None),
        ("approve", None),
        ("supplement", {"message": "x"}),
        ("reject", {"reason": "x"}),
        ("visit", {"visited_on": "2026-01-06", "result": "confirmed"}),
    ):
        response = post(client, f"permitapplication-{name}", registration.pk, data)
        assert response.status_code == 403, name
        assert "error" in response.json()
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED and not registration.visits.exists()


@pytest.mark.django_db
def test_another_citizens_application_is_404(client, org, registration):
    client.force_login(another_citizen())
    assert client.get(reverse("permitapplication-list")).json()["results"] == []
    assert client.get(reverse("permitapplication-detail", args=[registration.pk])).status_code == (
        404
    )
    assert post(client, "permitapplication-submit", registration.pk).status_code == 404
    document = registration.documents.first()
    file_url = reverse("permitapplication-document-file", args=[registration.pk, document.pk])
    assert client.get(file_url).status_code == 404
    response = client.post(
        reverse("permitapplication-documents", args=[registration.pk]),
        {"kind": "portrait", "file": upload()},
    )
    assert response.status_code == 404
    assert registration.documents.count() == len(REGISTRATION_DOCUMENTS)


@pytest.mark.django_db
def test_a_non_image_upload_is_400_and_stores_nothing(client, org, citizen):
    application = new_registration(org, citizen, documents=())
    client.force_login(citizen)
    response = client.post(
        reverse("permitapplication-documents", args=[application.pk]),
        {"kind": "portrait", "file": upload(b"MZ\x90\x00 not a picture", name="photo.jpg")},
    )
    assert response.status_code == 400 and "error" in response.json()
    assert not application.documents.exists()


@pytest.mark.django_db
def test_a_citizen_starts_the_permit_and_reads_it_but_cannot_endorse(client, org, citizen, officer):
    with freeze_time("2026-01-05"):
        registration = new_registration(org, citizen)
        services.application_submit(application=registration, by=citizen)
        services.application_approve(application=registration, by=officer, documents_confirmed=True)
    with freeze_time("2026-07-10"):
        client.force_login(citizen)
        url = reverse("residencecertificate-permit-application", args=[registration.certificate.pk])
        response = client.post(url, {"basis": "housing"}, content_type="application/json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["kind"] == ApplicationKind.PERMIT and len(body["documents"]) == len(
            REGISTRATION_DOCUMENTS
        )
        assert post(client, "permitapplication-submit", body["id"]).json()["status"] == (
            "submitted"
        )
        application = PermitApplication.objects.get(pk=body["id"])
        services.application_approve(application=application, by=officer, documents_confirmed=True)
        permit = ResidencePermit.objects.get(application=application)
        permits = client.get(reverse("residencepermit-list")).json()["results"]
        assert [row["id"] for row in permits] == [permit.pk]
        assert permits[0]["verify_url"] == permit.get_verify_url()
        assert post(client, "residencepermit-endorse", permit.pk).status_code == 403
        revoke = post(client, "residencepermit-revoke", permit.pk, {"reason": "x"})
        assert revoke.status_code == 403
        permit.refresh_from_db()
        assert permit.revoked_at is None


@pytest.mark.django_db
def test_a_citizen_cannot_start_a_permit_from_anothers_certificate(client, org, citizen, officer):
    with freeze_time("2026-01-05"):
        registration = new_registration(org, citizen)
        services.application_submit(application=registration, by=citizen)
        services.application_approve(application=registration, by=officer, documents_confirmed=True)
    with freeze_time("2026-07-10"):
        client.force_login(another_citizen())
        url = reverse("residencecertificate-permit-application", args=[registration.certificate.pk])
        assert client.post(url, {}, content_type="application/json").status_code == 404
    assert not PermitApplication.objects.filter(kind=ApplicationKind.PERMIT).exists()


@pytest.mark.django_db
def test_the_citizens_list_does_not_grow_in_queries(
    client, org, citizen, officer, django_assert_max_num_queries
):
    for n in range(5):
        new_registration(
            org,
            citizen,
            id_number=make_id_number(
                region="500107", birth_date=date(1980, 1, 1), sequence=n, gender=FEMALE
            ),
            documents=(),
        )
    new_registration(org, officer, documents=())  # the window's: not the citizen's
    client.force_login(citizen)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("permitapplication-list"))
    assert len(response.json()["results"]) == 5
