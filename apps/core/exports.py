"""Spreadsheet exports, the one XLSX writer. Personal data arrives already masked; cells
that a spreadsheet would run as a formula (=, +, -, @) are neutralised; dates and times are
written as the pages write them, in local time (a stored moment is UTC). Every sheet opens
readable: the header row frozen (and the first columns, for wide tables), each column as
wide as its longest cell among the first rows, fractions rounded to one decimal."""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, time
from io import BytesIO
from itertools import chain, islice

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from apps.core.timefmt import when

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters a sheet's name may not hold (titles name stations and villages).
_NOT_IN_SHEET_TITLES = re.compile(r"[\\*?:/\[\]]")
# The rows that set the columns' widths: a large export streams the rest unmeasured.
WIDTH_SAMPLE = 500
MIN_WIDTH, MAX_WIDTH = 6, 50


def safe_cell(value: object) -> object:
    if isinstance(value, date | time):
        return when(value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: object) -> object:
    """What a cell holds: text made safe; computed figures (hours, minutes, percentages)
    to one decimal, a whole number without its ".0"."""
    if isinstance(value, float):
        value = round(value, 1)
        return int(value) if value.is_integer() else value
    return safe_cell(value)


def _text_width(value: object) -> int:
    """Characters as a spreadsheet lays them out: Chinese (wide) characters take two."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def xlsx_response(
    *,
    filename: str,
    title: str,
    headers: Sequence[object],
    rows: Iterable[Sequence[object]],
    frozen_columns: int = 0,
) -> HttpResponse:
    """One sheet: the header row, then the rows (any iterable, streamed). `frozen_columns`
    keeps that many first columns in view while scrolling sideways (the unit's name of a
    comparison)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_NOT_IN_SHEET_TITLES.sub("-", title)[:31].strip("'"))
    header = [safe_cell(str(h)) for h in headers]
    rest = iter(rows)
    sample = [[_cell(value) for value in row] for row in islice(rest, WIDTH_SAMPLE)]
    # A write-only sheet takes its widths and panes before its first row.
    for index in range(len(header)):
        widest = max(_text_width(row[index]) for row in [header, *sample] if index < len(row))
        width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = f"{get_column_letter(frozen_columns + 1)}2"
    sheet.append(header)
    for row in chain(sample, ([_cell(value) for value in row] for row in rest)):
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
