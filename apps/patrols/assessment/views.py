"""The assessment pages: the month (community and officer tables, ranks, a chart, XLSX),
the quarter bulletin (page, PDF, XLSX), the half-year ranking, and the recompute that runs
in a Celery task while the page shows its progress.

Leaders and bureau admins read (patrols.view_assessmentscore); rows come through
`restrict()`, so a station leader sees their own station's rows with the bureau's ranks.
Only holders of patrols.add_assessmentscore (bureau admins) recompute, for their bureau.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.outbox import enqueue
from apps.core.progress import get_progress, set_progress
from apps.core.replicas import reads_replica
from apps.core.views import require_perm
from apps.stations.models import Bureau, Station

from ..choices import AssessmentSubject
from ..models import AssessmentScore
from . import exports
from . import services as assessment

READ = "patrols.view_assessmentscore"
RECOMPUTE = "patrols.add_assessmentscore"


def parse_month(value: str | None) -> date | None:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def user_bureau(user, requested=None) -> Bureau:
    """The reader's bureau; a superuser names one (`bureau`), else the first."""
    if user.bureau_id:
        return Bureau.objects.get(pk=user.bureau_id)
    bureaus = Bureau.objects.restrict(user).order_by("pk")
    if requested and str(requested).isdigit():
        found = bureaus.filter(pk=requested).first()
        if found:
            return found
    found = bureaus.first()
    if found is None:
        raise Http404
    return found


def visible_stations(user, bureau) -> list[int]:
    return list(Station.objects.restrict(user).filter(bureau=bureau).values_list("pk", flat=True))


def _default_month() -> date:
    return assessment.previous_month(timezone.localdate())


def _int(value, low, high, default):
    return int(value) if value and value.isdigit() and low <= int(value) <= high else default


def _chart(rows, name) -> dict:
    return {
        "labels": [name(r) for r in rows[:20]],
        "values": [float(r_score(r)) for r in rows[:20]],
    }


def r_score(row):
    return row["score"] if isinstance(row, dict) else row.score


@login_required
def assessment_month(request):
    require_perm(request, READ)
    bureau = user_bureau(request.user, request.GET.get("bureau"))
    month = parse_month(request.GET.get("month")) or _default_month()
    scores = (
        AssessmentScore.objects.restrict(request.user)
        .filter(station__bureau=bureau, month=month)
        .select_related("station", "community", "officer")
        .order_by("rank", "pk")
    )
    communities = [s for s in scores if s.subject == AssessmentSubject.COMMUNITY]
    officers = [s for s in scores if s.subject == AssessmentSubject.OFFICER]
    context = {
        "bureau": bureau,
        "month": month,
        "communities": communities,
        "officers": officers,
        "chart": _chart(communities, lambda s: s.community.name),
        "can_recompute": request.user.has_perm(RECOMPUTE),
        "progress_key": request.GET.get("progress") == "1",
        "weights": assessment.patrol_settings(bureau),
    }
    return render(request, "patrols/assessment.html", context)


@reads_replica
@login_required
def assessment_month_xlsx(request):
    require_perm(request, READ)
    bureau = user_bureau(request.user, request.GET.get("bureau"))
    month = parse_month(request.GET.get("month")) or _default_month()
    scores = (
        AssessmentScore.objects.restrict(request.user)
        .filter(station__bureau=bureau, month=month)
        .select_related("station", "community", "officer")
        .order_by("subject", "rank", "pk")
    )
    return exports.month_xlsx(month=month, scores=scores)


def _quarter(request):
    require_perm(request, READ)
    bureau = user_bureau(request.user, request.GET.get("bureau"))
    default = _default_month()
    year = _int(request.GET.get("year"), 2000, 2100, default.year)
    quarter = _int(request.GET.get("quarter"), 1, 4, (default.month - 1) // 3 + 1)
    table = assessment.quarter_bulletin(
        bureau, year, quarter, visible_station_ids=visible_stations(request.user, bureau)
    )
    return bureau, year, quarter, table


@login_required
def assessment_quarter(request):
    bureau, year, quarter, table = _quarter(request)
    query = f"?year={year}&quarter={quarter}"
    return render(
        request,
        "patrols/assessment_quarter.html",
        {
            "bureau": bureau,
            "year": year,
            "quarter": quarter,
            "table": table,
            "chart": _chart(table.communities, lambda r: r["name"]),
            "query": query,
            "quarters": range(1, 5),
        },
    )


@login_required
def assessment_quarter_pdf(request):
    bureau, year, quarter, table = _quarter(request)
    body = exports.quarter_pdf(bureau=bureau, year=year, quarter=quarter, table=table)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="patrol-bulletin-{year}-q{quarter}.pdf"'
    )
    return response


@reads_replica
@login_required
def assessment_quarter_xlsx(request):
    bureau, year, quarter, table = _quarter(request)
    return exports.quarter_xlsx(bureau=bureau, year=year, quarter=quarter, table=table)


@login_required
def assessment_half(request):
    require_perm(request, READ)
    bureau = user_bureau(request.user, request.GET.get("bureau"))
    default = _default_month()
    year = _int(request.GET.get("year"), 2000, 2100, default.year)
    half = _int(request.GET.get("half"), 1, 2, 1 if default.month <= 6 else 2)
    table = assessment.half_year_ranking(
        bureau, year, half, visible_station_ids=visible_stations(request.user, bureau)
    )
    return render(
        request,
        "patrols/assessment_half.html",
        {
            "bureau": bureau,
            "year": year,
            "half": half,
            "table": table,
            "chart": _chart(table.communities, lambda r: r["name"]),
        },
    )


@login_required
@require_POST
def assessment_recompute(request):
    """Start the month's computation for the admin's bureau; the page then shows progress."""
    require_perm(request, RECOMPUTE)
    bureau = user_bureau(request.user, request.POST.get("bureau"))
    month = parse_month(request.POST.get("month"))
    if month is None or month > timezone.localdate():
        messages.error(request, _("Give a month that has begun, as YYYY-MM."))
        return redirect("patrols:assessment")
    set_progress(assessment.progress_key(bureau.pk, month), 0, 2)
    enqueue("patrols.assessment_compute", bureau.pk, month.isoformat())
    messages.success(
        request, _("The assessment of %(month)s is being computed.") % {"month": f"{month:%Y-%m}"}
    )
    url = reverse("patrols:assessment") + f"?month={month:%Y-%m}&progress=1"
    if not request.user.bureau_id:
        url += f"&bureau={bureau.pk}"
    return redirect(url)


@login_required
def assessment_progress(request):
    """The recompute's progress bar (htmx polls it until it is done)."""
    require_perm(request, RECOMPUTE)
    bureau = user_bureau(request.user, request.GET.get("bureau"))
    month = parse_month(request.GET.get("month")) or _default_month()
    progress = get_progress(assessment.progress_key(bureau.pk, month))
    return render(
        request,
        "patrols/_assessment_progress.html",
        {"progress": progress, "month": month, "bureau": bureau},
    )
