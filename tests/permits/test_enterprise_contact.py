"""An enterprise's contact person: a citizen's account linked by the station to one unit,
who uploads that unit's workers from the portal and sees that unit's lists, never
another's."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts import roles
from apps.accounts.choices import UserKind
from apps.core.errors import OutOfScope
from apps.core.testing.factories import UserFactory
from apps.core.testing.matrix import ResourceMatrix
from apps.core.testing.personas import (
    ANONYMOUS,
    JLP_ADMIN,
    PERSONAS,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
)
from apps.permits import enterprise
from apps.permits.models import EnterpriseContact, EnterpriseRegistration, PermitApplication
from tests.registry.factories import AddressFactory, UnitFactory

from .test_enterprise import worker_id, xlsx

pytestmark = pytest.mark.django_db


def enterprise_unit(org, name):
    return UnitFactory(address=AddressFactory(community=org.yingxin), name=name, kind="enterprise")


@pytest.fixture
def aluminium(org):
    return enterprise_unit(org, "西彭某铝业公司")


@pytest.fixture
def glass(org):
    return enterprise_unit(org, "西彭某玻璃厂")


@pytest.fixture
def contact(aluminium):
    user = UserFactory(username="13988887777", kind=UserKind.CITIZEN, role=roles.CITIZEN)
    EnterpriseContact.objects.create(user=user, unit=aluminium)
    return user


def desk_batch(org, unit):
    return EnterpriseRegistration.objects.create(
        station=org.xipeng,
        enterprise=unit,
        uploaded_by=org.user(XIPENG_DESK),
        file="permits/enterprise/x.csv",
        file_name=f"{unit.name}.csv",
        status=EnterpriseRegistration.Status.DONE,
    )


def test_the_contact_uploads_for_their_unit_and_sees_its_lists(
    client, org, contact, aluminium, glass, django_capture_on_commit_callbacks
):
    earlier = desk_batch(org, aluminium)  # uploaded at the desk: the contact sees it too
    others = desk_batch(org, glass)
    client.force_login(contact)
    assert reverse("permits:portal_enterprise") in client.get(reverse("permits:portal_home")).text

    rows = [["刘一", worker_id(1), "13900000001", ""], ["张三", "123", "13900000003", ""]]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("permits:portal_enterprise"), {"file": xlsx(rows)})
    assert response.status_code == 302
    batch = EnterpriseRegistration.objects.get(uploaded_by=contact)
    assert batch.enterprise == aluminium and batch.station == org.xipeng
    batch.refresh_from_db()
    assert (batch.status, batch.registered_rows, [r["row"] for r in batch.rejected]) == (
        "done",
        1,
        [3],
    )
    assert PermitApplication.objects.get(enterprise=aluminium).name == "刘一"

    page = client.get(reverse("permits:portal_enterprise"))
    assert {b.pk for b in page.context["page_obj"]} == {batch.pk, earlier.pk}
    assert f'data-batch="{others.pk}"' not in page.text
    card = client.get(reverse("permits:portal_enterprise_batch", args=[batch.pk]))
    assert card.status_code == 200 and card.context["batch"] == batch
    # Another unit's list, even at the same station, is not found.
    assert (
        client.get(reverse("permits:portal_enterprise_batch", args=[others.pk])).status_code == 404
    )


def test_a_list_being_registered_polls_its_progress(client, org, contact, aluminium):
    batch = desk_batch(org, aluminium)
    EnterpriseRegistration.objects.filter(pk=batch.pk).update(status="processing")
    enterprise.set_progress(batch.progress_key, 3, 4)
    client.force_login(contact)
    card = client.get(reverse("permits:portal_enterprise_batch", args=[batch.pk])).text
    assert 'hx-trigger="every 2s"' in card and 'aria-valuenow="75"' in card
    EnterpriseRegistration.objects.filter(pk=batch.pk).update(status="done")
    card = client.get(reverse("permits:portal_enterprise_batch", args=[batch.pk])).text
    assert "hx-trigger" not in card


def test_a_bad_file_is_a_form_error_and_stores_nothing(client, contact):
    client.force_login(contact)
    response = client.post(
        reverse("permits:portal_enterprise"), {"file": SimpleUploadedFile("a.txt", b"hello")}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not EnterpriseRegistration.objects.exists()


def test_the_contact_cannot_upload_for_another_unit(contact, glass):
    with pytest.raises(OutOfScope):
        enterprise.enterprise_upload(by=contact, enterprise=glass, upload=xlsx([]))
    assert not EnterpriseRegistration.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_nobody_without_the_link_reaches_the_contact_pages(client, org, aluminium, persona):
    batch = desk_batch(org, aluminium)
    if persona != ANONYMOUS:
        client.force_login(org.user(persona))
    for url in (
        reverse("permits:portal_enterprise"),
        reverse("permits:portal_enterprise_batch", args=[batch.pk]),
    ):
        response = client.get(url)
        if persona == ANONYMOUS:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("permits:portal_login"))
        else:
            assert response.status_code == 403
    posted = client.post(reverse("permits:portal_enterprise"), {"file": xlsx([])})
    assert posted.status_code == (302 if persona == ANONYMOUS else 403)
    assert EnterpriseRegistration.objects.count() == 1


def test_the_contacts_page_does_not_grow_in_queries(
    client, org, contact, aluminium, django_assert_max_num_queries
):
    for _ in range(3):
        desk_batch(org, aluminium)
    client.force_login(contact)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("permits:portal_enterprise"))
    for _ in range(10):
        desk_batch(org, aluminium)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("permits:portal_enterprise"))


def test_only_a_citizens_account_and_an_enterprise_can_be_linked(org, aluminium):
    officer = org.user(XIPENG_COMMUNITY)
    with pytest.raises(ValidationError) as refused:
        EnterpriseContact(user=officer, unit=aluminium).full_clean()
    assert "user" in refused.value.error_dict
    shop = UnitFactory(address=AddressFactory(community=org.yingxin), kind="shop")
    citizen = UserFactory(kind=UserKind.CITIZEN)
    with pytest.raises(ValidationError) as refused:
        EnterpriseContact(user=citizen, unit=shop).full_clean()
    assert "unit" in refused.value.error_dict


def test_the_bureau_admin_links_a_contact_by_the_account_name(client, org, aluminium):
    citizen = UserFactory(username="13977776666", kind=UserKind.CITIZEN, role=roles.CITIZEN)
    client.force_login(org.user(JLP_ADMIN))
    url = reverse("admin:permits_enterprisecontact_add")
    refused = client.post(url, {"user": org.user(XIPENG_DESK).username, "unit": aluminium.pk})
    assert refused.status_code == 200 and "user" in refused.context["adminform"].form.errors
    response = client.post(url, {"user": "13977776666", "unit": aluminium.pk})
    assert response.status_code == 302, response.context["adminform"].form.errors
    link = EnterpriseContact.objects.get()
    assert (link.user, link.unit, link.station) == (citizen, aluminium, org.xipeng)
    assert enterprise.contact_unit(citizen) == aluminium


class TestEnterpriseContact(ResourceMatrix):
    """Admin only: the bureau's admins in scope, nobody else."""

    def make(self, org):
        unit = enterprise_unit(org, f"企业{EnterpriseContact.objects.count()}")
        return EnterpriseContact.objects.create(
            user=UserFactory(kind=UserKind.CITIZEN, role=roles.CITIZEN), unit=unit
        )


# --- the same through the API (the portal's app) ---------------------------------------------


def test_the_contact_uploads_and_lists_through_the_api(
    client, org, contact, aluminium, glass, django_capture_on_commit_callbacks
):
    earlier = desk_batch(org, aluminium)
    others = desk_batch(org, glass)
    client.force_login(contact)
    rows = [["刘一", worker_id(1), "13900000001", ""]]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enterpriseregistration-list"), {"file": xlsx(rows)})
    assert response.status_code == 201, response.content
    batch = EnterpriseRegistration.objects.get(uploaded_by=contact)
    assert response.json()["id"] == batch.pk and batch.enterprise == aluminium
    listed = client.get(reverse("enterpriseregistration-list")).json()["results"]
    assert {row["id"] for row in listed} == {batch.pk, earlier.pk}
    detail = client.get(reverse("enterpriseregistration-detail", args=[batch.pk])).json()
    assert detail["status"] == "done" and detail["registered_rows"] == 1
    assert client.get(reverse("enterpriseregistration-detail", args=[others.pk])).status_code == 404


def test_the_contact_cannot_upload_for_another_unit_through_the_api(client, contact, glass):
    client.force_login(contact)
    response = client.post(
        reverse("enterpriseregistration-list"), {"enterprise": glass.pk, "file": xlsx([])}
    )
    assert response.status_code == 404 and "error" in response.json()
    bad = client.post(
        reverse("enterpriseregistration-list"), {"file": SimpleUploadedFile("a.txt", b"hello")}
    )
    assert bad.status_code == 400 and "error" in bad.json()
    assert not EnterpriseRegistration.objects.exists()


def test_a_citizen_without_the_link_gets_403_from_the_batches_api(client, org, aluminium):
    desk_batch(org, aluminium)
    citizen = UserFactory(username="13955554444", kind=UserKind.CITIZEN, role=roles.CITIZEN)
    client.force_login(citizen)
    assert client.get(reverse("enterpriseregistration-list")).status_code == 403
    response = client.post(
        reverse("enterpriseregistration-list"), {"enterprise": aluminium.pk, "file": xlsx([])}
    )
    assert response.status_code == 403
    assert EnterpriseRegistration.objects.count() == 1


def test_the_contacts_api_list_does_not_grow_in_queries(
    client, org, contact, aluminium, django_assert_max_num_queries
):
    for _ in range(3):
        desk_batch(org, aluminium)
    client.force_login(contact)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("enterpriseregistration-list"))
    for _ in range(10):
        desk_batch(org, aluminium)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("enterpriseregistration-list"))
    assert len(response.json()["results"]) == 13
