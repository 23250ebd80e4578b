"""An enterprise in the park declares its new workers from a spreadsheet: every good row
becomes a submitted registration an officer confirms, every bad row a line of the report."""

from datetime import date
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from apps.accounts import roles
from apps.accounts.choices import UserKind
from apps.core.errors import DomainError, OutOfScope
from apps.core.idnumbers import FEMALE, MALE, make_id_number
from apps.core.progress import get_progress
from apps.core.testing.factories import UserFactory
from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_COMMUNITY, XIPENG_DESK
from apps.core.testing.workbooks import workbook
from apps.permits import enterprise, services
from apps.permits.models import (
    EnterpriseContact,
    EnterpriseRegistration,
    PermitApplication,
    ResidenceCertificate,
)
from tests.registry.factories import AddressFactory, UnitFactory

from .conftest import ID_NUMBER, new_registration


def worker_id(n, gender=MALE):
    return make_id_number(region="520102", birth_date=date(1998, 1, 1), sequence=n, gender=gender)


@pytest.fixture
def aluminium(org):
    dormitory = AddressFactory(community=org.yingxin, road="铝城大道", number="8")
    return UnitFactory(address=dormitory, name="西彭某铝业公司", kind="enterprise")


@pytest.fixture
def contact_user(aluminium):
    user = UserFactory(username="13988887777", kind=UserKind.CITIZEN, role=roles.CITIZEN)
    EnterpriseContact.objects.create(user=user, unit=aluminium)
    return user


def xlsx(rows) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "workers.xlsx", workbook(["姓名", "身份证号码", "手机", "居住地址"], *rows)
    )


@pytest.mark.django_db
def test_good_rows_are_registered_and_bad_rows_reported(
    org, citizen, aluminium, django_capture_on_commit_callbacks
):
    new_registration(org, citizen)  # applying herself: the enterprise is not told
    wrong = worker_id(3)[:17] + ("0" if worker_id(3)[17] != "0" else "1")
    rows = [
        ["刘一", worker_id(1), "13900000001", ""],
        ["陈二", worker_id(2, FEMALE), "13900000002", "铝城大道8号宿舍3-201"],
        ["张三", wrong, "13900000003", ""],
        ["", worker_id(4), "13900000004", ""],
        ["刘一", worker_id(1), "13900000001", ""],
        ["王小红", ID_NUMBER, "13912345678", ""],
        ["李五", worker_id(5), "12345", ""],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        batch = enterprise.enterprise_upload(
            by=org.user(XIPENG_DESK), enterprise=aluminium, upload=xlsx(rows)
        )
    batch.refresh_from_db()
    assert batch.status == "done"
    assert (batch.total_rows, batch.registered_rows) == (7, 3)
    assert [r["row"] for r in batch.rejected] == [4, 5, 6, 8]
    assert get_progress(batch.progress_key)["percent"] == 100
    registered = PermitApplication.objects.filter(enterprise=aluminium)
    # Declared, not decided: in the queue, accepted (the 15 days run), nobody's decision yet.
    assert {a.status for a in registered} == {"submitted"}
    assert {a.batch_id for a in registered} == {batch.pk}
    assert all(a.accepted_at and a.decided_by is None for a in registered)
    assert not ResidenceCertificate.objects.filter(application__enterprise=aluminium).exists()
    liu = registered.get(name="刘一")
    assert liu.address == aluminium.address and liu.post == org.park_post
    assert registered.get(name="陈二").address_text == "铝城大道8号宿舍3-201"
    # A redelivered task does nothing more.
    enterprise.enterprise_register(batch_id=batch.pk)
    assert registered.count() == 3
    # A worker on one of the enterprise's earlier lists is refused on the next one.
    with django_capture_on_commit_callbacks(execute=True):
        again = enterprise.enterprise_upload(
            by=org.user(XIPENG_DESK), enterprise=aluminium, upload=xlsx([rows[0]])
        )
    again.refresh_from_db()
    assert again.registered_rows == 0
    assert again.rejected[0]["error"] == gettext(
        "This person is already on one of this enterprise's lists."
    )


@pytest.mark.django_db
def test_an_officer_confirms_each_declared_row_and_is_its_decider(
    client, org, aluminium, contact_user, django_capture_on_commit_callbacks
):
    rows = [["刘一", worker_id(1), "13900000001", ""], ["陈二", worker_id(2), "13900000002", ""]]
    with django_capture_on_commit_callbacks(execute=True):
        batch = enterprise.enterprise_upload(
            by=contact_user, enterprise=aluminium, upload=xlsx(rows)
        )
    officer = org.user(XIPENG_COMMUNITY)
    client.force_login(officer)
    card = client.get(reverse("permits:enterprise_batch", args=[batch.pk]))
    assert card.context["batch"].awaiting == 2
    listed = client.get(reverse("permits:application_list"), {"batch": batch.pk})
    assert {a.name for a in listed.context["page_obj"]} == {"刘一", "陈二"}
    liu = PermitApplication.objects.get(name="刘一")
    services.application_approve(application=liu, by=officer)
    liu.refresh_from_db()
    assert (liu.status, liu.decided_by) == ("approved", officer)
    assert liu.decided_by != contact_user
    assert ResidenceCertificate.objects.filter(application=liu).count() == 1
    assert (
        client.get(reverse("permits:enterprise_batch", args=[batch.pk])).context["batch"].awaiting
        == 1
    )
    # The enterprise's contact cannot decide.
    chen = PermitApplication.objects.get(name="陈二")
    with pytest.raises(DomainError):
        services.application_approve(application=chen, by=contact_user)


@pytest.mark.django_db
def test_a_file_that_is_not_a_spreadsheet_is_refused(org, aluminium):
    with pytest.raises(DomainError):
        enterprise.enterprise_upload(
            by=org.user(XIPENG_DESK),
            enterprise=aluminium,
            upload=SimpleUploadedFile("workers.xlsx", b"\x89PNG\r\n\x1a\n not a sheet"),
        )
    assert not EnterpriseRegistration.objects.exists()


@pytest.mark.django_db
def test_a_sheet_without_the_columns_fails_with_a_message(
    org, aluminium, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = enterprise.enterprise_upload(
            by=org.user(XIPENG_DESK),
            enterprise=aluminium,
            upload=SimpleUploadedFile("workers.csv", "名字,电话\n张三,139\n".encode()),
        )
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.failure
    assert not PermitApplication.objects.exists()


@pytest.mark.django_db
def test_another_stations_enterprise_is_out_of_scope(org, aluminium):
    with pytest.raises(OutOfScope):
        enterprise.enterprise_upload(
            by=org.user(SHUANGFENG_DESK), enterprise=aluminium, upload=xlsx([])
        )


@pytest.mark.django_db
def test_the_page_and_the_api(client, org, aluminium, django_capture_on_commit_callbacks):
    client.force_login(org.user(XIPENG_DESK))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("permits:enterprise_batches"),
            {"enterprise": aluminium.pk, "file": xlsx([["刘一", worker_id(1), "13900000001", ""]])},
        )
    assert response.status_code == 302
    page = client.get(reverse("permits:enterprise_batches"))
    [batch] = page.context["page_obj"]
    assert batch.registered_rows == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterpriseregistration-list"),
            {"enterprise": aluminium.pk, "file": xlsx([["陈二", worker_id(2), "13900000002", ""]])},
        )
    assert response.status_code == 201, response.content
    body = client.get(reverse("enterpriseregistration-detail", args=[response.json()["id"]]))
    assert body.json()["registered_rows"] == 1 and body.json()["progress"] == 100
    client.force_login(org.user(SHUANGFENG_DESK))
    assert client.get(reverse("enterpriseregistration-list")).json()["results"] == []


@pytest.mark.django_db
def test_the_officers_page_polls_a_list_being_registered(client, org, aluminium):
    batch = EnterpriseRegistration.objects.create(
        station=org.xipeng,
        enterprise=aluminium,
        uploaded_by=org.user(XIPENG_DESK),
        file="permits/enterprise/x.csv",
        file_name="workers.csv",
    )
    enterprise.set_progress(batch.progress_key, 1, 4)
    client.force_login(org.user(XIPENG_DESK))
    url = reverse("permits:enterprise_batch", args=[batch.pk])
    page = client.get(reverse("permits:enterprise_batches")).text
    assert f'hx-get="{url}"' in page and 'aria-valuenow="25"' in page
    EnterpriseRegistration.objects.filter(pk=batch.pk).update(status="done")
    assert "hx-trigger" not in client.get(url).text


@pytest.mark.django_db
def test_an_unforeseen_error_in_the_task_fails_the_batch_with_the_reason(
    org, aluminium, django_capture_on_commit_callbacks
):
    rows = [["刘一", worker_id(1), "13900000001", ""]]
    with (
        mock.patch.object(enterprise, "_register_row", side_effect=RuntimeError("boom")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        batch = enterprise.enterprise_upload(
            by=org.user(XIPENG_DESK), enterprise=aluminium, upload=xlsx(rows)
        )
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.finished_at is not None
    assert batch.failure.startswith("文件因意外错误未能读完")


@pytest.mark.django_db
def test_a_missing_column_fails_the_batch_before_any_worker_is_read(
    org, aluminium, django_capture_on_commit_callbacks
):
    content = workbook(
        ["姓名", "身份证号码"],  # no 手机
        *(["刘一", worker_id(n), "13900000001"] for n in range(1, 6)),
    )
    with (
        mock.patch.object(enterprise, "_register_row") as register_row,
        django_capture_on_commit_callbacks(execute=True),
    ):
        batch = enterprise.enterprise_upload(
            by=org.user(XIPENG_DESK),
            enterprise=aluminium,
            upload=SimpleUploadedFile("workers.xlsx", content),
        )
    batch.refresh_from_db()
    assert (batch.status, batch.failure) == ("failed", "缺少列：手机。")
    assert not register_row.called
