"""Approving needs the documents opened first (issue 16, item 14): the review page's viewer
and the tablet's API note which documents the officer opened, and the approval is refused,
in Chinese, unless every one was opened by the approving officer or they confirm that they
checked them otherwise."""

import pytest
from django.urls import reverse

from apps.core.errors import DomainError
from apps.core.testing.personas import XIPENG_DESK
from apps.permits import services
from apps.permits.choices import ApplicationStatus, DocumentKind
from apps.permits.models import DocumentOpening

from .conftest import upload

S = ApplicationStatus


def open_file(client, document, **query):
    return client.get(reverse("permits:document_file", args=[document.pk]), query)


@pytest.mark.django_db
def test_approval_is_refused_in_chinese_until_the_officer_opened_every_document(
    client, officer, registration
):
    documents = list(registration.documents.order_by("kind"))
    client.force_login(officer)
    for document in documents[:-1]:
        assert open_file(client, document).status_code == 200
    with pytest.raises(DomainError) as refused:
        services.application_approve(application=registration, by=officer)
    assert refused.value.code == "documents_not_opened"
    assert "尚未打开" in refused.value.message
    assert documents[-1].get_kind_display() in refused.value.message
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED and not hasattr(registration, "certificate")

    open_file(client, documents[-1])
    services.application_approve(application=registration, by=officer)
    registration.refresh_from_db()
    assert registration.status == S.APPROVED and not registration.documents_confirmed


@pytest.mark.django_db
def test_thumbnails_and_the_applicants_own_look_are_not_an_officers_opening(
    client, citizen, officer, registration
):
    document = registration.documents.first()
    client.force_login(officer)
    assert open_file(client, document, thumbnail="1").status_code == 200
    client.force_login(citizen)
    assert open_file(client, document).status_code == 200
    assert not DocumentOpening.objects.exists()


@pytest.mark.django_db
def test_another_officers_openings_do_not_count_and_an_opening_is_kept_once(
    client, org, officer, registration
):
    desk = org.user(XIPENG_DESK)
    client.force_login(desk)
    for document in registration.documents.all():
        open_file(client, document)
        open_file(client, document)
    assert DocumentOpening.objects.filter(officer=desk).count() == registration.documents.count()
    with pytest.raises(DomainError):
        services.application_approve(application=registration, by=officer)
    services.application_approve(application=registration, by=desk)


@pytest.mark.django_db
def test_an_explicit_confirmation_approves_and_is_recorded(client, officer, registration):
    client.force_login(officer)
    page = client.get(registration.get_absolute_url()).content.decode()
    assert 'name="documents_confirmed"' in page and "未查看" in page
    refused = client.post(reverse("permits:approve", args=[registration.pk]), follow=True)
    assert "批准前请逐一打开查看申请材料" in refused.content.decode()
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED
    client.post(reverse("permits:approve", args=[registration.pk]), {"documents_confirmed": "on"})
    registration.refresh_from_db()
    assert registration.status == S.APPROVED and registration.documents_confirmed
    page = client.get(registration.get_absolute_url()).content.decode()
    assert "经民警确认已核对材料后批准" in page


@pytest.mark.django_db
def test_the_review_page_marks_what_this_officer_opened_and_drops_the_box_when_all_are(
    client, officer, registration, django_assert_max_num_queries
):
    client.force_login(officer)
    for document in registration.documents.all():
        open_file(client, document)
    with django_assert_max_num_queries(20):
        page = client.get(registration.get_absolute_url())
    body = page.content.decode()
    assert body.count('data-opened="1"') == registration.documents.count()
    assert 'name="documents_confirmed"' not in body


@pytest.mark.django_db
def test_a_replaced_document_must_be_opened_again(client, citizen, officer, registration):
    client.force_login(officer)
    for document in registration.documents.all():
        open_file(client, document)
    services.application_ask_supplement(application=registration, by=officer, message="换张清晰的")
    services.document_add(
        application=registration, by=citizen, upload=upload(), kind=DocumentKind.ID_FRONT
    )
    services.application_submit(application=registration, by=citizen)
    with pytest.raises(DomainError, match="身份证"):
        services.application_approve(application=registration, by=officer)


@pytest.mark.django_db
def test_the_queue_offers_one_tap_approval_only_once_every_document_is_opened(
    client, officer, registration
):
    client.force_login(officer)
    approve = reverse("permits:approve", args=[registration.pk])
    queue = client.get(reverse("permits:queue")).content.decode()
    assert approve not in queue and "查看材料后审批" in queue
    for document in registration.documents.all():
        open_file(client, document)
    assert approve in client.get(reverse("permits:queue")).content.decode()
