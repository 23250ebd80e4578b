"""The statistics tables as XLSX (core/exports: formula cells neutralised, header frozen,
columns sized, figures to one decimal)."""

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


def comparison_xlsx(table, *, only=None, title=None, filename=None):
    """The side-by-side table, each metric with its rank; `only` picks metrics and their
    order (the bulletin's ranking)."""
    names = [name for name, _label, _unit in table.metrics]
    columns = [names.index(name) for name in only if name in names] if only else range(len(names))
    headers = [_("Unit")]
    for index in columns:
        headers += [table.metrics[index][1], _("Rank")]
    rows = []
    for row in table.rows:
        cells = [row["unit"].name]
        for index in columns:
            cells += [_num(row["values"][index]), _num(row["ranks"][index])]
        rows.append(cells)
    label = period_label(table.period, table.start)
    return xlsx_response(
        filename=filename
        or f"stats-compare-{table.unit.kind}-{table.unit.id}-{table.period}-{table.start}.xlsx",
        title=title or f"{table.unit.name} {label}",
        headers=headers,
        rows=rows,
        frozen_columns=1,  # the unit's name, beside every metric and rank
    )


def ranking_xlsx(ranking, *, columns, year, quarter):
    """The quarterly bulletin's half-year ranking table."""
    return comparison_xlsx(
        ranking,
        only=columns,
        title=_("Ranking %(first)s to %(last)s") % {"first": ranking.start, "last": ranking.end},
        filename=f"ranking-{ranking.unit.kind}-{ranking.unit.id}-{year}-q{quarter}.xlsx",
    )
