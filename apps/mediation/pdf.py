"""The agreement (调解协议书) as a one-page PDF in Chinese, drawn with reportlab's built-in
CID font STSong-Light so that no font file has to ship with the workbench."""

import io
import textwrap

from django.utils import translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from apps.core.timefmt import when

FONT = "STSong-Light"
LINE_CHARS = 36  # Chinese characters per line at 12 pt on A4 with 25 mm margins


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _lines(text: str) -> list[str]:
    return [
        line
        for paragraph in text.splitlines() or [""]
        for line in (textwrap.wrap(paragraph, LINE_CHARS) or [""])
    ]


def agreement_pdf(agreement) -> bytes:
    # A Chinese document whatever language the user browses in.
    with translation.override("zh-hans"):
        return _draw(agreement)


def _draw(agreement) -> bytes:
    font = _font()
    dispute = agreement.dispute
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"人民调解协议书 {dispute.number}")
    width, height = A4
    left, y = 25 * mm, height - 30 * mm

    def line(text, size=12, gap=7 * mm):
        nonlocal y
        if y < 25 * mm:
            pdf.showPage()
            y = height - 25 * mm
        pdf.setFont(font, size)
        pdf.drawString(left, y, text)
        y -= gap

    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, y, "人民调解协议书")
    y -= 10 * mm
    line(f"编号：{dispute.number}", 10)
    line(f"受理单位：{dispute.station.name}", 10)
    y -= 3 * mm
    line("当事人：", 13)
    for party in dispute.parties.all():
        line(f"    {party.get_role_display()}：{party.name}")
    y -= 3 * mm
    line("纠纷事实：", 13)
    for text in _lines(dispute.description):
        line(f"    {text}")
    y -= 3 * mm
    line("经调解，双方自愿达成如下协议：", 13)
    for text in _lines(agreement.terms):
        line(f"    {text}")
    y -= 3 * mm
    line("本协议自各方当事人签字之日起生效。当事人可自协议生效之日起三十日内", 10, 5 * mm)
    line("共同向人民法院申请司法确认。", 10)
    y -= 5 * mm
    signed = {s.party_id: s.signed_at for s in agreement.signatures.all()}
    for party in dispute.parties.all():
        at = signed.get(party.pk)
        signed_at = when(at, "written_time") if at else "____年__月__日"
        line(f"当事人（签名）：{party.name}　　　{signed_at}")
    mediator = dispute.mediator.name if dispute.mediator else ""
    line(f"调解员（签名）：{mediator}")
    line(when(agreement.made_at, "written"))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
