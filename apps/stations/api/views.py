from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.pagination import TimeCursorPagination
from apps.core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from apps.core.filters import record_id
from apps.core.scoping import CHANGE

from .. import filters
from ..models import (
    Bureau,
    Community,
    CommunityAppointment,
    PoliceDistrict,
    Post,
    ServiceLog,
    StaffAssignment,
    Station,
)
from ..selectors import map_places
from ..services import service_log_record
from . import serializers

# Organisation data is created and edited here and in admin; deletion is admin's alone.
WRITE_METHODS = ["get", "post", "put", "patch", "head", "options"]


class BureauViewSet(ScopedReadOnlyViewSet):
    queryset = Bureau.objects.all()
    serializer_class = serializers.BureauSerializer
    filterset_class = filters.BureauFilter


class StationViewSet(ScopedModelViewSet):
    http_method_names = ["get", "put", "patch", "head", "options"]
    queryset = Station.objects.all()
    serializer_class = serializers.StationSerializer
    filterset_class = filters.StationFilter


class PostViewSet(ScopedModelViewSet):
    http_method_names = WRITE_METHODS
    queryset = Post.objects.all()
    serializer_class = serializers.PostSerializer
    filterset_class = filters.PostFilter


class PoliceDistrictViewSet(ScopedModelViewSet):
    http_method_names = WRITE_METHODS
    queryset = PoliceDistrict.objects.all()
    serializer_class = serializers.PoliceDistrictSerializer
    filterset_class = filters.PoliceDistrictFilter
    prefetch_related = ("responsible_officers",)


class CommunityViewSet(ScopedModelViewSet):
    http_method_names = WRITE_METHODS
    queryset = Community.objects.all()
    serializer_class = serializers.CommunitySerializer
    filterset_class = filters.CommunityFilter


class StaffAssignmentViewSet(ScopedModelViewSet):
    http_method_names = WRITE_METHODS
    queryset = StaffAssignment.objects.all()
    serializer_class = serializers.StaffAssignmentSerializer
    filterset_class = filters.StaffAssignmentFilter


class CommunityAppointmentViewSet(ScopedReadOnlyViewSet):
    """Officers appointed to villages (兼任村党支部副书记 …): read here, made in admin."""

    queryset = CommunityAppointment.objects.all()
    serializer_class = serializers.CommunityAppointmentSerializer
    filterset_class = filters.CommunityAppointmentFilter
    select_related = ("officer", "community")


class ServiceLogViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = ServiceLog.objects.all()
    pagination_class = TimeCursorPagination
    serializer_class = serializers.ServiceLogSerializer
    filterset_class = filters.ServiceLogFilter

    @extend_schema(
        request=serializers.ServiceLogCreateSerializer,
        responses={201: serializers.ServiceLogSerializer, 200: serializers.ServiceLogSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = serializers.ServiceLogCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        user = request.user
        post_id, station_id = values.pop("post", None), values.pop("station", None)
        post = Post.objects.restrict(user, CHANGE).get_or_404(post_id) if post_id else None
        station = (
            Station.objects.restrict(user, CHANGE).get_or_404(station_id) if station_id else None
        )
        entry, created = service_log_record(by=user, post=post, station=station, **values)
        return Response(
            serializers.ServiceLogSerializer(entry).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PlacesView(APIView):
    """`GET /api/v1/places/`: the stations, posts and villages (with their boundaries) of
    the user's scope, or of one station (`?station=`), that the maps draw as their base."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("station", int, description="one station of the scope")],
        responses=serializers.PlacesSerializer,
    )
    def get(self, request):
        if not request.user.has_perm("stations.view_community"):
            raise PermissionDenied
        station = request.query_params.get("station") or None
        station_id = record_id(station) if station is not None else None
        if station is not None and station_id is None:
            raise ValidationError({"station": [_("A station's number.")]})
        data = map_places(user=request.user, station_id=station_id)
        if station is not None and not data["stations"]:
            raise NotFound
        response = Response(data)
        # Places change seldom (an admin's edit or import): a page opened again within a
        # few minutes need not fetch them again; private, as they are the user's scope.
        response["Cache-Control"] = "private, max-age=300"
        return response
