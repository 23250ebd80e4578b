"""API of patrol findings and video patrols: `/api/v1/patrol-findings/` (the offline tablet
posts here; a resent client_id answers 200 with the finding already saved, a new one 201)
with the one-tap conversions, and `/api/v1/video-patrols/` for the command room."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.core.actions import api_action
from apps.core.api.pagination import TimeCursorPagination
from apps.core.api.parsers import JSONParser
from apps.core.api.permissions import ActionPermissions
from apps.core.api.viewsets import ScopedReadOnlyViewSet
from apps.core.errors import OutOfScope
from apps.core.uploads import private_file_response

from .. import actions
from ..findings import services
from ..findings.filters import FindingFilter, VideoPatrolFilter
from ..models import Finding, VideoPatrol
from . import serializers as s

PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


class FindingPagination(TimeCursorPagination):
    ordering = ("-found_at", "-id")


class FindingViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Patrol findings: list (filters kind, status, patrol, date), detail, report (JSON or
    multipart with a photo), and the actions to-incident, to-dispute and handle."""

    queryset = Finding.objects.all()
    serializer_class = s.FindingSerializer
    filterset_class = FindingFilter
    pagination_class = FindingPagination
    permission_classes = [ActionPermissions]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    select_related = services.LIST_JOINS

    @extend_schema(request=s.FindingReportSerializer, responses={201: s.FindingSerializer})
    def create(self, request, *args, **kwargs):
        data = s.FindingReportSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        finding, created = services.finding_report(by=request.user, **data.validated_data)
        return self.answer(finding, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    to_incident = api_action(
        actions.FINDING_TO_INCIDENT,
        url_path="to-incident",
        code=201,
        responses={201: s.FindingSerializer},
    )
    to_dispute = api_action(
        actions.FINDING_TO_DISPUTE,
        url_path="to-dispute",
        code=201,
        responses={201: s.FindingSerializer},
    )
    handle = api_action(actions.FINDING_HANDLE)

    @extend_schema(responses={(200, "image/*"): bytes})
    @action(detail=True, methods=["get"])
    def photo(self, request, pk=None):
        """The finding's photo, to users who may see the finding."""
        finding = self.get_object()
        if not finding.photo:
            raise OutOfScope(_("Not found."))
        extension = finding.photo.name.rsplit(".", 1)[-1]
        return private_file_response(
            finding.photo.name,
            content_type=PHOTO_TYPES.get(extension, "application/octet-stream"),
            download_name=f"finding-{finding.pk}.{extension}",
        )


class VideoPatrolPagination(TimeCursorPagination):
    ordering = ("-checked_at", "-id")


class VideoPatrolViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Camera checks from the command room: list (filters kind, date), detail, log (with an
    optional finding raised in the same step)."""

    queryset = VideoPatrol.objects.all()
    serializer_class = s.VideoPatrolSerializer
    filterset_class = VideoPatrolFilter
    pagination_class = VideoPatrolPagination
    permission_classes = [ActionPermissions]
    select_related = ("officer", "finding")

    @extend_schema(request=s.VideoPatrolLogSerializer, responses={201: s.VideoPatrolSerializer})
    def create(self, request, *args, **kwargs):
        data = s.VideoPatrolLogSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.setdefault("checked_at", None)
        video = services.video_patrol_log(by=request.user, **fields)
        video = self.get_queryset().get(pk=video.pk)
        return Response(s.VideoPatrolSerializer(video).data, status=status.HTTP_201_CREATED)
