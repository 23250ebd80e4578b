"""The printed documents' font and layout rules (apps/core/pdf.py): one embedded TrueType
font that covers what the documents print, headings kept with their text, charts that stay
inside their drawing."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.lib.units import mm
from reportlab.pdfbase.ttfonts import TTFontFile
from reportlab.platypus import Paragraph, Spacer

from apps.core.pdf import (
    FONT_FACE,
    FONT_FILE,
    pdf_canvas,
    pdf_document,
    pdf_drawing,
    style_chart,
    text_style,
)
from apps.core.testing.pdf import assert_workbench_font_only

ROOT = Path(settings.BASE_DIR)
APPS = ROOT / "apps"


def test_the_font_ships_with_its_licence():
    folder = FONT_FILE.parent
    assert FONT_FILE.is_file()
    assert "Apache-2.0" in (folder / "wqy-microhei.copyright").read_text()
    assert "Apache License" in (folder / "LICENSE-Apache-2.0").read_text()


def test_every_pdf_takes_its_font_from_the_one_registration():
    """No module but apps/core/pdf.py registers a font or starts a canvas, a document or a
    drawing of its own (each would bring back an unembedded Helvetica or STSong-Light)."""
    own = re.compile(r"registerFont|UnicodeCIDFont|STSong|Canvas\(|SimpleDocTemplate\(|\bDrawing\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in APPS.rglob("*.py")
        if path != APPS / "core" / "pdf.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if own.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []


def test_the_font_has_a_glyph_for_every_character_the_documents_print():
    """The catalogue's Chinese (labels, categories, roles, the documents' fixed text), the
    Chinese written in the code (the PDF modules' own text, the demo's names and places)
    and printable ASCII."""
    text = (ROOT / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    text += "".join(path.read_text(encoding="utf-8") for path in APPS.rglob("*.py"))
    wanted = {c for c in text if ord(c) > 127} | {chr(i) for i in range(32, 127)}
    # Tick boxes of the incident checklist: an on-screen text, never printed.
    wanted -= {"☐", "☑"}
    glyphs = TTFontFile(str(FONT_FILE), subfontIndex=FONT_FACE).charToGlyph
    assert sorted(c for c in wanted if ord(c) not in glyphs) == []


def test_latin_letters_and_digits_take_their_own_width():
    """Text is drawn with the font's own widths: "TJ" is wider than "J", and a number
    reads back whole and in order."""
    out = io.BytesIO()
    pdf = pdf_canvas(out)
    pdf.setFontSize(12)
    pdf.drawString(50, 800, "编号：500107-xipeng-TJ2026000001 居住证JZ202600001")
    pdf.save()
    body = out.getvalue()
    assert_workbench_font_only(body)
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert "500107-xipeng-TJ2026000001" in text and "居住证JZ202600001" in text


def _pages(story) -> list[str]:
    out = io.BytesIO()
    pdf_document(out, topMargin=20 * mm, bottomMargin=20 * mm).build(story)
    assert_workbench_font_only(out.getvalue())
    return [page.extract_text() for page in PdfReader(out).pages]


def test_a_heading_at_the_foot_of_a_page_moves_on_with_its_text():
    heading = text_style("heading", 13, heading=True)
    body = text_style("body", 11)
    # A filler leaves room at the foot for the heading, not for the paragraph after it.
    frame_height = 297 * mm - 40 * mm - 12
    filler = Spacer(0, frame_height - heading.leading - 2)
    first, second = _pages(
        [filler, Paragraph("二、协议内容", heading), Paragraph("甲方赔偿乙方800元。", body)]
    )
    assert "协议内容" not in first
    assert "二、协议内容" in second and "甲方赔偿乙方800元" in second


def test_chinese_wraps_inside_its_frame_and_keeps_numbers_whole():
    body = text_style("body", 12)
    text = "双方同意拆除围墙恢复通道宽度1.5米，" * 12
    paragraph = Paragraph(text, body)
    _width, height = paragraph.wrap(100 * mm, 500 * mm)
    assert height > body.leading * 3  # it wrapped
    assert all("1." not in line or "1.5" in line for line in _lines(paragraph))


def _lines(paragraph) -> list[str]:
    return ["".join(str(word) for word in line[1]) for line in paragraph.blPara.lines]


@pytest.mark.parametrize("count", [4, 20])
def test_a_bar_chart_keeps_its_names_inside_its_drawing(count):
    """Twenty stations' names do not fit under their bars side by side: they are turned
    and the chart is raised, so that nothing is drawn outside the drawing."""
    width, height = 250 * mm, 70 * mm
    drawing = pdf_drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 8 * mm
    chart.width, chart.height = width - 18 * mm, height - 18 * mm
    chart.data = [[float(n) for n in range(count)]]
    chart.categoryAxis.categoryNames = [f"第{n}个杨家坪派出所" for n in range(count)]
    chart.valueAxis.valueMin = 0
    style_chart(chart)
    drawing.add(chart)
    x0, y0, x1, y1 = drawing.getBounds()
    assert x0 >= 0 and y0 >= 0 and x1 <= width and y1 <= height
    assert chart.categoryAxis.labels.angle == (30 if count == 20 else 0)


def test_a_chart_of_zeros_counts_in_whole_numbers():
    drawing = pdf_drawing(100 * mm, 60 * mm)
    chart = VerticalBarChart()
    chart.data = [[0, 0, 0]]
    chart.categoryAxis.categoryNames = ["一季度", "二季度", "三季度"]
    style_chart(chart)
    drawing.add(chart)
    out = io.BytesIO()
    pdf_document(out).build([drawing])
    assert_workbench_font_only(out.getvalue())
    text = PdfReader(out).pages[0].extract_text()
    assert "0.002" not in text and "一季度" in text
