"""The life of a registration and a permit, with frozen time, and every refusal."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from apps.core.errors import Conflict, DomainError, NotAllowed, OutOfScope
from apps.core.models import Notification
from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_DESK
from apps.permits import services
from apps.permits.choices import ApplicationKind, ApplicationStatus, DocumentKind, PermitState
from apps.permits.models import ResidenceCertificate, ResidencePermit
from apps.permits.tasks import permits_daily_task as permits_daily

from .conftest import ID_NUMBER, new_registration, upload

S = ApplicationStatus


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.mark.django_db
def test_the_whole_life_registration_certificate_permit_endorsement_and_lapse(
    org, citizen, officer
):
    with freeze_time("2026-01-05 09:00"):
        application = new_registration(org, citizen)
        assert application.status == S.DRAFT
        assert application.station == org.xipeng and application.post == org.park_post
        services.application_submit(application=application, by=citizen)
        services.application_ask_supplement(
            application=application, by=officer, message="请补充劳动合同"
        )
        application.refresh_from_db()
        assert application.status == S.NEEDS_SUPPLEMENT
        services.document_add(
            application=application,
            by=citizen,
            upload=upload(),
            kind=DocumentKind.EMPLOYMENT_OR_STUDY,
        )
        application = services.application_submit(application=application, by=citizen)
        assert application.status == S.RESUBMITTED
        services.application_approve(application=application, by=officer, documents_confirmed=True)
        certificate = ResidenceCertificate.objects.get(application=application)
        assert certificate.number == "500107530100PZ202600001"
        assert certificate.holder == citizen and certificate.name == "王小红"
        # Every status change reached the applicant.
        assert len(titles(citizen)) == 5  # submitted, supplement, resubmitted, approved, issued

    with freeze_time("2026-06-30 09:00"), pytest.raises(Conflict):
        services.permit_application_start(certificate=certificate, by=citizen)

    with freeze_time("2026-07-06 09:00"):
        permit_application = services.permit_application_start(certificate=certificate, by=citizen)
        # Nothing retyped: data and documents come from the registration.
        assert permit_application.kind == ApplicationKind.PERMIT
        assert permit_application.name == "王小红" and permit_application.id_number == ID_NUMBER
        assert permit_application.address_text == "迎新村3组12号"
        assert permit_application.documents.count() == 5
        services.application_submit(application=permit_application, by=citizen)
        services.application_approve(
            application=permit_application, by=officer, documents_confirmed=True
        )
        permit = ResidencePermit.objects.get(application=permit_application)
        assert permit.valid_from == date(2026, 7, 6) and permit.valid_until == date(2027, 7, 6)
        assert permit.photo.name == permit_application.documents.get(kind="portrait").file.name
        assert permit.state == PermitState.VALID

    with freeze_time("2027-05-20 07:30"):
        with pytest.raises(Conflict):  # too early: the window opens 30 days before
            services.permit_endorse(permit=permit, by=officer)
        assert permits_daily.delay().get() == {"reminded": 0, "lapsed": 0}

    with freeze_time("2027-06-10 07:30"):
        assert permits_daily.delay().get() == {"reminded": 1, "lapsed": 0}
        assert permits_daily.delay().get() == {"reminded": 0, "lapsed": 0}  # idempotent

    with freeze_time("2027-07-07 07:30"):
        assert permits_daily.delay().get() == {"reminded": 0, "lapsed": 1}
        assert permits_daily.delay().get() == {"reminded": 0, "lapsed": 0}
        permit.refresh_from_db()
        assert permit.state == PermitState.LAPSED
        # Endorsing late restores it for a year from today.
        services.permit_endorse(permit=permit, by=officer)
        permit.refresh_from_db()
        assert permit.state == PermitState.VALID and permit.valid_until == date(2028, 7, 7)
        assert permit.endorsements.count() == 1

    with freeze_time("2028-06-20 07:30"):
        services.permit_endorse(permit=permit, by=officer)  # in time: from the due date
        permit.refresh_from_db()
        assert permit.valid_until == date(2029, 7, 7)


@pytest.mark.django_db
def test_a_wrong_id_checksum_is_refused_and_nothing_is_saved(org, citizen):
    wrong = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    with pytest.raises(DomainError) as exc:
        new_registration(org, citizen, id_number=wrong, documents=())
    assert exc.value.code == "invalid_id_number"
    assert not citizen.permit_applications.exists()


@pytest.mark.django_db
def test_a_renamed_non_image_is_refused(org, citizen):
    application = new_registration(org, citizen, documents=())
    with pytest.raises(DomainError) as exc:
        services.document_add(
            application=application,
            by=citizen,
            upload=upload(b"MZ\x90\x00 this is an executable", name="id.jpg"),
            kind=DocumentKind.ID_FRONT,
        )
    assert exc.value.code == "invalid_upload"
    assert not application.documents.exists()


@pytest.mark.django_db
def test_an_oversized_upload_is_refused(org, citizen):
    application = new_registration(org, citizen, documents=())
    big = upload(b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024), name="big.jpg")
    with pytest.raises(DomainError):
        services.document_add(
            application=application, by=citizen, upload=big, kind=DocumentKind.ID_FRONT
        )
    assert not application.documents.exists()


@pytest.mark.django_db
def test_a_pdf_with_javascript_is_refused(org, citizen):
    application = new_registration(org, citizen, documents=())
    pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"3 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF"
    )
    with pytest.raises(DomainError) as exc:
        services.document_add(
            application=application,
            by=citizen,
            upload=upload(pdf, name="lease.pdf"),
            kind=DocumentKind.LEASE_OR_PROPERTY,
        )
    assert exc.value.code == "invalid_upload"
    assert not application.documents.exists()


@pytest.mark.django_db
def test_documents_of_one_application_may_not_exceed_30_mb(org, citizen, monkeypatch):
    application = new_registration(org, citizen, documents=(DocumentKind.ID_FRONT,))
    monkeypatch.setattr(services, "MAX_APPLICATION_BYTES", application.documents.get().size + 10)
    with pytest.raises(DomainError):
        services.document_add(
            application=application, by=citizen, upload=upload(), kind=DocumentKind.ID_BACK
        )
    # Replacing the same kind is measured without the replaced file.
    services.document_add(
        application=application, by=citizen, upload=upload(), kind=DocumentKind.ID_FRONT
    )
    assert application.documents.count() == 1


@pytest.mark.django_db
def test_it_refuses_submitting_without_the_required_documents(org, citizen):
    application = new_registration(org, citizen, documents=(DocumentKind.ID_FRONT,))
    with pytest.raises(DomainError):
        services.application_submit(application=application, by=citizen)
    application.refresh_from_db()
    assert application.status == S.DRAFT


@pytest.mark.django_db
def test_illegal_transitions_are_conflicts(org, citizen, officer, registration):
    services.application_reject(application=registration, by=officer, reason="材料虚假")
    with pytest.raises(Conflict):
        services.application_approve(application=registration, by=officer, documents_confirmed=True)
    with pytest.raises(Conflict):
        services.application_submit(application=registration, by=citizen)
    registration.refresh_from_db()
    assert registration.status == S.REJECTED and registration.rejection_reason == "材料虚假"


@pytest.mark.django_db
def test_only_officers_in_scope_decide(org, citizen, registration):
    with pytest.raises(NotAllowed):
        services.application_approve(application=registration, by=citizen, documents_confirmed=True)
    with pytest.raises(OutOfScope):
        services.application_approve(
            application=registration, by=org.user(SHUANGFENG_DESK), documents_confirmed=True
        )
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED


@pytest.mark.django_db
def test_another_citizen_cannot_touch_the_application(org, registration):
    from apps.accounts import roles
    from apps.accounts.choices import UserKind
    from apps.core.testing.factories import UserFactory

    # A citizen with the citizens' role (without it the service refuses before any lookup).
    other = UserFactory(username="13700000000", kind=UserKind.CITIZEN, role=roles.CITIZEN)
    with pytest.raises(OutOfScope):
        services.document_add(
            application=registration, by=other, upload=upload(), kind=DocumentKind.PORTRAIT
        )


@pytest.mark.django_db
def test_a_home_visit_puts_a_waiting_application_under_review(org, officer, registration):
    visit = services.home_visit_record(
        application=registration,
        by=officer,
        visited_on=timezone.localdate(),
        result="confirmed",
        note="房东在场",
    )
    registration.refresh_from_db()
    assert registration.status == S.UNDER_REVIEW
    assert visit.officer == officer
    with pytest.raises(DomainError):
        services.home_visit_record(
            application=registration,
            by=officer,
            visited_on=timezone.localdate() + timedelta(days=1),
            result="confirmed",
        )


@pytest.mark.django_db
def test_a_desk_officer_files_for_a_walk_in_and_a_second_open_one_is_a_conflict(org):
    desk = org.user(XIPENG_DESK)
    kwargs = dict(
        by=desk,
        kind=ApplicationKind.REGISTRATION,
        community=org.yingxin,
        name="李四",
        id_number=ID_NUMBER,
        phone="13812345678",
        basis="housing",
        address_text="迎新村1组1号",
    )
    application = services.application_create(**kwargs)
    assert application.applicant is None and application.created_by == desk
    with pytest.raises(Conflict):
        services.application_create(**kwargs)


@pytest.mark.django_db
def test_a_revoked_permit_cannot_be_endorsed(org, citizen, officer):
    with freeze_time("2026-01-05"):
        registration = new_registration(org, citizen)
        services.application_submit(application=registration, by=citizen)
        services.application_approve(application=registration, by=officer, documents_confirmed=True)
    with freeze_time("2026-08-01"):
        application = services.permit_application_start(
            certificate=registration.certificate, by=citizen, basis="housing"
        )
        services.application_submit(application=application, by=citizen)
        services.application_approve(application=application, by=officer, documents_confirmed=True)
        permit = application.permit
        services.permit_revoke(permit=permit, by=officer, reason="虚假材料")
        assert ResidencePermit.objects.get(pk=permit.pk).state == PermitState.REVOKED
    with freeze_time("2027-07-20"), pytest.raises(Conflict):
        services.permit_endorse(permit=permit, by=officer)


@pytest.mark.django_db
def test_counts_per_post_and_day_for_the_statistics(org, citizen, officer):
    from apps.core.idnumbers import MALE, make_id_number
    from apps.permits.selectors import counts_per_post_and_day

    with freeze_time("2026-03-02 10:00"):
        first = new_registration(org, citizen)
        services.application_submit(application=first, by=citizen)
    with freeze_time("2026-03-03 10:00"):
        services.application_approve(application=first, by=officer, documents_confirmed=True)
        second = new_registration(
            org,
            citizen,
            id_number=make_id_number(
                region="510104", birth_date=date(1990, 1, 1), sequence=7, gender=MALE
            ),
        )
        services.application_submit(application=second, by=citizen)
    rows = counts_per_post_and_day(user=officer, start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert rows == [
        {
            "post_id": org.park_post.pk,
            "day": date(2026, 3, 2),
            "applications": 1,
            "certificates": 0,
            "permits": 0,
            "enterprise_workers": 0,
        },
        {
            "post_id": org.park_post.pk,
            "day": date(2026, 3, 3),
            "applications": 1,
            "certificates": 1,
            "permits": 0,
            "enterprise_workers": 0,
        },
    ]
    assert (
        counts_per_post_and_day(
            user=org.user(SHUANGFENG_DESK), start=date(2026, 3, 1), end=date(2026, 3, 31)
        )
        == []
    )


@pytest.mark.django_db
def test_a_second_permit_is_refused_while_one_is_held(org, citizen, officer):
    with freeze_time("2026-01-05"):
        registration = new_registration(org, citizen)
        services.application_submit(application=registration, by=citizen)
        services.application_approve(application=registration, by=officer, documents_confirmed=True)
    with freeze_time("2026-08-01"):
        application = services.permit_application_start(
            certificate=registration.certificate, by=citizen, basis="housing"
        )
        services.application_submit(application=application, by=citizen)
        services.application_approve(application=application, by=officer, documents_confirmed=True)
        with pytest.raises(Conflict):
            services.permit_application_start(
                certificate=registration.certificate, by=citizen, basis="housing"
            )


def test_the_owner_or_permitted_rule_lets_the_applicant_and_an_officer_and_nobody_else(
    org, registration, citizen, officer
):
    # One rule for citizens' own records (apps.core.scoping.owner_or_permitted), on the row
    # read through restrict(): its applicant's, or an officer's with the permission.
    from apps.core.scoping import owner_or_permitted, owns

    perm = "permits.change_permitapplication"
    assert owns(citizen, registration) and not owns(officer, registration)
    assert owner_or_permitted(citizen, registration, perm)
    assert owner_or_permitted(officer, registration, perm)
    assert not owns(org.user(SHUANGFENG_DESK), registration)
    document = registration.documents.first()
    assert owns(citizen, document) and not owns(officer, document)
