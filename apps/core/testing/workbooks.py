"""Workbooks for tests: made (whole, damaged or unpacking beyond the limit) and read back."""

import io
import zipfile
from collections.abc import Collection, Mapping, Sequence

from openpyxl import Workbook, load_workbook

SHEET = "xl/worksheets/sheet1.xml"
ROW = (
    '<row><c t="inlineStr"><is><t>王强</t></is></c>'
    '<c t="inlineStr"><is><t>511621199002030071</t></is></c></row>'
)


def workbook(*rows: Sequence[object]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_rows(content: bytes) -> list[tuple[object, ...]]:
    """The first sheet's rows, as values."""
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def rebuilt(
    content: bytes,
    *,
    drop: Collection[str] = (),
    replace: Mapping[str, bytes | str] | None = None,
) -> bytes:
    """The workbook's zip with parts left out or replaced."""
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for part in source.infolist():
            if part.filename not in drop:
                target.writestr(part.filename, replace.get(part.filename, source.read(part)))
    return out.getvalue()


def padded_sheet(content: bytes, *, rows: int, tail: str = "") -> bytes:
    """The first sheet followed by `rows` copies of one row (and `tail` after them)."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheet = book.read(SHEET).decode()
    row = ROW
    padded = sheet.replace("</sheetData>", row * rows + tail + "</sheetData>")
    return rebuilt(content, replace={SHEET: padded.encode()})


def zip_bomb(header: Sequence[object]) -> bytes:
    """A real workbook whose sheet unpacks to 51 MB (the limit is 50): a few hundred KB."""
    return padded_sheet(workbook(header), rows=51 * 1024 * 1024 // len(ROW.encode()))
