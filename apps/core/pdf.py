"""The one place where the workbench's PDFs get their font, and the layout rules they share.

Every printed document (the mediation agreement, the residence certificate and permit, the
quarterly bulletin, the patrol assessment bulletin) draws all its text, Chinese, Latin
letters and digits alike, in WenQuanYi Micro Hei (文泉驿微米黑), a TrueType font shipped in
`apps/core/fonts/` with its licence. reportlab embeds a TrueType font as a subset of the
glyphs a document uses, so the PDF prints the same on every reader and printer. reportlab's
built-in CID font STSong-Light, used before, is never embedded: each reader substituted a
font of its own whose Latin widths ran letters together ("TJ2026…"); and the PostScript
outlines of Noto CJK are not a font reportlab can embed.

Documents start their canvas, template and drawings here (`pdf_canvas`, `pdf_document`,
`pdf_drawing`), so that not even reportlab's initial Helvetica finds its way into a PDF.
Headings keep with what follows (`text_style(heading=True)`); charts are drawn to the width
of their frame (`frame_width`), with labels in the same font that never run into each other
(`style_chart`).
"""

import io
from pathlib import Path
from typing import IO, Any

from reportlab.graphics.charts.barcharts import BarChart, HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

FONT = "WenQuanYiMicroHei"
FONT_FILE = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
# The collection holds the proportional face (0) and a monospaced one (1).
FONT_FACE = 0
# Platypus frames keep 6 pt free on each side of the text.
FRAME_PADDING = 6


def pdf_font() -> str:
    """The font's name, registered with reportlab on first use."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, FONT_FILE, subfontIndex=FONT_FACE))
    return FONT


def pdf_canvas(out: str | IO[bytes], **kwargs: Any) -> Canvas:
    """A canvas that starts in the workbench's font."""
    return Canvas(out, initialFontName=pdf_font(), **kwargs)


def pdf_document(out: str | IO[bytes], **kwargs: Any) -> SimpleDocTemplate:
    """A flowing document (platypus) whose pages start in the workbench's font."""
    return SimpleDocTemplate(out, initialFontName=pdf_font(), **kwargs)


def official_pdf(story: list[Flowable], *, title: str) -> bytes:
    """A signed document (an agreement, a notice) on A4 with the margins such documents
    keep: 25 mm at the sides and the top, 20 mm at the foot."""
    out = io.BytesIO()
    pdf_document(
        out,
        pagesize=A4,
        title=title,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=20 * mm,
    ).build(story)
    return out.getvalue()


def pdf_drawing(width: float, height: float) -> Drawing:
    """A drawing (for charts) whose rendering starts in the workbench's font."""
    return Drawing(width, height, initialFontName=pdf_font())


def text_style(
    name: str,
    size: float,
    *,
    heading: bool = False,
    leading: float | None = None,
    **kwargs: Any,
) -> ParagraphStyle:
    """A paragraph style in the workbench's font. Chinese wraps between any two characters
    and keeps numbers such as "1.5米" whole; a heading is kept on the page of the flowable
    that follows it, never left alone at the foot of a page."""
    return ParagraphStyle(
        name,
        fontName=pdf_font(),
        fontSize=size,
        leading=leading or size * 1.45,
        wordWrap="CJK",
        keepWithNext=heading,
        **kwargs,
    )


def frame_width(document: SimpleDocTemplate) -> float:
    """The width a flowable may take on the document's page (its frame's padding off)."""
    width: float = document.width - 2 * FRAME_PADDING
    return width


def _axis_number(value: float) -> str:
    return f"{value:g}"


def style_chart(chart: BarChart, *, size: float = 7) -> None:
    """Call once the chart has its data, names and place in the drawing. Axis labels in
    the workbench's font (charts default to an unembedded Times-Roman), numbers without
    trailing zeros; a chart whose figures are all zero gets a 0–1 axis rather than
    reportlab's 0–0.01 in steps of 0.002. The names under a vertical bar chart that are
    wider than their bar's slot are turned 30° so that they do not run into each other,
    and the chart is moved to make room for them in its drawing."""
    font = pdf_font()
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = size
    chart.valueAxis.labelTextFormat = _axis_number
    if not any(value for series in chart.data for value in series):
        chart.valueAxis.valueMax = 1
        chart.valueAxis.valueStep = 1
    names = [str(name) for name in chart.categoryAxis.categoryNames or ()]
    if not names or isinstance(chart, HorizontalBarChart):  # names to the left of the bars
        return
    widest = max(pdfmetrics.stringWidth(name, font, size) for name in names)
    if widest <= 0.9 * chart.width / len(names):
        return
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    # A name turned 30° reaches down by half its length (sin 30°) and back to the left by
    # 0.87 of it (cos 30°) from the middle of its bar.
    below = widest * 0.5 + size * 2.5  # and its height below the axis's ticks
    if chart.y < below:
        chart.height -= below - chart.y
        chart.y = below
    left = widest * 0.87 - chart.width / len(names) / 2
    if chart.x < left:
        chart.width -= left - chart.x
        chart.x = left
