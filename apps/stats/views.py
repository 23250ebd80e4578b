"""The statistics pages: the dashboard of one unit and period with year-on-year
and period-on-period changes and charts, the side-by-side comparison of a unit's stations
or posts with ranks, their XLSX files, the quarterly bulletin PDF, and the recomputation
runs with their progress. Thin: the figures come from apps.stats.selectors."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError, OutOfScope
from apps.core.progress import get_progress
from apps.core.replicas import reads_replica
from apps.core.scoping import CHANGE, is_in_scope
from apps.core.views import form_errors, require_perm
from apps.stations.models import Bureau

from . import bulletin as pdf
from . import exports, selectors
from .forms import PeriodForm, QuarterForm, RecomputeForm, yesterday
from .models import StatsRun
from .services import progress_key, recompute_start

VIEW = "stats.view_dailyfact"
# The table of the chart's periods: its title and its first column's heading.
ALONG = {
    "day": (gettext_lazy("By day"), gettext_lazy("Day")),
    "month": (gettext_lazy("By month"), gettext_lazy("Month")),
    "quarter": (gettext_lazy("By quarter"), gettext_lazy("Quarter")),
}


def _unit(request) -> selectors.Unit:
    """The unit named in ?unit=, else the user's own; 404 when out of scope or malformed."""
    text = request.GET.get("unit")
    try:
        if not text:
            unit = selectors.unit_default(request.user)
            if unit is None:
                raise Http404
            return unit
        kind, pk = selectors.unit_parse(text)
        return selectors.unit_resolve(user=request.user, kind=kind, pk=pk)
    except (OutOfScope, DomainError) as exc:
        raise Http404(getattr(exc, "message", "")) from exc


def _picker(request):
    """The unit, period kind and day from the query string, with the bound form; what
    does not validate falls back to this month (the unit itself must be in scope)."""
    unit = _unit(request)
    data = {"unit": unit.key, "period": "month", "at": yesterday().isoformat()}
    data.update({k: v for k, v in request.GET.items() if k in ("period", "at") and v})
    form = PeriodForm(data, units=selectors.unit_choices(user=request.user, unit=unit))
    if form.is_valid():
        period, at = form.cleaned_data["period"], form.cleaned_data["at"]
    else:
        period, at = "month", yesterday()
    return form, unit, period, at


def _query(unit, period, at) -> str:
    return f"unit={unit.key}&period={period}&at={at.isoformat()}"


@reads_replica
@login_required
def dashboard(request):
    require_perm(request, VIEW)
    form, unit, period, at = _picker(request)
    board = selectors.dashboard(user=request.user, unit=unit, period=period, at=at)
    if request.resolver_match.url_name == "dashboard_xlsx":
        return exports.dashboard_xlsx(board)
    charts = [
        (name, selectors.metric_label(name), f"chart-{name}", values, selectors.metric_unit(name))
        for name, values in board.charts.items()
    ]
    breakdown_charts = [
        (
            name,
            label,
            f"split-{name}",
            f"split-{name}-labels",
            [d for d, _v in parts],
            [v for _d, v in parts],
        )
        for name, label, parts in board.breakdowns
        if parts
    ]
    # The chart's periods as a table too, each opening its own page (a year's months, a
    # month's days), up to the newest computed.
    along = [
        (
            selectors.period_label(board.chart_step, start),
            _query(unit, board.chart_step, start),
            [board.charts[name][n] for name in board.charts],
        )
        for n, start in enumerate(board.chart_starts)
        if start <= board.newest
    ]
    context = {
        "form": form,
        "board": board,
        "period_label": selectors.period_label(period, board.start),
        "charts": charts,
        "along": along,
        "along_title": ALONG[board.chart_step],
        "breakdown_charts": breakdown_charts,
        "query": _query(unit, period, at),
        "year": at.year,
        "quarter": (at.month - 1) // 3 + 1,
        "can_compare": unit.kind != "post",
    }
    return render(request, "stats/dashboard.html", context)


@reads_replica
@login_required
def compare(request):
    require_perm(request, VIEW)
    form, unit, period, at = _picker(request)
    if unit.kind == "post":
        # A post has nothing below it: compare the posts of its station.
        unit = selectors.unit_resolve(user=request.user, kind="station", pk=unit.station_id)
    table = selectors.comparison(user=request.user, unit=unit, period=period, at=at)
    if request.resolver_match.url_name == "compare_xlsx":
        return exports.comparison_xlsx(table)
    names = [name for name, _l, _u in table.metrics]
    metric = request.GET.get("metric")
    if metric not in names:
        metric = "incidents"
    index = names.index(metric)
    ordered = sorted(table.rows, key=lambda row: selectors.rank_order(row, metric))
    context = {
        "form": form,
        "table": table,
        "rows": ordered,
        "metric": metric,
        "metric_label": selectors.metric_label(metric),
        "chart_labels": [row["unit"].name for row in ordered],
        "chart_values": [row["values"][index] for row in ordered],
        "period_label": selectors.period_label(period, table.start),
        "query": _query(unit, period, at),
    }
    return render(request, "stats/compare.html", context)


def _quarter(request):
    """The unit (a station or the bureau: posts rank nothing), year and quarter of a
    bulletin from the query string; a 400 response when they do not validate."""
    unit = _unit(request)
    if unit.kind == "post":
        raise Http404
    default = yesterday()
    data = {"unit": unit.key, "year": default.year, "quarter": (default.month - 1) // 3 + 1}
    data.update({k: v for k, v in request.GET.items() if k in ("year", "quarter") and v})
    form = QuarterForm(data, units=[(unit.key, unit.name)])
    if not form.is_valid():
        return HttpResponse(form_errors(form), status=400, content_type="text/plain")
    return unit, form.cleaned_data["year"], form.cleaned_data["quarter"]


@reads_replica
@login_required
def bulletin(request):
    """The quarterly bulletin (季通报) of a station or the bureau as a PDF, with the
    half-year ranking of its stations or posts."""
    require_perm(request, VIEW)
    found = _quarter(request)
    if isinstance(found, HttpResponse):
        return found
    unit, year, quarter = found
    body = pdf.quarter_bulletin(user=request.user, unit=unit, year=year, quarter=quarter)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="bulletin-{unit.kind}-{unit.id}-{year}-q{quarter}.pdf"'
    )
    return response


@reads_replica
@login_required
def bulletin_ranking(request):
    """The bulletin's half-year ranking table as XLSX."""
    require_perm(request, VIEW)
    found = _quarter(request)
    if isinstance(found, HttpResponse):
        return found
    unit, year, quarter = found
    ranking = pdf.half_year_ranking(user=request.user, unit=unit, year=year, quarter=quarter)
    return exports.ranking_xlsx(
        ranking, columns=pdf.ranked_columns(ranking), year=year, quarter=quarter
    )


# --- recomputation --------------------------------------------------------------------------


def _bureaus(user) -> list[tuple[int, str]]:
    """The bureaus whose days this user may recompute: those they may change (none for a
    station's staff, who see their bureau but do not administer it)."""
    return list(Bureau.objects.restrict(user, CHANGE).order_by("code").values_list("pk", "name"))


@login_required
def runs(request):
    require_perm(request, "stats.view_statsrun")
    rows = StatsRun.objects.restrict(request.user).select_related("bureau")[:50]
    form = None
    if request.user.has_perm("stats.add_statsrun") and (bureaus := _bureaus(request.user)):
        today = yesterday()
        form = RecomputeForm(
            initial={"first_day": date(today.year, 1, 1), "last_day": today},
            bureaus=bureaus,
        )
    return render(request, "stats/runs.html", {"runs": rows, "form": form})


@login_required
@require_POST
def recompute(request):
    """Start recomputing a range of days for a bureau; the run's page shows the progress."""
    require_perm(request, "stats.add_statsrun")
    bureaus = _bureaus(request.user)
    if not bureaus:
        raise Http404
    form = RecomputeForm(request.POST, bureaus=bureaus)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("stats:runs")

    bureau = Bureau.objects.restrict(request.user, CHANGE).get_or_404(form.cleaned_data["bureau"])
    try:
        run = recompute_start(
            by=request.user,
            bureau=bureau,
            first_day=form.cleaned_data["first_day"],
            last_day=form.cleaned_data["last_day"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("stats:runs")
    messages.success(request, _("Recomputation started."))
    return redirect("stats:run_detail", pk=run.pk)


@login_required
def run_detail(request, pk):
    """A run and, while it works, its progress bar: the fragment polls itself, so the page
    can be left and opened again at any time."""
    require_perm(request, "stats.view_statsrun")
    run = StatsRun.objects.restrict(request.user).select_related("bureau").get_or_404(pk)
    context = {
        "run": run,
        "progress": get_progress(progress_key(run)),
        "working": run.status == StatsRun.Status.RUNNING,
        "restart": run.restarts.order_by("-pk").first(),
        "can_restart": run.status == StatsRun.Status.FAILED
        and request.user.has_perm("stats.add_statsrun")
        and is_in_scope(run, request.user, CHANGE),
    }
    template = "stats/_run_status.html" if request.htmx else "stats/run_detail.html"
    return render(request, template, context)
