"""The one reader of lists to import (issue 18 item 7): the archive is checked before
openpyxl opens it, the header before any row, the rows streamed and counted."""

from unittest import mock

import pytest

from apps.core import spreadsheets
from apps.core.spreadsheets import SpreadsheetError, read_table
from apps.core.testing.workbooks import SHEET, padded_sheet, rebuilt, workbook, zip_bomb

COLUMNS = {"name": ("姓名", "name"), "id_number": ("身份证号码", "id_number")}
REQUIRED = ("name", "id_number")


def test_a_workbook_that_unpacks_beyond_50_mb_is_refused_before_openpyxl_opens_it():
    bomb = zip_bomb(["姓名", "身份证号码"])
    assert len(bomb) < 1024 * 1024
    with (
        mock.patch.object(spreadsheets, "load_workbook", side_effect=AssertionError("opened")),
        pytest.raises(SpreadsheetError) as refused,
    ):
        list(read_table(bomb, COLUMNS, REQUIRED))
    assert refused.value.message == "表格过大：解压后超过 50 MB。请拆分成较小的文件后再上传。"


def test_a_missing_column_is_refused_from_the_header_before_any_row_is_read():
    # The rows after the header end in a part that does not parse: reading them would say
    # "damaged"; the header alone already says what is wrong.
    rows = [["王强", "男"]] * 20_000
    broken = padded_sheet(workbook(["姓名", "性别"], *rows), rows=0, tail="<row><c><v>不完整")
    with pytest.raises(SpreadsheetError, match="表格已损坏"):
        list(read_table(broken, COLUMNS, ()))
    with pytest.raises(SpreadsheetError) as refused:
        next(read_table(broken, COLUMNS, REQUIRED))
    assert refused.value.message == "缺少列：身份证号码。"


def test_rows_are_read_one_at_a_time_up_to_the_cap(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 3)
    rows = read_table("姓名,身份证号码\n甲,1\n乙,2\n丙,3\n丁,4\n".encode(), COLUMNS, REQUIRED)
    assert [next(rows)["name"] for _n in range(3)] == ["甲", "乙", "丙"]
    with pytest.raises(SpreadsheetError, match="最多 3 行"):
        next(rows)


def test_a_workbook_without_its_workbook_part_or_its_sheet_is_refused_as_damaged():
    good = workbook(["姓名", "身份证号码"], ["王强", "1"])
    assert list(read_table(good, COLUMNS, REQUIRED)) == [{"name": "王强", "id_number": "1"}]
    without_workbook = rebuilt(good, drop=("xl/workbook.xml",))
    with pytest.raises(SpreadsheetError, match="不是 XLSX 工作簿"):
        list(read_table(without_workbook, COLUMNS, REQUIRED))
    without_sheet = rebuilt(good, drop=(SHEET,))
    with pytest.raises(SpreadsheetError, match="表格已损坏"):
        list(read_table(without_sheet, COLUMNS, REQUIRED))
