"""The API of the tablet and the window: action endpoints, error shape, scoping."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from apps.core.idnumbers import FEMALE, make_id_number
from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_DESK
from apps.permits import services
from apps.permits.choices import ApplicationStatus
from apps.permits.models import PermitApplication, ResidencePermit

from .conftest import ID_NUMBER, REGISTRATION_DOCUMENTS, new_registration, upload

S = ApplicationStatus


def action(client, pk, name, data=None):
    return client.post(
        reverse(f"permitapplication-{name}", args=[pk]),
        data or {},
        content_type="application/json",
    )


@pytest.mark.django_db
def test_the_window_files_uploads_submits_and_the_officer_approves(client, org, officer):
    client.force_login(org.user(XIPENG_DESK))
    response = client.post(
        reverse("permitapplication-list"),
        {
            "community": org.yingxin.pk,
            "name": "李四",
            "id_number": ID_NUMBER,
            "phone": "13812345678",
            "basis": "housing",
            "address_text": "迎新村1组1号",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["id_number"].startswith("51**")
    assert "*" in body["id_number"] and "*" in body["phone"]
    pk = body["id"]
    for kind in REGISTRATION_DOCUMENTS:
        response = client.post(
            reverse("permitapplication-documents", args=[pk]), {"kind": kind, "file": upload()}
        )
        assert response.status_code == 201, response.content
    assert len(response.json()["documents"]) == len(REGISTRATION_DOCUMENTS)
    assert action(client, pk, "submit").json()["status"] == "submitted"
    client.force_login(officer)
    # The tablet opens each document before approving (the file endpoint notes it).
    refused = action(client, pk, "approve")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "documents_not_opened"
    for document in response.json()["documents"]:
        url = reverse("permitapplication-document-file", args=[pk, document["id"]])
        assert client.get(url).status_code == 200
    assert action(client, pk, "approve").json()["status"] == "approved"
    again = action(client, pk, "approve")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    certificates = client.get(reverse("residencecertificate-list")).json()["results"]
    assert [c["application"] for c in certificates] == [pk]
    assert certificates[0]["verify_url"].startswith("/verify/")


@pytest.mark.django_db
def test_refusals_have_the_error_shape(client, org, officer, registration):
    client.force_login(officer)
    response = action(client, registration.pk, "supplement", {"message": ""})
    assert response.status_code == 400 and "message" in response.json()["error"]["fields"]
    response = action(client, registration.pk, "reject", {})
    assert response.status_code == 400
    response = client.post(
        reverse("permitapplication-list"),
        {
            "community": org.yingxin.pk,
            "name": "李四",
            "id_number": ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1"),
            "phone": "13812345678",
            "basis": "housing",
            "address_text": "迎新村1组1号",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_id_number"
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED


@pytest.mark.django_db
def test_supplement_visit_and_reject_endpoints(client, officer, registration):
    client.force_login(officer)
    body = action(
        client,
        registration.pk,
        "visit",
        {"visited_on": timezone.localdate().isoformat(), "result": "confirmed"},
    ).json()
    assert body["status"] == "under_review" and len(body["visits"]) == 1
    body = action(client, registration.pk, "supplement", {"message": "补房产证"}).json()
    assert body["status"] == "needs_supplement" and body["officer_message"] == "补房产证"
    response = action(client, registration.pk, "reject", {"reason": "x"})
    assert response.status_code == 409  # a supplement is pending: the applicant answers first


@pytest.mark.django_db
def test_another_station_gets_404_and_a_citizen_403(client, org, citizen, registration):
    client.force_login(org.user(SHUANGFENG_DESK))
    assert action(client, registration.pk, "approve").status_code == 404
    client.force_login(citizen)
    assert action(client, registration.pk, "approve").status_code == 403
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED


@pytest.mark.django_db
def test_the_queue_order_and_filters(client, org, officer, registration):
    client.force_login(officer)
    rows = client.get(reverse("permitapplication-list"), {"status": "submitted"}).json()
    assert [r["id"] for r in rows["results"]] == [registration.pk]
    rows = client.get(reverse("permitapplication-list"), {"status": "approved"}).json()
    assert rows["results"] == []


@pytest.mark.django_db
def test_endorse_and_revoke_endpoints(client, org, citizen, officer):
    with freeze_time("2026-01-05"):
        registration = new_registration(org, citizen)
        services.application_submit(application=registration, by=citizen)
        services.application_approve(application=registration, by=officer, documents_confirmed=True)
    with freeze_time("2026-07-10"):
        application = services.permit_application_start(
            certificate=registration.certificate, by=citizen, basis="housing"
        )
        services.application_submit(application=application, by=citizen)
        services.application_approve(application=application, by=officer, documents_confirmed=True)
        permit = ResidencePermit.objects.get(application=application)
        client.force_login(officer)
        early = client.post(reverse("residencepermit-endorse", args=[permit.pk]))
        assert early.status_code == 409
    with freeze_time("2027-07-01"):
        client.force_login(officer)  # a year later: a new session
        body = client.post(reverse("residencepermit-endorse", args=[permit.pk])).json()
        assert body["valid_until"] == "2028-07-10" and len(body["endorsements"]) == 1
        body = client.post(
            reverse("residencepermit-revoke", args=[permit.pk]),
            {"reason": "虚假材料"},
            content_type="application/json",
        ).json()
        assert body["state"] == "revoked"
        verify = client.get(permit.get_verify_url())
        assert verify.context["state"] == "revoked"


@pytest.mark.django_db
def test_the_api_list_does_not_grow_in_queries(client, org, officer, django_assert_max_num_queries):
    for n in range(6):
        new_registration(
            org,
            officer,
            id_number=make_id_number(
                region="500107", birth_date=date(1980, 1, 1), sequence=n, gender=FEMALE
            ),
            documents=(),
        )
    client.force_login(officer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("permitapplication-list"))
    assert len(response.json()["results"]) == PermitApplication.objects.count() == 6
