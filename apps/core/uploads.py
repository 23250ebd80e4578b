"""Uploaded files (evidence, documents, spreadsheets): checked by what they contain, not by
their name, re-encoded where that strips hidden content, and kept outside the public media
URL.

`check_upload` (images, PDFs, videos) and `check_spreadsheet` (XLSX, CSV) refuse with an
`UploadRefused` (a DomainError with a message for the user) and log the refusal without
the file's name, which may itself hold personal data.
`store_private` keeps the bytes under PRIVATE_MEDIA_ROOT; `private_file_response` serves
them, and only views that have checked `restrict()` call it.
"""

import hashlib
import io
import logging
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from .errors import DomainError
from .spreadsheets import CSV_ENCODINGS, SpreadsheetError, check_workbook_archive

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

# kind: (content type, extension)
KINDS = {
    "jpeg": ("image/jpeg", "jpg"),
    "png": ("image/png", "png"),
    "pdf": ("application/pdf", "pdf"),
    "mp4": ("video/mp4", "mp4"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv", "csv"),
}
LABELS = {"jpeg": "JPEG", "png": "PNG", "pdf": "PDF", "mp4": "MP4", "xlsx": "XLSX", "csv": "CSV"}
# A photo of an A4 page at 600 dpi is ~35 megapixels; anything far beyond is a bomb.
MAX_IMAGE_PIXELS = 60_000_000
# PDF names that run code or open things when the file is viewed.
ACTIVE_PDF_NAMES = {"/JS", "/JavaScript", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles"}


class UploadRefused(DomainError):
    code = "invalid_upload"


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, read when used (not when the model class is built),
    so that a changed setting — a test's temporary folder — is honoured."""

    @property
    def base_location(self) -> Path:
        location: Path = settings.PRIVATE_MEDIA_ROOT
        return location

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def private_storage() -> PrivateStorage:
    """Files that hold personal data: outside the public media URL, served only by views
    that check scope. A callable, so that migrations do not record this machine's path."""
    return PrivateStorage()


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    kind: str

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][0]

    @property
    def extension(self) -> str:
        return KINDS[self.kind][1]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def sniff(head: bytes) -> str | None:
    """The kind of file these first bytes begin, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head[4:8] == b"ftyp":
        return "mp4"
    return None


def _refuse(message: "StrOrPromise", reason: str) -> NoReturn:
    logger.warning("upload refused: %s", reason)
    raise UploadRefused(message)


def _read(upload: UploadedFile, *, max_bytes: int) -> bytes:
    size = upload.size or 0  # a received upload always has its size
    if size > max_bytes:
        _refuse(
            _("The file is too large: at most %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)},
            f"size {size} over {max_bytes}",
        )
    if not size:
        _refuse(_("The file is empty."), "empty file")
    content: bytes = upload.read()
    return content


def _refuse_kind(kind: str | None, allowed: tuple[str, ...]) -> NoReturn:
    _refuse(
        _("This file type is not accepted. Upload %(kinds)s.")
        % {"kinds": "、".join(LABELS[k] for k in allowed)},
        f"content is {kind or 'unknown'}, allowed {allowed}",
    )


def check_upload(
    upload: UploadedFile, *, allowed: tuple[str, ...], max_bytes: int
) -> CheckedUpload:
    """Read an uploaded file and return what may be stored, or refuse it."""
    content = _read(upload, max_bytes=max_bytes)
    kind = sniff(content[:16])
    if kind is None or kind not in allowed:
        _refuse_kind(kind, allowed)
    if kind in ("jpeg", "png"):
        content = _reencoded_image(content, kind)
    elif kind == "pdf":
        _check_pdf(content)
    return CheckedUpload(content=content, kind=kind)


def check_spreadsheet(
    upload: UploadedFile,
    *,
    max_bytes: int,
    allowed: tuple[str, ...] = ("xlsx", "csv"),
    text_names: tuple[str, ...] = (".csv",),
) -> CheckedUpload:
    """A list to import: an XLSX workbook (whatever its name: a zip holding a workbook, no
    macros, unpacking to at most spreadsheets.MAX_UNPACKED_BYTES) or a .csv file of text
    (UTF-8 or GB18030, no binary). Text has no signature: its name (`text_names`) says it
    is meant as a list."""
    content = _read(upload, max_bytes=max_bytes)
    if content.startswith(b"PK\x03\x04") and "xlsx" in allowed:
        _check_workbook(content)
        return CheckedUpload(content=content, kind="xlsx")
    if "csv" in allowed and (upload.name or "").lower().endswith(text_names) and _is_text(content):
        return CheckedUpload(content=content, kind="csv")
    if allowed == ("xlsx", "csv"):
        _refuse(_("Upload an XLSX or CSV file."), "no spreadsheet")
    _refuse_kind(None, allowed)


# Control characters that no text file holds (tab, line feed, form feed, CR are text).
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _is_text(content: bytes) -> bool:
    if _BINARY.search(content):
        return False
    for encoding in CSV_ENCODINGS:
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _check_workbook(content: bytes) -> None:
    """A zip holding a workbook, no macros, not a zip bomb (apps.core.spreadsheets: the
    same check runs again when the list is read)."""
    try:
        check_workbook_archive(content)
    except SpreadsheetError as exc:
        _refuse(exc.message, exc.reason)


def _reencoded_image(content: bytes, kind: str) -> bytes:
    """Decode and encode again: only the pixels survive (no EXIF location, no appended data)."""
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            out = io.BytesIO()
            if kind == "jpeg":
                image.convert("RGB").save(out, "JPEG", quality=90)
            else:
                image.save(out, "PNG")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(_("The image is too large to process."), "decompression bomb")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        _refuse(_("The image is damaged and cannot be read."), "undecodable image")
    return out.getvalue()


def _check_pdf(content: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            _refuse(_("Encrypted PDF files are not accepted."), "encrypted pdf")
        active = _active_pdf_names(reader.trailer)
    except UploadRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError):
        _refuse(_("The PDF file is damaged and cannot be read."), "unreadable pdf")
    if active:
        _refuse(
            _("PDF files with scripts, actions or embedded files are not accepted."),
            f"pdf has {sorted(active)}",
        )


def _active_pdf_names(root: object) -> set[str]:
    """Every name from ACTIVE_PDF_NAMES used anywhere in the document's object graph."""
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            found |= ACTIVE_PDF_NAMES & set(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return found


def store_private(checked: CheckedUpload, *, folder: str) -> str:
    """Save the checked bytes under an unguessable name; returns the storage name."""
    now = timezone.now()
    name = f"{folder}/{now:%Y/%m}/{uuid.uuid4().hex}.{checked.extension}"
    return private_storage().save(name, ContentFile(checked.content))


def private_file_response(name: str, *, content_type: str, download_name: str) -> FileResponse:
    """Serve a stored file to a user whose access the caller has already checked."""
    response = FileResponse(
        private_storage().open(name, "rb"), content_type=content_type, filename=download_name
    )
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "attachment", "inline"
    )
    response["X-Content-Type-Options"] = "nosniff"
    # A served PDF or image can run nothing in the workbench's origin.
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
