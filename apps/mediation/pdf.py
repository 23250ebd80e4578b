"""The agreement (调解协议书) as an A4 PDF in Chinese, in the workbench's embedded font
(apps/core/pdf.py). Long facts or terms flow onto further pages; a heading never stays
alone at the foot of a page and the signature block is never split."""

import io
from xml.sax.saxutils import escape

from django.utils import translation
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

from apps.core.pdf import pdf_document, pdf_font, text_style
from apps.core.timefmt import when


def agreement_pdf(agreement) -> bytes:
    # A Chinese document whatever language the user browses in.
    with translation.override("zh-hans"):
        return _draw(agreement)


def _text(text: str, style) -> list[Paragraph]:
    """One paragraph per line of the text; Paragraph parses markup, the text is escaped."""
    return [Paragraph(escape(line) or "&nbsp;", style) for line in text.splitlines() or [""]]


def _draw(agreement) -> bytes:
    dispute = agreement.dispute
    parties = list(dispute.parties.all())
    title = text_style("title", 20, alignment=TA_CENTER, spaceAfter=6 * mm)
    small = text_style("small", 10)
    heading = text_style("heading", 13, heading=True, spaceBefore=4 * mm, spaceAfter=1 * mm)
    body = text_style("body", 12, leftIndent=8 * mm)
    note = text_style("note", 10, spaceBefore=4 * mm)
    story = [
        Paragraph("人民调解协议书", title),
        Paragraph(escape(f"编号：{dispute.number}"), small),
        Paragraph(escape(f"受理单位：{dispute.station.name}"), small),
        Paragraph("当事人：", heading),
        *(
            Paragraph(escape(f"{party.get_role_display()}：{party.name}"), body)
            for party in parties
        ),
        Paragraph("纠纷事实：", heading),
        *_text(dispute.description, body),
        Paragraph("经调解，双方自愿达成如下协议：", heading),
        *_text(agreement.terms, body),
        Paragraph(
            "本协议自各方当事人签字之日起生效。当事人可自协议生效之日起三十日内"
            "共同向人民法院申请司法确认。",
            note,
        ),
    ]
    signed = {s.party_id: s.signed_at for s in agreement.signatures.all()}
    rows = []
    for party in parties:
        at = signed.get(party.pk)
        signed_at = when(at, "written_time") if at else "____年__月__日"
        rows.append([f"当事人（签名）：{party.name}", signed_at])
    rows.append([f"调解员（签名）：{dispute.mediator.name if dispute.mediator else ''}", ""])
    rows.append(["", when(agreement.made_at, "written")])
    signatures = Table(
        rows,
        colWidths=[100 * mm, 60 * mm],
        style=[
            ("FONT", (0, 0), (-1, -1), pdf_font(), 12),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("LEFTPADDING", (0, 0), (0, -1), 0),
        ],
        hAlign="LEFT",
    )
    story.append(KeepTogether([Spacer(0, 8 * mm), signatures]))
    out = io.BytesIO()
    pdf_document(
        out,
        pagesize=A4,
        title=f"人民调解协议书 {dispute.number}",
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=20 * mm,
    ).build(story)
    return out.getvalue()
