"""The assessment's files: the month table and the quarter bulletin as XLSX (core/exports,
formula cells neutralised) and the quarter bulletin as a PDF in Chinese with a bar chart
drawn on the server, in the workbench's embedded font and layout rules (apps/core/pdf.py)."""

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from apps.core.exports import xlsx_response
from apps.core.pdf import (
    frame_width,
    pdf_document,
    pdf_drawing,
    pdf_font,
    style_chart,
    text_style,
)

CHART_BARS = 15


def measure_headers() -> list[str]:
    return [
        _("Patrol hours"),
        _("Patrols"),
        _("Night patrols"),
        _("Villages or days covered"),
        _("Of"),
        _("Findings raised"),
        _("Findings handled"),
        _("Incidents"),
        _("Score"),
        _("Rank in the bureau"),
    ]


def _measures(row) -> list:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return [
        get("patrol_hours"),
        get("patrols"),
        get("night_patrols"),
        get("villages_covered"),
        get("villages_total"),
        get("findings_raised"),
        get("findings_handled"),
        get("incidents"),
        get("score"),
        get("rank"),
    ]


def month_xlsx(*, month, scores):
    """One sheet: every visible community and officer row of the month."""
    headers = [_("Subject"), _("Station"), _("Name"), *measure_headers()]
    rows = (
        [
            s.get_subject_display(),
            s.station.name,
            s.community.name
            if s.community_id
            else (s.officer.get_full_name() or s.officer.username),
            *_measures(s),
        ]
        for s in scores
    )
    return xlsx_response(
        filename=f"patrol-assessment-{month:%Y-%m}.xlsx",
        title=_("Patrol assessment %(month)s") % {"month": f"{month:%Y-%m}"},
        headers=headers,
        rows=rows,
    )


def quarter_xlsx(*, bureau, year, quarter, table):
    headers = [_("Subject"), _("Station"), _("Name"), *measure_headers()]
    rows = [
        *([_("Community"), r["station_name"], r["name"], *_measures(r)] for r in table.communities),
        *([_("Officer"), r["station_name"], r["name"], *_measures(r)] for r in table.officers),
    ]
    return xlsx_response(
        filename=f"patrol-bulletin-{year}-q{quarter}.xlsx",
        title=_("Bulletin %(year)s Q%(quarter)s") % {"year": year, "quarter": quarter},
        headers=headers,
        rows=rows,
    )


def _chart(rows, *, width) -> Drawing:
    """Bars of the best communities' quarter scores, as wide as the page's frame."""
    top = rows[:CHART_BARS]
    height = 70 * mm
    drawing = pdf_drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 15 * mm, 15 * mm
    chart.width, chart.height = width - 25 * mm, 48 * mm
    chart.data = [[float(r["score"]) for r in top] or [0]]
    chart.categoryAxis.categoryNames = [r["name"] for r in top] or [""]
    low = min([0.0, *chart.data[0]])
    chart.valueAxis.valueMin = low
    style_chart(chart)
    chart.bars[0].fillColor = colors.HexColor("#0d6efd")
    drawing.add(chart)
    drawing.add(
        String(
            15 * mm,
            height - 4 * mm,
            _("Community scores (best %(n)d)") % {"n": CHART_BARS},
            fontName=pdf_font(),
            fontSize=9,
        )
    )
    return drawing


def _cell(value):
    """Hours and scores with two decimals, as the pages show them (a quarter's sums come
    back from the database with a dozen)."""
    if isinstance(value, Decimal | float):
        return f"{value:.2f}"
    return value


def _table(title_row, rows) -> Table:
    data = [title_row, *[[_cell(value) for value in row] for row in rows]]
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), pdf_font(), 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def quarter_pdf(*, bureau, year, quarter, table) -> bytes:
    """The quarter bulletin: title, station totals, the chart, the community and officer
    tables with their bureau ranks."""
    out = io.BytesIO()
    title = _("%(bureau)s patrol and prevention bulletin, %(year)s quarter %(quarter)s") % {
        "bureau": bureau.name,
        "year": year,
        "quarter": quarter,
    }
    doc = pdf_document(
        out,
        pagesize=landscape(A4),
        title=title,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
    )
    heading = text_style("heading", 15, heading=True, leading=20)
    subheading = text_style("subheading", 11, heading=True, leading=16)
    months = "、".join(f"{m:%Y-%m}" for m in table.months)
    story = [
        # Paragraphs parse markup (<img src> reads files): the bureau's name is text.
        Paragraph(escape(title), heading),
        Paragraph(_("Months: %(months)s") % {"months": months}, subheading),
        Spacer(0, 4 * mm),
    ]
    measures = measure_headers()
    station_rows = [[r["name"], "", *_measures({**r, "rank": ""})] for r in table.stations]
    story += [
        Paragraph(_("Stations"), subheading),
        _table([_("Station"), "", *measures], station_rows),
        Spacer(0, 4 * mm),
        # The heading, then the chart of the best communities, then all of them.
        Paragraph(_("Communities"), subheading),
        _chart(table.communities, width=frame_width(doc)),
        _table(
            [_("Station"), _("Name"), *measures],
            [[r["station_name"], r["name"], *_measures(r)] for r in table.communities],
        ),
        Spacer(0, 4 * mm),
        Paragraph(_("Officers"), subheading),
        _table(
            [_("Station"), _("Name"), *measures],
            [[r["station_name"], r["name"], *_measures(r)] for r in table.officers],
        ),
    ]
    doc.build(story)
    return out.getvalue()
