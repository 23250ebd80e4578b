"""The electronic certificate and permit: the QR code of the public verification URL, and
the PDF card in the workbench's embedded font (apps/core/pdf.py)."""

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.pagesizes import A6, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Paragraph

from apps.core.masking import mask_id_number
from apps.core.pdf import pdf_canvas, text_style
from apps.core.qr import qr_png
from apps.core.timefmt import when
from apps.core.uploads import private_storage

from .models import ResidencePermit

# The card's text column: from the left margin to the photo and the QR code.
TEXT_WIDTH = 96 * mm


def document_pdf(document, *, verify_url: str) -> bytes:
    """One landscape A6 card: title, number, holder, address, validity, photo, QR code."""
    is_permit = isinstance(document, ResidencePermit)
    out = io.BytesIO()
    width, height = landscape(A6)
    pdf = pdf_canvas(out, pagesize=(width, height))
    pdf.setTitle(document.number)
    pdf.setFontSize(16)
    title = _("Residence permit") if is_permit else _("Residence certificate")
    # The catalogue makes the title 居住证 / 居住凭证 (the Chinese is no longer spelled out
    # beside it, which printed it twice).
    pdf.drawString(10 * mm, height - 15 * mm, str(title))
    if is_permit:
        # 居住证暂行条例 第四条: what the permit records; 第十条: the sub-bureau issues it,
        # the station accepts and hands it out.
        lines = [
            f"{_('Number')}: {document.number}",
            f"{pgettext('person', 'Name')}: {document.name}",
            f"{_('Gender')}: {document.get_gender_display()}　{_('Ethnicity')}: "
            f"{document.ethnicity}　{_('Date of birth')}: {when(document.birth_date, 'date')}",
            f"{_('ID number')}: {mask_id_number(document.id_number)}",
            f"{_('Household address')}: {document.household_address}",
            f"{_('Residence address')}: {document.address_text}",
            f"{_('Issuing organ')}: {document.issuing_organ}",
            f"{_('Accepted and handed out by')}: {document.station.name}",
            f"{_('Valid')}: {document.valid_from} – {document.valid_until}",
            f"{_('Status')}: {document.get_state_display()}",
        ]
    else:
        lines = [
            f"{_('Number')}: {document.number}",
            f"{pgettext('person', 'Name')}: {document.name}",
            f"{_('ID number')}: {mask_id_number(document.id_number)}",
            f"{_('Residence address')}: {document.address_text}",
            f"{_('Issued by')}: {document.station.name}",
            f"{_('Issued at')}: {when(document.issued_at, 'date')}",
        ]
    # A long address wraps within the text column instead of running under the photo.
    style = text_style("line", 8 if is_permit else 9, leading=10.5 if is_permit else 12)
    y = height - 21 * mm
    for line in lines:
        paragraph = Paragraph(escape(line), style)
        _w, used = paragraph.wrapOn(pdf, TEXT_WIDTH, height)
        y -= used
        paragraph.drawOn(pdf, 10 * mm, y)
        y -= 2 if is_permit else 3.5
    qr_size = 30 * mm
    pdf.drawImage(
        ImageReader(io.BytesIO(qr_png(verify_url))),
        width - qr_size - 8 * mm,
        8 * mm,
        qr_size,
        qr_size,
    )
    pdf.setFontSize(7)
    pdf.drawString(width - qr_size - 8 * mm, 5 * mm, _("Printout: scan to verify its state"))
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
