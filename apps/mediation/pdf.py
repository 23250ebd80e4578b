"""The agreement as an A4 PDF in Chinese (人民调解协议书, 治安调解协议书 or 委托调解协议 by
the kind of mediation), in the workbench's embedded font (apps/core/pdf.py). Long facts or
terms flow onto further pages; a heading never stays alone at the foot of a page and the
signature block is never split."""

import io
from xml.sax.saxutils import escape

from django.utils import translation
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Paragraph, Spacer, Table

from apps.core.pdf import official_pdf, pdf_font, text_style
from apps.core.timefmt import when

from .choices import MediationKind


def agreement_pdf(agreement) -> bytes:
    # A Chinese document whatever language the user browses in.
    with translation.override("zh-hans"):
        return _draw(agreement)


def _text(text: str, style) -> list[Paragraph]:
    """One paragraph per line of the text; Paragraph parses markup, the text is escaped."""
    return [Paragraph(escape(line) or "&nbsp;", style) for line in text.splitlines() or [""]]


# Each kind of mediation has its own document and issuer (人民调解法 art. 29; 治安管理处罚法
# art. 9; court-entrusted mediation, 诉调对接).
TITLES = {
    MediationKind.PEOPLES: "人民调解协议书",
    MediationKind.POLICE: "治安调解协议书",
    MediationKind.COURT: "委托调解协议",
}
GENDERS = {"male": "男", "female": "女"}


def _issuer(dispute) -> list[str]:
    mediator = dispute.mediator
    committee = mediator.committee if mediator else None
    if dispute.kind == MediationKind.POLICE:
        return [f"调解机关：{dispute.station.name}"]
    if dispute.kind == MediationKind.COURT:
        lines = []
        if mediator and mediator.organisation:
            lines.append(f"委托单位：{mediator.organisation}")
        lines.append(
            f"调解组织：{committee.name if committee else (mediator.name if mediator else '')}"
        )
        return lines
    return [f"调解组织：{committee.name if committee else ''}"]


def _effect_clause(agreement) -> str:
    kind = agreement.dispute.kind
    if agreement.oral:
        return "本协议为口头协议，由调解员记录，自双方达成之日起生效。"
    if kind == MediationKind.POLICE:
        return (
            "本协议自各方当事人签名、盖章或者按指印，调解民警签名之日起生效。"
            "当事人履行本协议的，公安机关对违反治安管理行为人不予处罚；"
            "经调解未达成协议或者达成协议后不履行的，公安机关依法处罚。"
        )
    if kind == MediationKind.COURT:
        return "本协议自各方当事人签名、盖章或者按指印，调解员签名之日起生效，并送委托法院。"
    return (
        "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会"
        "印章之日起生效。当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认。"
    )


def _identity(party) -> str:
    details = [
        GENDERS.get(party.gender, ""),
        f"{party.age}岁" if party.age is not None else "",
        party.ethnicity,
        f"身份证号码：{party.id_number}" if party.id_number else "",
        f"住址：{party.address}" if party.address else "",
        f"联系电话：{party.phone}" if party.phone else "",
    ]
    return "，".join([f"{party.get_role_display()}：{party.name}", *(d for d in details if d)])


def _seal_image(dispute):
    committee = dispute.mediator.committee if dispute.mediator else None
    if committee is None or not committee.seal:
        return None
    try:
        with committee.seal.open("rb") as handle:
            return Image(io.BytesIO(handle.read()), width=36 * mm, height=36 * mm)
    except (OSError, ValueError):
        return None


def _draw(agreement) -> bytes:
    dispute = agreement.dispute
    parties = list(dispute.parties.all())
    document_title = TITLES[dispute.kind]
    title = text_style("title", 20, alignment=TA_CENTER, spaceAfter=6 * mm)
    small = text_style("small", 10)
    heading = text_style("heading", 13, heading=True, spaceBefore=4 * mm, spaceAfter=1 * mm)
    body = text_style("body", 12, leftIndent=8 * mm)
    note = text_style("note", 10, spaceBefore=4 * mm)

    def section(label: str, text: str) -> list:
        return [Paragraph(label, heading), *_text(text, body)] if text.strip() else []

    performance = agreement.performance
    if agreement.performance_deadline:
        deadline = f"履行期限：{when(agreement.performance_deadline, 'written')}前"
        performance = f"{performance}\n{deadline}" if performance else deadline
    story = [
        Paragraph(document_title, title),
        Paragraph(escape(f"编号：{dispute.number}"), small),
        *(Paragraph(escape(line), small) for line in _issuer(dispute)),
        Paragraph("当事人：", heading),
        *(Paragraph(escape(_identity(party)), body) for party in parties),
        *section("纠纷主要事实：", agreement.facts or dispute.description),
        *section("争议事项：", agreement.matters),
        *section("各方责任：", agreement.responsibility),
        Paragraph("经调解，各方自愿达成如下协议：", heading),
        *_text(agreement.terms, body),
        *section("履行方式、时限：", performance),
        Paragraph(escape(_effect_clause(agreement)), note),
    ]
    signed = {s.party_id: s.signed_at for s in agreement.signatures.all()}
    blank = "____年__月__日"
    rows = []
    for party in parties:
        at = signed.get(party.pk)
        rows.append(
            [f"当事人（签名、盖章或按指印）：{party.name}", when(at, "written") if at else blank]
        )
    who = "调解民警" if dispute.kind == MediationKind.POLICE else "调解员"
    mediator_at = agreement.mediator_signed_at
    rows.append(
        [
            f"{who}（签名）：{dispute.mediator.name if dispute.mediator else ''}",
            when(mediator_at, "written") if mediator_at else blank,
        ]
    )
    if agreement.needs_seal:
        committee = dispute.mediator.committee if dispute.mediator else None
        rows.append(
            [
                f"{committee.name if committee else '人民调解委员会'}（印章）",
                when(agreement.sealed_at, "written") if agreement.sealed_at else blank,
            ]
        )
    rows.append(["达成日期：", when(agreement.made_at, "written")])
    if agreement.effective_at:
        rows.append(["生效日期：", when(agreement.effective_at, "written")])
    signatures = Table(
        rows,
        colWidths=[110 * mm, 50 * mm],
        style=[
            ("FONT", (0, 0), (-1, -1), pdf_font(), 11),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("LEFTPADDING", (0, 0), (0, -1), 0),
        ],
        hAlign="LEFT",
    )
    block = [Spacer(0, 8 * mm), signatures]
    seal = _seal_image(dispute) if agreement.needs_seal and agreement.sealed_at else None
    if seal is not None:
        seal.hAlign = "RIGHT"
        block.append(seal)
    story.append(KeepTogether(block))
    return official_pdf(story, title=f"{document_title} {dispute.number}")
