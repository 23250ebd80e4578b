from datetime import datetime

from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.core.actions import api_action
from apps.core.api.pagination import TimeCursorPagination
from apps.core.api.permissions import ActionPermissions
from apps.core.api.viewsets import ScopedModelViewSet
from apps.core.errors import DomainError, OutOfScope
from apps.core.scoping import CHANGE, VIEW

from .. import actions, selectors, services
from ..choices import PatrolStatus
from ..filters import PatrolFilter, VehicleFilter
from ..models import Broadcast, Patrol, Vehicle
from . import listing
from . import serializers as s


def _parse_time(value, i: int) -> datetime:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and not timezone.is_naive(parsed):
            return parsed
    what = _("Point %(i)d") % {"i": i + 1}  # translated only when refused
    raise DomainError(
        _("%(what)s: give the time as ISO 8601 with its time zone.") % {"what": what},
        code="invalid",
    )


def _parse_batch(data) -> tuple[object, list[dict]]:
    """The batch's JSON as the service takes it, checked only for shape: the service
    checks the values (the view stays lean for 2,000-point batches)."""
    if not isinstance(data, dict) or not isinstance(data.get("points"), list):
        raise ValidationError({"points": [_("Send the points as a list.")]})
    if "client_id" not in data:
        raise ValidationError({"client_id": [_("This field is required.")]})
    if len(data["points"]) > services.MAX_BATCH:
        raise ValidationError(
            {"points": [_("At most %(n)d points per batch.") % {"n": services.MAX_BATCH}]}
        )
    points = []
    for i, point in enumerate(data["points"]):
        if not isinstance(point, dict):
            raise ValidationError({"points": [_("Point %(i)d is not an object.") % {"i": i + 1}]})
        points.append({**point, "recorded_at": _parse_time(point.get("recorded_at"), i)})
    return data["client_id"], points


class PatrolPagination(TimeCursorPagination):
    # Patrols grow by hundreds of thousands a year: no COUNT(*) over them on every page.
    ordering = ("-planned_start", "-id")


class PatrolViewSet(ScopedModelViewSet):
    """Patrols: list (filters: status, mode, station, post, date_from, date_to), detail,
    plan (POST), change (PATCH); POST start, finish, cancel; the GPS track (GET the track,
    POST a batch of points) and the loudspeaker broadcasts (GET, POST)."""

    queryset = Patrol.objects.all()
    serializer_class = s.PatrolSerializer
    filterset_class = PatrolFilter
    pagination_class = PatrolPagination
    permission_classes = [ActionPermissions]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        action_ = VIEW if self.request.method in ("GET", "HEAD", "OPTIONS") else CHANGE
        return selectors.patrols_for(self.request.user, action_).prefetch_related("participants")

    def list(self, request, *args, **kwargs):
        """The page through values() and one query per list of its patrols (listing)."""
        rows = self.filter_queryset(Patrol.objects.restrict(request.user, VIEW))
        page = self.paginate_queryset(rows.values(*listing.COLUMNS))
        return self.get_paginated_response(listing.render(page))

    def answer(self, patrol, code=status.HTTP_200_OK):
        found = selectors.patrols_for(self.request.user).prefetch_related("participants")
        patrol = found.get(pk=patrol.pk)
        return Response(s.PatrolSerializer(patrol).data, status=code)

    def _lean(self, action_=VIEW) -> Patrol:
        """The URL's patrol without the list's joins (the tablet's hot paths)."""
        found = Patrol.objects.restrict(self.request.user, action_).filter(pk=self.kwargs["pk"])
        patrol = found.first() if str(self.kwargs["pk"]).isdigit() else None
        if patrol is None:
            raise OutOfScope(_("Not found."))
        return patrol

    def _input(self, partial=False):
        data = s.PatrolInputSerializer(
            data=self.request.data, partial=partial, context={"request": self.request}
        )
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    @extend_schema(request=s.PatrolInputSerializer, responses={201: s.PatrolSerializer})
    def create(self, request, *args, **kwargs):
        fields = self._input()
        patrol = services.patrol_create(by=request.user, post=fields.pop("post", None), **fields)
        return self.answer(patrol, status.HTTP_201_CREATED)

    @extend_schema(request=s.PatrolInputSerializer, responses=s.PatrolSerializer)
    def partial_update(self, request, *args, **kwargs):
        patrol = self._lean(CHANGE)
        fields = self._input(partial=True)
        if "station" in fields and fields.pop("station") != patrol.station:
            raise ValidationError({"station": [_("A patrol cannot move to another station.")]})
        return self.answer(services.patrol_update(patrol=patrol, by=request.user, **fields))

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    start = api_action(actions.PATROL_START)
    finish = api_action(actions.PATROL_FINISH)
    cancel = api_action(actions.PATROL_CANCEL)

    @extend_schema(
        methods=["GET"], request=None, responses=s.TrackSerializer, operation_id="patrol_track"
    )
    @extend_schema(
        methods=["POST"],
        request=s.TrackBatchSerializer,
        responses=s.TrackAnswerSerializer,
        operation_id="patrol_track_upload",
    )
    @action(detail=True, methods=["get", "post"])
    def track(self, request, pk=None):
        """GET: the whole track in time order as [latitude, longitude, time, flag] (flag 0
        valid, 1 outside China, 2 impossible speed). POST: a batch of points from the
        tablet; a re-sent batch or point is not stored twice."""
        if request.method == "GET":
            patrol = self._lean(VIEW)
            points = [
                [lat, lon, timezone.localtime(at).isoformat(), flag]
                for lat, lon, at, flag in selectors.track_rows(patrol)
            ]
            return Response({"points": points, "distance_m": patrol.distance_m})
        patrol = self._lean(CHANGE)
        client_id, points = _parse_batch(request.data)
        result = services.track_ingest(
            patrol=patrol, by=request.user, client_id=client_id, points=points
        )
        return Response(
            {
                "batch": str(result.batch),
                "received": result.received,
                "new": result.new,
                "duplicates": result.duplicates,
                "flagged": result.flagged,
                "ignored": result.ignored,
                "distance_m": result.distance_m,
            }
        )

    @extend_schema(methods=["GET"], request=None, responses=s.BroadcastSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.BroadcastSerializer, responses={201: s.BroadcastSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def broadcasts(self, request, pk=None):
        """GET: the patrol's loudspeaker broadcasts. POST: log one; refused (400) in the
        quiet hours (from 21:00 to 07:00 unless the sub-bureau set others)."""
        if request.method == "GET":
            patrol = self._lean(VIEW)
            rows = Broadcast.objects.filter(patrol=patrol).select_related("by")
            return Response(s.BroadcastSerializer(rows, many=True).data)
        patrol = self._lean(CHANGE)
        data = s.BroadcastSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            broadcast, created = services.broadcast_log(
                patrol=patrol, by=request.user, **data.validated_data
            )
        except DomainError as exc:
            if exc.status != 400:
                raise
            # The tablet shows `detail`; `error` is the API's usual shape.
            return Response(
                {"detail": exc.message, "error": {"code": exc.code, "message": exc.message}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            s.BroadcastSerializer(broadcast).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class VehicleViewSet(ScopedModelViewSet):
    """The stations' vehicles: list (filters: station, post, kind, is_active, q), detail,
    register (POST) and change (PATCH) with the vehicle permissions. The user's own post's
    vehicles come first, then the station HQ's, then the other posts'; `patrol_under_way`
    is the patrol that has the vehicle out now."""

    queryset = Vehicle.objects.all()
    serializer_class = s.VehicleSerializer
    filterset_class = VehicleFilter
    permission_classes = [ActionPermissions]
    http_method_names = ["get", "post", "patch", "head", "options"]
    select_related = ("station", "post")

    def get_queryset(self):
        post_id = self.request.user.post_id if self.request.user.is_authenticated else None
        order = [When(post__isnull=True, then=Value(1))]
        if post_id:
            order.insert(0, When(post_id=post_id, then=Value(0)))
        out = Patrol.objects.filter(vehicle=OuterRef("pk"), status=PatrolStatus.ACTIVE)
        return (
            super()
            .get_queryset()
            .annotate(
                nearness=Case(*order, default=Value(2), output_field=IntegerField()),
                patrol_under_way=Subquery(out.values("pk")[:1]),
            )
            .order_by("station_id", "nearness", "post__name", "kind", "plate", "pk")
        )
