"""Spreadsheet exports. Personal data arrives already masked; cells that a spreadsheet
would run as a formula (=, +, -, @) are neutralised; dates and times are written as the
pages write them, in local time (a stored moment is UTC)."""

import re
from datetime import date, time
from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook

from apps.core.timefmt import when

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters a sheet's name may not hold (titles name stations and villages).
_NOT_IN_SHEET_TITLES = re.compile(r"[\\*?:/\[\]]")


def safe_cell(value):
    if isinstance(value, date | time):
        return when(value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_response(*, filename: str, title: str, headers: list[str], rows) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_NOT_IN_SHEET_TITLES.sub("-", title)[:31].strip("'"))
    sheet.append([safe_cell(str(h)) for h in headers])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
