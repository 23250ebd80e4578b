"""The quarterly bulletin (季通报) of a station or the sub-bureau as a PDF in Chinese: the
quarter's figures with period-on-period and year-on-year changes, charts drawn on the
server (reportlab graphics, no browser), and the half-year ranking of its stations or posts.
The fixed text is Chinese as the document is; metric names come from the catalogue in
Chinese (translation.override). The font and the layout rules are the workbench's
(apps/core/pdf.py): headings stay with what follows them, charts are as wide as their
column of the page."""

import io
from datetime import date
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

from apps.core.pdf import (
    frame_width,
    pdf_document,
    pdf_drawing,
    pdf_font,
    style_chart,
    text_style,
)
from apps.core.timefmt import when

from . import selectors

BLUE = colors.HexColor("#0d6efd")
GREY = colors.HexColor("#adb5bd")
CELL_PADDING = 6  # a table cell's left and right padding (reportlab's default)
# The half-year ranking's columns: the figures a bulletin ranks stations by.
RANKED = [
    "consultations",
    "permits_issued",
    "incidents",
    "response_median",
    "cases_solved",
    "disputes_resolved",
    selectors.RESOLUTION_RATE,
    "patrol_hours",
    "noise_events",
]


def _fig(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    return str(value)


def _pct(value) -> str:
    return "—" if value is None else f"{value:+.1f}%"


def _table(data, *, numeric_from=1) -> Table:
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), pdf_font(), 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def _bars(title, labels, series, *, width, height=62 * mm, legend=()) -> Drawing:
    drawing = pdf_drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 14 * mm
    chart.width, chart.height = width - 18 * mm, height - 24 * mm
    chart.data = [[float(v or 0) for v in values] for values in series] or [[0]]
    chart.categoryAxis.categoryNames = [str(label) for label in labels] or [""]
    chart.valueAxis.valueMin = 0
    style_chart(chart)
    for index, colour in enumerate((BLUE, GREY)[: len(chart.data)]):
        chart.bars[index].fillColor = colour
    drawing.add(chart)
    drawing.add(String(12 * mm, height - 6 * mm, title, fontName=pdf_font(), fontSize=9))
    for index, (text, colour) in enumerate(zip(legend, (BLUE, GREY), strict=False)):
        x = width - 45 * mm + index * 22 * mm
        drawing.add(
            String(
                x, height - 6 * mm, f"■ {text}", fontName=pdf_font(), fontSize=7, fillColor=colour
            )
        )
    return drawing


def _hbars(title, labels, values, *, width, height=62 * mm) -> Drawing:
    drawing = pdf_drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 30 * mm, 6 * mm
    chart.width, chart.height = width - 36 * mm, height - 16 * mm
    chart.data = [[float(v or 0) for v in values] or [0]]
    chart.categoryAxis.categoryNames = [str(label)[:12] for label in labels] or [""]
    chart.valueAxis.valueMin = 0
    style_chart(chart)
    chart.bars[0].fillColor = BLUE
    drawing.add(chart)
    drawing.add(String(2 * mm, height - 6 * mm, title, fontName=pdf_font(), fontSize=9))
    return drawing


def half_year(year: int, quarter: int) -> tuple[date, date]:
    """The half-year a quarter's bulletin ranks: from January or July to the quarter's end
    (for Q1 and Q3 the half-year so far)."""
    first = date(year, 1 if quarter <= 2 else 7, 1)
    return first, selectors.period_end("quarter", date(year, quarter * 3 - 2, 1))


def half_year_name(year: int, quarter: int) -> str:
    """上半年 / 下半年, and for Q1 and Q3, whose half-year is not over, up to when."""
    _first, last = half_year(year, quarter)
    name = f"{year}年{'上' if quarter <= 2 else '下'}半年"
    return name if quarter % 2 == 0 else f"{name}（截至{last.month}月{last.day}日）"


def half_year_ranking(*, user, unit, year: int, quarter: int) -> selectors.Comparison:
    """The bulletin's ranking: the unit's stations (or posts) over the half-year."""
    first, last = half_year(year, quarter)
    return selectors.comparison_range(
        user=user, unit=unit, period="quarter", first_day=first, last_day=last
    )


def ranked_columns(ranking: selectors.Comparison) -> list[str]:
    names = {name for name, _label, _unit in ranking.metrics}
    return [name for name in RANKED if name in names]


def quarter_bulletin(*, user, unit, year: int, quarter: int) -> bytes:
    with translation.override("zh-hans"):
        return _draw(user=user, unit=unit, year=year, quarter=quarter)


def _draw(*, user, unit, year, quarter) -> bytes:
    at = date(year, (quarter - 1) * 3 + 1, 1)
    board = selectors.dashboard(user=user, unit=unit, period="quarter", at=at)
    half_first, half_last = half_year(year, quarter)
    ranking = half_year_ranking(user=user, unit=unit, year=year, quarter=quarter)
    out = io.BytesIO()
    title = f"{unit.name}{year}年第{quarter}季度工作通报"
    doc = pdf_document(
        out,
        pagesize=landscape(A4),
        title=title,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
    )
    heading = text_style("heading", 16, heading=True, leading=22, alignment=1)
    sub = text_style("sub", 11, heading=True, leading=16)
    small = text_style("small", 8, leading=11)
    # Two charts side by side, each in a table cell with its padding; one alone takes the
    # frame's width.
    full = frame_width(doc)
    half = full / 2 - 2 * CELL_PADDING
    story = [
        # Paragraphs parse markup (<img src> reads files): names are text, escaped.
        Paragraph(escape(title), heading),
        Paragraph(
            f"统计期间：{when(board.start, 'written')}至{when(board.end, 'written')}"
            f"　　编制：{when(timezone.now(), 'written')}",
            small,
        ),
        Spacer(0, 3 * mm),
        Paragraph("一、主要指标", sub),
    ]
    rows = [["指标", "本季度", "上季度", "环比", "去年同期", "同比"]]
    for row in board.rows:
        name = f"{row['label']}（{row['unit']}）" if row["unit"] else row["label"]
        rows.append(
            [
                name,
                _fig(row["value"]),
                _fig(row["previous"]),
                _pct(row["pop"]["percent"]),
                _fig(row["year_before"]),
                _pct(row["yoy"]["percent"]),
            ]
        )
    story += [_table(rows), Spacer(0, 3 * mm), Paragraph("二、图表", sub)]
    charts = []
    if "incidents" in board.charts:
        charts.append(
            _bars("各季度警情数", board.chart_labels, [board.charts["incidents"]], width=half)
        )
    split = {name: parts for name, _label, parts in board.breakdowns}
    if split.get("incidents_by_category"):
        parts = split["incidents_by_category"][:8]
        charts.append(
            _hbars("本季度警情类别", [d for d, _v in parts], [v for _d, v in parts], width=half)
        )
    elif "consultations" in board.charts:
        charts.append(
            _bars("各季度群众咨询", board.chart_labels, [board.charts["consultations"]], width=half)
        )
    if charts:
        # Cells start in the font even when they hold drawings.
        story.append(Table([charts], style=[("FONT", (0, 0), (-1, -1), pdf_font())]))
    story.append(PageBreak())
    kind = "派出所" if unit.kind == "bureau" else "警务站"
    half_name = half_year_name(year, quarter)
    story.append(
        Paragraph(
            f"三、{half_name}{kind}排名"
            f"（{when(half_first, 'written_day')}至{when(half_last, 'written_day')}）",
            sub,
        )
    )
    columns = ranked_columns(ranking)
    labels = {n: label for n, label, _u in ranking.metrics}
    header = [kind] + [f"{labels[n]}" for n in columns]
    body = []
    for row in ranking.rows:
        cells = [row["unit"].name]
        for name in columns:
            value, rank = row["by_metric"][name], row["rank_of"][name]
            cells.append(f"{_fig(value)}（{rank}）" if rank else _fig(value))
        body.append(cells)
    header = [Paragraph(text, small) for text in header]
    story += [
        _table([header, *body]) if body else Paragraph("无下级单位。", small),
        Spacer(0, 2 * mm),
        Paragraph("括号内为排名；响应时间越短排名越前。", small),
    ]
    if body and "incidents" in columns:
        ordered = sorted(ranking.rows, key=lambda r: selectors.rank_order(r, "incidents"))
        story.append(
            _bars(
                f"{half_name}各{kind}警情数",
                [r["unit"].name for r in ordered][:20],
                [[r["by_metric"]["incidents"] for r in ordered][:20]],
                width=full,
                height=70 * mm,
            )
        )
    doc.build(story)
    return out.getvalue()
