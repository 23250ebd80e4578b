"""/api/v1/stats/: the statistics store by unit, metric, period and grouping."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import DomainError

from .. import selectors
from ..estimates import minutes_saved_per_day
from ..metrics import BY_NAME, MINUTES_SAVED_PER_DAY
from . import serializers as s


def _unit(unit: selectors.Unit) -> dict:
    return {"kind": unit.kind, "id": unit.id, "name": unit.name}


def _points(values, unit_id, name, starts, by_dimension) -> list[dict]:
    """A metric's points for one unit: per period, or per period and dimension value; a
    period without rows is 0 for counted metrics and absent for percentiles and ratios."""
    metric = BY_NAME.get(name)
    if by_dimension and metric and metric.dimension:
        return [
            {"period": p, "dimension": dim, "value": v}
            for (u, m, p, dim), v in sorted(values.items(), key=lambda i: (i[0][2], i[0][3]))
            if u == unit_id and m == name
        ]
    counted = metric is not None and metric.rollup != selectors.PERCENTILE
    points = [
        {
            "period": start,
            "dimension": "",
            "value": values.get((unit_id, name, start, ""), 0 if counted else None),
        }
        for start in starts
    ]
    return points if counted else [p for p in points if p["value"] is not None]


class StatsView(APIView):
    """GET ?unit=station:<id>&metric=incidents[,…]&period=month&from=2026-01-01&to=2026-12-31
    [&group=dimension|station|post]: one series per metric (and, with group=station for a
    bureau or group=post for a station, per child unit in the caller's scope) with a point
    per period (and dimension); period=range gives one point for the whole range (a
    post's first year from its opening day, its percentiles over the range). 400 for a bad
    unit, metric, period or grouping; 404 for a unit outside the caller's scope."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str, required=True),
            OpenApiParameter("metric", str, required=True),
            OpenApiParameter(
                "period",
                str,
                enum=[*selectors.PERIODS, selectors.RANGE],
                description="the points' periods; range: one point for the whole range",
            ),
            OpenApiParameter("from", str, required=True),
            OpenApiParameter("to", str, required=True),
            OpenApiParameter(
                "group",
                str,
                enum=list(s.GROUPS),
                description="dimension: a point per dimension value; station (for a "
                "sub-bureau) or post (for a station): a series per child unit",
            ),
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
        period, first, last, group = data["period"], data["from"], data["to"], data["group"]
        units = [unit]
        if s.GROUPS.get(group):
            if unit.kind != s.GROUPS[group]:
                raise DomainError(
                    _("group=%(group)s needs a unit of kind %(kind)s.")
                    % {"group": group, "kind": s.GROUPS[group]}
                )
            units = selectors.unit_children(user=request.user, unit=unit)
        values = {}
        if units:
            values = selectors.series(
                user=request.user,
                unit_kind=units[0].kind,
                unit_ids=[u.id for u in units],
                metrics=metrics,
                period=period,
                first_day=first,
                last_day=last,
                by_dimension=group == "dimension",
            )
        starts = selectors.periods_between(period, first, last)
        answer = []
        for member in units:
            for name in metrics:
                points = _points(values, member.id, name, starts, group == "dimension")
                for point in points:
                    point["label"] = (
                        selectors.range_label(first.isoformat(), last.isoformat())
                        if period == selectors.RANGE
                        else selectors.period_label(period, point["period"])
                    )
                metric = BY_NAME.get(name)
                extra = {}
                if name == MINUTES_SAVED_PER_DAY:
                    extra["estimate"] = minutes_saved_per_day(member)
                answer.append(
                    {
                        **extra,
                        "of_unit": _unit(member),
                        "metric": name,
                        "label": selectors.metric_label(name),
                        "unit": selectors.metric_unit(name),
                        "rollup": metric.rollup if metric else "ratio",
                        "points": points,
                    }
                )
        body = {
            "unit": _unit(unit),
            "period": period,
            "first_day": first,
            "last_day": last,
            "series": answer,
        }
        return Response(s.StatsAnswerSerializer(body).data)
