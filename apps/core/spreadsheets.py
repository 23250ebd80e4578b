"""Lists to import (XLSX workbooks, CSV text) read the one way every importer uses.

`read_table` streams: the header first — a list without a required column is refused
before a single row is read — then the rows one at a time, never the whole sheet in
memory. A workbook is checked as an archive before openpyxl opens it: it must hold its
workbook part, no macros, and unpack to at most MAX_UNPACKED_BYTES (the sum of the zip
members' sizes: a 777 KB file that unpacks to a 190 MB sheet is refused at once). A list
holds at most MAX_ROWS rows. Every refusal is a `SpreadsheetError` with a message for the
user; `failure_reason` turns whatever stopped a background import into the reason its
batch shows, so that no batch is left "checking" for good.
"""

import csv
import io
import logging
import zipfile
from collections.abc import Generator
from typing import TYPE_CHECKING
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .errors import DomainError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

MAX_ROWS = 200_000
# A list of 200,000 rows of a dozen columns unpacks to ~50 MB; beyond that is no list but
# a zip bomb (or a sheet the worker would spend minutes and hundreds of MB on).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # what Excel and WPS save on Chinese systems
WORKBOOK_PARTS = {"[Content_Types].xml", "xl/workbook.xml"}
# What openpyxl raises on parts that are missing or do not parse.
_UNREADABLE = (
    InvalidFileException,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    ParseError,
    OSError,
    EOFError,
)


class SpreadsheetError(DomainError):
    """The list as a whole cannot be read; `reason` is for the log (no file name: it may
    hold personal data)."""

    code = "invalid_upload"

    def __init__(self, message: "StrOrPromise", *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or str(message)


def check_workbook_archive(content: bytes) -> None:
    """Refuse a zip that is no workbook, runs code or unpacks beyond the limit — from the
    archive's directory alone, before anything is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise SpreadsheetError(
            _("The spreadsheet is damaged and cannot be read."), reason="bad zip"
        ) from None
    names = {part.filename for part in parts}
    if not names >= WORKBOOK_PARTS:
        raise SpreadsheetError(_("This file is no XLSX workbook."), reason="zip without a workbook")
    if any(_runs_code(name) for name in names):
        raise SpreadsheetError(
            _("Workbooks with macros or embedded programs are not accepted."), reason="macros"
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            _(
                "The spreadsheet is too large: unpacked it holds more than %(mb)d MB. "
                "Split it into smaller files."
            )
            % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)},
            reason=f"zip bomb: unpacks to {unpacked} bytes",
        )


def _runs_code(part: str) -> bool:
    """VBA macros, ActiveX controls and embedded OLE programs (printer settings, also
    .bin, are harmless)."""
    part = part.lower()
    return "vbaproject" in part or part.startswith(("xl/activex/", "xl/embeddings/"))


def read_table(
    data: bytes, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> Generator[dict[str, str], None, None]:
    """The non-empty rows of a list as dicts keyed by the names of `columns` (each name:
    the header titles it may have, lower case). A generator: the first `next()` checks the
    file and its header, every further one reads one more row."""
    rows = _workbook_rows(data) if data[:4] == b"PK\x03\x04" else _text_rows(data)
    try:
        header = next(rows, None)
        if not header:
            raise SpreadsheetError(_("The file is empty."))
        found = {}
        for index, title in enumerate(header):
            for name, titles in columns.items():
                if title.lower() in titles:
                    found[name] = index
        missing = [columns[name][0] for name in required if name not in found]
        if missing:
            raise SpreadsheetError(
                _("Missing columns: %(columns)s.") % {"columns": "、".join(missing)}
            )
        for count, row in enumerate(rows, start=1):
            if count > MAX_ROWS:
                raise SpreadsheetError(
                    _("A file may hold at most %(n)d rows.") % {"n": MAX_ROWS},
                    reason=f"over {MAX_ROWS} rows",
                )
            if any(row):
                yield {name: row[i] if i < len(row) else "" for name, i in found.items()}
    finally:
        rows.close()


def _workbook_rows(data: bytes) -> Generator[list[str], None, None]:
    """The first sheet's rows, streamed (openpyxl's read-only mode parses the sheet as it
    goes); a workbook whose parts are missing or do not parse is refused as a whole."""
    check_workbook_archive(data)
    book = None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.active
        if sheet is None or not hasattr(sheet, "iter_rows"):
            raise SpreadsheetError(
                _("The spreadsheet is damaged and cannot be read."), reason="no worksheet"
            )
        for row in sheet.iter_rows(values_only=True):
            yield [("" if value is None else str(value)).strip() for value in row]
    except _UNREADABLE as exc:
        raise SpreadsheetError(
            _("The spreadsheet is damaged and cannot be read."),
            reason=f"unreadable workbook: {type(exc).__name__}",
        ) from None
    finally:
        if book is not None:
            book.close()


def _text_rows(data: bytes) -> Generator[list[str], None, None]:
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SpreadsheetError(_("The file is neither a spreadsheet nor readable text."))
    try:
        for row in csv.reader(io.StringIO(text)):
            yield [cell.strip() for cell in row]
    except csv.Error:
        raise SpreadsheetError(_("The file is neither a spreadsheet nor readable text.")) from None


def failure_reason(exc: BaseException) -> str:
    """What a batch whose background reading stopped on `exc` shows as its reason: the
    refusal's own message, or — for anything unforeseen, logged here with its traceback
    for the operators — a message that says what to do."""
    if isinstance(exc, DomainError):
        return str(exc.message)[:300]
    logger.error("import stopped by an unexpected error", exc_info=exc)
    return _(
        "The file could not be read to the end because of an unexpected error. Check it "
        "and upload it again; if this happens again, tell the administrator."
    )
