from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.actions import api_action
from apps.core.api.pagination import TimeCursorPagination
from apps.core.api.permissions import ActionPermissions
from apps.core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from apps.core.services import save_in_scope

from .. import actions, services
from ..models import NoiseEvent, NoiseSensor
from ..selectors import with_repeats
from . import listing
from . import serializers as s
from .auth import IsSensor, SensorKeyAuthentication


class ReadingsView(APIView):
    """A sensor posts its readings in batches with `Authorization: Sensor <key>`; the
    answer says whether to play the warning now. A re-sent batch changes nothing."""

    authentication_classes = [SensorKeyAuthentication]
    permission_classes = [IsSensor]
    throttle_classes = []

    @extend_schema(request=s.ReadingBatchSerializer, responses=s.ReadingAnswerSerializer)
    def post(self, request):
        sensor = request.auth
        data = s.ReadingBatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        named = data.validated_data.get("sensor")
        if named is not None and named != sensor.pk:
            if not NoiseSensor.objects.filter(pk=named).exists():
                raise NotFound(_("Unknown sensor."))
            raise PermissionDenied(_("The device key is not this sensor's."))
        result = services.readings_ingest(sensor=sensor, readings=data.validated_data["readings"])
        return Response(s.ReadingAnswerSerializer(result).data, status=status.HTTP_200_OK)


class NoiseSensorViewSet(ScopedModelViewSet):
    """Sensors: list, detail, register (the answer carries the device key, once), edit, and
    key rotation or revocation."""

    queryset = NoiseSensor.objects.all()
    serializer_class = s.NoiseSensorSerializer
    permission_classes = [ActionPermissions]
    http_method_names = ["get", "post", "patch", "head", "options"]
    prefetch_related = ("contacts",)

    def _with_key(self, sensor, key, code):
        sensor.key = key
        return Response(s.NoiseSensorKeySerializer(sensor).data, status=code)

    @extend_schema(request=s.NoiseSensorSerializer, responses={201: s.NoiseSensorKeySerializer})
    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        sensor, key = services.sensor_create(by=request.user, **data.validated_data)
        return self._with_key(sensor, key, status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        save_in_scope(by=self.request.user, save=serializer.save)

    @extend_schema(request=None, responses=s.NoiseSensorKeySerializer)
    @action(detail=True, methods=["post"], url_path="rotate-key")
    def rotate_key(self, request, pk=None):
        """A new device key; the old one stops working at once."""
        sensor = self.get_changeable_object()
        key = services.sensor_rotate_key(sensor=sensor, by=request.user)
        return self._with_key(self.get_queryset().get(pk=sensor.pk), key, status.HTTP_200_OK)

    @extend_schema(request=None, responses=s.NoiseSensorSerializer)
    @action(detail=True, methods=["post"], url_path="revoke-key")
    def revoke_key(self, request, pk=None):
        sensor = services.sensor_revoke_key(sensor=self.get_changeable_object(), by=request.user)
        return Response(s.NoiseSensorSerializer(self.get_queryset().get(pk=sensor.pk)).data)


class EventPagination(TimeCursorPagination):
    ordering = ("-opened_at", "-id")


class NoiseEventViewSet(ScopedReadOnlyViewSet):
    """Noise events, newest first, with their repeats in the week and whether they may
    become an incident, and their conversion to one."""

    queryset = NoiseEvent.objects.all()
    serializer_class = s.NoiseEventSerializer
    pagination_class = EventPagination
    permission_classes = [ActionPermissions]
    select_related = ("sensor__station", "incident")
    filterset_fields = ["sensor", "period"]

    def get_queryset(self):
        return with_repeats(super().get_queryset())

    def list(self, request, *args, **kwargs):
        """The page written without DRF's fields (listing), as NoiseEventSerializer would."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(listing.render(page))

    # Opens an incident (source: sensor) for the event and links it; 409 (code
    # not_qualified) when the event has neither lasted long enough nor repeated often
    # enough under the bureau's rules, or when it is an incident already.
    to_incident = api_action(
        actions.EVENT_TO_INCIDENT,
        url_path="to-incident",
        code=201,
        responses={201: s.NoiseEventSerializer},
    )
