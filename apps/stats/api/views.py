"""/api/v1/stats/: the statistics store by unit, metric, period and grouping (issue 9)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..metrics import BY_NAME
from . import serializers as s


class StatsView(APIView):
    """GET ?unit=station:<id>&metric=incidents[,…]&period=month&from=2026-01-01&to=2026-12-31
    [&group=dimension]: one series per metric with a point per period (and dimension); a
    period without rows is 0 for counted metrics, absent for percentiles. 400 for a bad
    unit, metric or period; 404 for a unit outside the caller's scope."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str, required=True),
            OpenApiParameter("metric", str, required=True),
            OpenApiParameter("period", str, enum=list(selectors.PERIODS)),
            OpenApiParameter("from", str, required=True),
            OpenApiParameter("to", str, required=True),
            OpenApiParameter("group", str, enum=["dimension"]),
        ],
        responses=s.StatsAnswerSerializer,
    )
    def get(self, request):
        if not request.user.has_perm("stats.view_dailyfact"):
            raise PermissionDenied
        query = s.StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        kind, pk = selectors.unit_parse(data["unit"])
        metrics = selectors.metrics_parse(data["metric"])
        unit = selectors.unit_resolve(user=request.user, kind=kind, pk=pk)
        period, first, last = data["period"], data["from"], data["to"]
        by_dimension = data["group"] == "dimension"
        values = selectors.series(
            user=request.user,
            unit_kind=unit.kind,
            unit_ids=[unit.id],
            metrics=metrics,
            period=period,
            first_day=first,
            last_day=last,
            by_dimension=by_dimension,
        )
        starts = selectors.periods_between(period, first, last)
        answer = []
        for name in metrics:
            metric = BY_NAME.get(name)
            rollup = metric.rollup if metric else "ratio"
            if by_dimension and metric and metric.dimension:
                points = [
                    {"period": p, "dimension": dim, "value": v}
                    for (_u, m, p, dim), v in sorted(
                        values.items(), key=lambda i: (i[0][2], i[0][3])
                    )
                    if m == name
                ]
            else:
                counted = metric is not None and rollup != selectors.PERCENTILE
                points = [
                    {
                        "period": start,
                        "dimension": "",
                        "value": values.get((unit.id, name, start, ""), 0 if counted else None),
                    }
                    for start in starts
                ]
                if not counted:
                    points = [p for p in points if p["value"] is not None]
            for point in points:
                point["label"] = selectors.period_label(period, point["period"])
            answer.append(
                {
                    "metric": name,
                    "label": selectors.metric_label(name),
                    "unit": selectors.metric_unit(name),
                    "rollup": rollup,
                    "points": points,
                }
            )
        body = {
            "unit": {"kind": unit.kind, "id": unit.id, "name": unit.name},
            "period": period,
            "first_day": first,
            "last_day": last,
            "series": answer,
        }
        return Response(s.StatsAnswerSerializer(body).data)
