"""The statistics tables as XLSX (core/exports: formula cells neutralised)."""

from django.utils.translation import gettext as _

from apps.core.exports import xlsx_response

from .selectors import period_label


def _num(value):
    return "" if value is None else value


def dashboard_xlsx(board):
    label = period_label(board.period, board.start)
    headers = [
        _("Metric"),
        _("Unit of measure"),
        label,
        _("Previous period"),
        _("Change on the previous period, %"),
        _("A year before"),
        _("Change on a year before, %"),
    ]
    rows = [
        [
            r["label"],
            r["unit"],
            _num(r["value"]),
            _num(r["previous"]),
            _num(r["pop"]["percent"]),
            _num(r["year_before"]),
            _num(r["yoy"]["percent"]),
        ]
        for r in board.rows
    ]
    for _name, metric_label, parts in board.breakdowns:
        rows += [[f"{metric_label}: {dim}", "", value, "", "", "", ""] for dim, value in parts]
    return xlsx_response(
        filename=f"stats-{board.unit.kind}-{board.unit.id}-{board.period}-{board.start}.xlsx",
        title=f"{board.unit.name} {label}",
        headers=headers,
        rows=rows,
    )


def comparison_xlsx(table):
    label = period_label(table.period, table.start)
    headers = [_("Unit")]
    for _name, metric_label, _unit in table.metrics:
        headers += [metric_label, _("Rank")]
    rows = []
    for row in table.rows:
        cells = [row["unit"].name]
        for value, rank in zip(row["values"], row["ranks"], strict=True):
            cells += [_num(value), _num(rank)]
        rows.append(cells)
    return xlsx_response(
        filename=f"stats-compare-{table.unit.kind}-{table.unit.id}-{table.period}-{table.start}.xlsx",
        title=f"{table.unit.name} {label}",
        headers=headers,
        rows=rows,
    )
