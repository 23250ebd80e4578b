"""The electronic certificate and permit: the QR code of the public verification URL, and
the PDF (reportlab's built-in CID font STSong-Light renders Chinese without a font file)."""

import io

import segno
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.pagesizes import A6, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from apps.core.masking import mask_id_number
from apps.core.timefmt import when
from apps.core.uploads import private_storage

from .models import ResidencePermit

FONT = "STSong-Light"


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4)


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def document_pdf(document, *, verify_url: str) -> bytes:
    """One landscape A6 card: title, number, holder, address, validity, photo, QR code."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    is_permit = isinstance(document, ResidencePermit)
    out = io.BytesIO()
    width, height = landscape(A6)
    pdf = canvas.Canvas(out, pagesize=(width, height))
    pdf.setTitle(document.number)
    pdf.setFont(FONT, 16)
    title = _("Residence permit") if is_permit else _("Residence certificate")
    # The catalogue makes the title 居住证 / 居住凭证 (the Chinese is no longer spelled out
    # beside it, which printed it twice).
    pdf.drawString(10 * mm, height - 15 * mm, str(title))
    pdf.setFont(FONT, 9)
    lines = [
        f"{_('Number')}: {document.number}",
        f"{pgettext('person', 'Name')}: {document.name}",
        f"{_('ID number')}: {mask_id_number(document.id_number)}",
        f"{_('Residence address')}: {document.address_text}",
        f"{_('Issued by')}: {document.station.name}",
        f"{_('Issued at')}: {when(document.issued_at, 'date')}",
    ]
    if is_permit:
        lines.append(f"{_('Valid')}: {document.valid_from} – {document.valid_until}")
        lines.append(f"{_('Status')}: {document.get_state_display()}")
    y = height - 25 * mm
    for line in lines:
        pdf.drawString(10 * mm, y, line[:60])
        y -= 5.5 * mm
    qr_size = 30 * mm
    pdf.drawImage(
        ImageReader(io.BytesIO(qr_png(verify_url))),
        width - qr_size - 8 * mm,
        8 * mm,
        qr_size,
        qr_size,
    )
    pdf.setFont(FONT, 7)
    pdf.drawString(width - qr_size - 8 * mm, 5 * mm, _("Scan to verify"))
    if is_permit and document.photo:
        with private_storage().open(document.photo.name, "rb") as photo:
            pdf.drawImage(
                ImageReader(io.BytesIO(photo.read())),
                width - 30 * mm,
                height - 48 * mm,
                22 * mm,
                30 * mm,
                preserveAspectRatio=True,
            )
    pdf.showPage()
    pdf.save()
    return out.getvalue()
