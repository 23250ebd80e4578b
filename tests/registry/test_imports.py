"""Imports of collected population data: preview with every rejected row, then one
transaction — all accepted rows or none."""

from datetime import date
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse

from apps.core.idnumbers import FEMALE, MALE, make_id_number
from apps.core.testing.personas import XIPENG_COMMUNITY, XIPENG_DESK, XIPENG_LEADER
from apps.core.testing.workbooks import SHEET, rebuilt, workbook, zip_bomb
from apps.core.uploads import CheckedUpload, store_private
from apps.registry import services
from apps.registry.imports import CHECKERS
from apps.registry.models import Address, HotelStay, ImportBatch, Person, Unit

from .factories import AddressFactory, PersonFactory, UnitFactory

WANG = make_id_number(region="511621", birth_date=date(1990, 2, 3), sequence=7, gender=MALE)
ZHAO = make_id_number(region="522425", birth_date=date(1993, 8, 9), sequence=8, gender=FEMALE)
BAD_CHECK = WANG[:17] + ("0" if WANG[17] != "0" else "1")
HEADER = "姓名,身份证号码,性别,联系电话,人员类别\n"


def csv_upload(text: str, name="floating.csv"):
    return SimpleUploadedFile(name, (HEADER + text).encode("utf-8"), content_type="text/csv")


def upload(client, file, kind="persons", **extra):
    return client.post(reverse("registry:import_create"), {"file": file, "kind": kind, **extra})


def import_and_commit(client, kind, text, capture, **extra):
    file = SimpleUploadedFile(f"{kind}.csv", text.encode("utf-8"), content_type="text/csv")
    with capture(execute=True):
        upload(client, file, kind=kind, **extra)
    batch = ImportBatch.objects.latest("id")
    with capture(execute=True):
        client.post(reverse("registry:import_commit", args=[batch.pk]))
    batch.refresh_from_db()
    return batch


@pytest.fixture
def leader(client, org):
    client.force_login(org.user(XIPENG_LEADER))
    return client


def test_the_preview_lists_every_rejected_row_and_saves_nothing(
    leader, org, django_capture_on_commit_callbacks
):
    text = (
        f"王强,{WANG},男,13983001111,流动\n赵丽,{ZHAO},女,,流动\n"
        f"坏号码,{BAD_CHECK},男,,流动\n重复,{WANG},男,,流动\n无类别,{ZHAO[:-1]}X,,,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(leader, csv_upload(text))
    batch = ImportBatch.objects.get()
    assert response["Location"] == batch.get_absolute_url()
    assert (batch.status, batch.total_rows, batch.accepted_rows, batch.rejected_count) == (
        "checked",
        5,
        2,
        3,
    )
    reasons = {item["row"]: item["message"] for item in batch.rejected}
    assert "最后一位应为" in reasons[4]
    assert reasons[5] == "与第 2 行的身份证号码相同。"
    assert set(reasons) == {4, 5, 6}
    assert not Person.objects.exists()
    page = leader.get(batch.get_absolute_url()).content.decode()
    assert "最后一位应为" in page and "提交 2 行" in page


def test_committing_saves_the_accepted_rows_and_only_once(
    leader, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(leader, csv_upload(f"王强,{WANG},男,13983001111,流动\n"))
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        leader.post(reverse("registry:import_commit", args=[batch.pk]))
    batch.refresh_from_db()
    person = Person.objects.get()
    assert batch.status == "committed"
    assert (person.name, person.station, person.category, person.domicile_province) == (
        "王强",
        org.xipeng,
        "floating",
        "51",
    )
    again = leader.post(reverse("registry:import_commit", args=[batch.pk]), follow=True)
    assert "该导入不在等待提交的状态" in again.content.decode()
    assert Person.objects.count() == 1


def test_a_failure_during_the_commit_saves_nothing(leader, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(leader, csv_upload(f"王强,{WANG},男,,流动\n赵丽,{ZHAO},女,,流动\n"))
    batch = ImportBatch.objects.get()
    with (
        mock.patch.object(Person.objects, "bulk_create", side_effect=DatabaseError("disk full")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        leader.post(reverse("registry:import_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "failed" and "disk full" in batch.failure
    assert not Person.objects.exists()


def test_registered_persons_are_updated_only_when_asked(
    leader, org, django_capture_on_commit_callbacks
):
    PersonFactory(
        station=org.xipeng,
        id_number=WANG,
        birth_date=date(1990, 2, 3),
        gender=MALE,
        name="王旧名",
        category="permanent",
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload(leader, csv_upload(f"王强,{WANG},男,,流动\n"))
        upload(leader, csv_upload(f"王强,{WANG},男,,流动\n"), update_existing="on")
    refused, updating = ImportBatch.objects.order_by("id")
    assert refused.rejected_count == 1 and "已登记" in refused.rejected[0]["message"]
    assert (updating.accepted_rows, updating.updated_rows) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        leader.post(reverse("registry:import_commit", args=[updating.pk]))
    assert Person.objects.get().name == "王强"


def test_a_person_of_another_station_is_not_overwritten_nor_said_to_be_registered(
    leader, org, django_capture_on_commit_callbacks
):
    PersonFactory(station=org.shuangfeng, id_number=WANG, birth_date=date(1990, 2, 3), gender=MALE)
    with django_capture_on_commit_callbacks(execute=True):
        upload(leader, csv_upload(f"王强,{WANG},男,,流动\n"), update_existing="on")
        upload(leader, csv_upload(f"王强,{WANG},男,,流动\n"))
    for batch in ImportBatch.objects.all():
        message = batch.rejected[0]["message"]
        assert message == "此身份证号码不能在此登记。请与身份证核对；如无误，请联系分局管理员。"
        assert "已登记" not in message and "双凤" not in message


def test_an_xlsx_file_imports_like_a_csv(leader, org, django_capture_on_commit_callbacks):
    content = workbook(
        ["姓名", "身份证号码", "人员类别", "户籍地址"],
        ["赵丽", ZHAO.lower(), "流动人口", "贵州省毕节市"],
    )
    file = SimpleUploadedFile("grid.xlsx", content)
    with django_capture_on_commit_callbacks(execute=True):
        upload(leader, file)
    assert ImportBatch.objects.get().accepted_rows == 1


def test_a_file_without_the_required_columns_fails_with_the_reason(
    leader, org, django_capture_on_commit_callbacks
):
    file = SimpleUploadedFile("wrong.csv", "名字,号码\n张三,1\n".encode())
    with django_capture_on_commit_callbacks(execute=True):
        upload(leader, file)
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and "缺少列" in batch.failure


def test_other_file_types_are_refused(leader, org):
    file = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    page = upload(leader, file).content.decode()
    assert "请上传 XLSX 或 CSV 文件" in page
    assert not ImportBatch.objects.exists()


def test_imports_need_the_role_and_stay_in_the_station(client, org):
    client.force_login(org.user(XIPENG_DESK))
    assert client.get(reverse("registry:import_create")).status_code == 403
    client.force_login(org.user(XIPENG_COMMUNITY))
    assert client.get(reverse("registry:import_create")).status_code == 200


def test_addresses_are_imported_with_their_standard_text(
    leader, org, django_capture_on_commit_callbacks
):
    text = (
        "村（社区）,路,门牌号,栋,单元,室\n迎新村,一组,12,3,1,302\n"
        "不存在村,一组,1,,,\n迎新村,一组,12,3,1,302\n"
    )
    batch = import_and_commit(leader, "addresses", text, django_capture_on_commit_callbacks)
    assert (batch.status, batch.accepted_rows, batch.rejected_count) == ("committed", 1, 2)
    assert Address.objects.get().text == "迎新村一组12号3栋1单元302室"
    assert "不存在村" in batch.rejected[0]["message"]


def test_units_are_imported_at_standard_addresses_and_updated_on_request(
    leader, org, django_capture_on_commit_callbacks
):
    address = AddressFactory(community=org.yingxin, road="铝城大道", number="8", building="")
    text = (
        f"名称,类别,标准地址,从业人数\n园区铝材厂,企业,{address.text},300\n"
        f"无名地址厂,企业,火星路1号,5\n"
    )
    batch = import_and_commit(leader, "units", text, django_capture_on_commit_callbacks)
    assert (batch.accepted_rows, batch.rejected_count) == (1, 1)
    assert Unit.objects.get().staff_count == 300
    again = f"名称,类别,标准地址,从业人数\n园区铝材厂,企业,{address.text},320\n"
    batch = import_and_commit(
        leader, "units", again, django_capture_on_commit_callbacks, update_existing="on"
    )
    assert (batch.updated_rows, Unit.objects.get().staff_count) == (1, 320)


def test_hotel_stays_are_imported_for_registered_guests(
    leader, org, django_capture_on_commit_callbacks
):
    guest = PersonFactory(station=org.xipeng)
    UnitFactory(address=AddressFactory(community=org.yingxin), name="铝城宾馆")
    text = (
        "身份证号码,旅馆,房间,入住时间,退房时间\n"
        f"{guest.id_number},铝城宾馆,8206,2026-11-20 21:30,2026-11-21 09:00\n"
        f"{WANG},铝城宾馆,8207,2026-11-20 22:00,\n"
        f"{guest.id_number},铝城宾馆,8208,昨天晚上,\n"
    )
    batch = import_and_commit(leader, "hotel_stays", text, django_capture_on_commit_callbacks)
    assert (batch.accepted_rows, batch.rejected_count) == (1, 2)
    stay = HotelStay.objects.get()
    assert (stay.person, stay.room) == (guest, "8206")
    reasons = [item["message"] for item in batch.rejected]
    assert "不在本单位的人口库中" in reasons[0] and "入住时间" in reasons[1]


def stored_batch(org, content: bytes, kind="persons") -> ImportBatch:
    """A batch whose file reached the worker (stored before today's checks, or damaged
    in between): the worker's own reading must cope with it."""
    return ImportBatch.objects.create(
        station=org.xipeng,
        uploaded_by=org.user(XIPENG_LEADER),
        file=store_private(CheckedUpload(content=content, kind="xlsx"), folder="imports"),
        file_name="list.xlsx",
        kind=kind,
    )


def test_a_workbook_unpacking_beyond_50_mb_is_refused_at_the_upload(leader, org):
    bomb = zip_bomb(["姓名", "身份证号码", "人员类别"])
    page = upload(leader, SimpleUploadedFile("grid.xlsx", bomb)).content.decode()
    assert "表格过大：解压后超过 50 MB" in page
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("no workbook part", "此文件不是 XLSX 工作簿。"),
        ("no sheet", "表格已损坏，无法读取。"),
        ("unpacks to 51 MB", "表格过大：解压后超过 50 MB。请拆分成较小的文件后再上传。"),
    ],
)
def test_a_file_the_worker_cannot_read_fails_its_batch_with_the_reason(org, damage, reason):
    header = ["姓名", "身份证号码", "人员类别"]
    good = workbook(header, ["王强", WANG, "流动"])
    content = {
        "no workbook part": rebuilt(good, drop=("xl/workbook.xml",)),
        "no sheet": rebuilt(good, drop=(SHEET,)),
        "unpacks to 51 MB": zip_bomb(header),
    }[damage]
    batch = stored_batch(org, content)
    services.import_check(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.failure) == ("failed", reason)


def test_an_unforeseen_error_in_the_check_fails_the_batch_and_logs_it_once(
    leader, org, django_capture_on_commit_callbacks, caplog
):
    with (
        mock.patch.dict(CHECKERS, {"persons": mock.Mock(side_effect=RuntimeError("boom"))}),
        django_capture_on_commit_callbacks(execute=True),
    ):
        upload(leader, csv_upload(f"王强,{WANG},男,,流动\n"))
    batch = ImportBatch.objects.get()
    assert batch.status == "failed"
    assert batch.failure.startswith("文件因意外错误未能读完")
    errors = [r for r in caplog.records if r.name == "apps.core.spreadsheets"]
    assert len(errors) == 1 and errors[0].exc_info[0] is RuntimeError
    page = leader.get(batch.get_absolute_url()).content.decode()
    assert "文件因意外错误未能读完" in page


def test_an_unforeseen_error_in_the_commit_fails_the_batch(
    leader, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(leader, csv_upload(f"王强,{WANG},男,,流动\n"))
    batch = ImportBatch.objects.get()
    with (
        mock.patch.object(Person.objects, "bulk_create", side_effect=RuntimeError("boom")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        leader.post(reverse("registry:import_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.failure.startswith("文件因意外错误未能读完")
    assert not Person.objects.exists()
