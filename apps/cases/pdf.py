"""The notice of refusal to file (不予立案通知书) as an A4 PDF in Chinese, in the workbench's
embedded font (apps/core/pdf.py): who refuses, what, the reasons, and the complainant's
right to ask for reconsideration within 7 days (公安机关办理刑事案件程序规定 第179、180条)."""

from xml.sax.saxutils import escape

from django.utils import translation
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from apps.core.pdf import official_pdf, text_style
from apps.core.timefmt import when

from .choices import PartyRole


def not_filed_notice_pdf(case) -> bytes:
    with translation.override("zh-hans"):
        return _draw(case)


def _draw(case) -> bytes:
    title = text_style("title", 20, alignment=TA_CENTER, spaceAfter=2 * mm)
    number = text_style("number", 11, alignment=TA_CENTER, spaceAfter=8 * mm)
    body = text_style("body", 12, firstLineIndent=24, leading=22)
    right = text_style("right", 12, alignment=TA_RIGHT, leading=22)
    complainants = [
        party.name
        for party in case.parties.all()
        if party.role in (PartyRole.VICTIM, PartyRole.REPORTER)
    ]
    addressee = "、".join(complainants) or "控告人"
    organ = case.station.bureau.name
    accepted = when(case.accepted_at, "written")
    story = [
        Paragraph(escape(organ), title),
        Paragraph("不予立案通知书", title),
        Paragraph(escape(f"（{case.number}）"), number),
        Paragraph(escape(f"{addressee}："), text_style("to", 12, leading=22)),
        Paragraph(
            escape(
                f"你（单位）于{accepted}提出控告的{case.title}一案，经审查，"
                "我局认为不符合立案条件，决定不予立案。理由如下："
            ),
            body,
        ),
        *(Paragraph(escape(line), body) for line in case.not_filed_reasons.splitlines() if line),
        Paragraph(
            escape(
                f"如不服本决定，可以在收到本通知书之日起七日以内向{organ}申请复议。"
                "（《公安机关办理刑事案件程序规定》第一百七十九条、第一百八十条）"
            ),
            body,
        ),
        Spacer(0, 16 * mm),
        Paragraph(escape(f"{organ}（印）"), right),
        Paragraph(escape(when(case.not_filed_at, "written")), right),
        Spacer(0, 10 * mm),
        Paragraph(
            escape(f"承办单位：{case.station.name}　　控告人签收：__________　____年__月__日"),
            text_style("receipt", 10, leading=18),
        ),
    ]
    return official_pdf(story, title=f"不予立案通知书 {case.number}")
