"""The one XLSX writer (apps/core/exports): every sheet opens with its header row frozen,
columns as wide as their text (Chinese counted double), figures to one decimal, formulas
neutralised, and a long export streamed whole."""

from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from apps.core.exports import WIDTH_SAMPLE, xlsx_response


def _sheet(response):
    return load_workbook(BytesIO(response.content)).active


def test_it_freezes_the_header_sizes_columns_and_rounds_figures():
    response = xlsx_response(
        filename="x.xlsx",
        title="西彭/园区[1]",
        headers=["警务站", "Hours", "Score"],
        rows=[["西彭园区警务站", 12.3456, Decimal("87.25")], ["=cmd", 10.0, 3]],
    )
    assert response["Content-Disposition"] == 'attachment; filename="x.xlsx"'
    sheet = _sheet(response)
    assert sheet.title == "西彭-园区-1-"
    assert sheet.freeze_panes == "A2"
    assert list(sheet.iter_rows(values_only=True)) == [
        ("警务站", "Hours", "Score"),
        ("西彭园区警务站", 12.3, 87.25),  # exact decimals stay as they are
        ("'=cmd", 10, 3),
    ]
    assert sheet.column_dimensions["A"].width == 2 * 7 + 2
    assert sheet.column_dimensions["B"].width == 7  # "Hours" + 2
    assert sheet.column_dimensions["C"].width == 7


def test_a_wide_table_keeps_its_first_columns_and_caps_widths():
    sheet = _sheet(
        xlsx_response(
            filename="x.xlsx",
            title="t",
            headers=["单位", "说明"],
            rows=[["站", "长" * 200]],
            frozen_columns=1,
        )
    )
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["A"].width == 6
    assert sheet.column_dimensions["B"].width == 50


def test_a_long_export_streams_every_row_after_the_measured_ones():
    total = WIDTH_SAMPLE + 250
    rows = ([n, "短"] if n < WIDTH_SAMPLE else [n, "这一行在测量之后"] for n in range(total))
    sheet = _sheet(xlsx_response(filename="x.xlsx", title="t", headers=["n", "text"], rows=rows))
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == total + 1 and values[-1] == (total - 1, "这一行在测量之后")
    assert sheet.column_dimensions["B"].width == 6  # measured on the first rows only
