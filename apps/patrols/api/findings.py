"""API of patrol findings and video patrols: `/api/v1/patrol-findings/` (the offline tablet
posts here; a resent client_id answers 200 with the finding already saved, a new one 201)
with the one-tap conversions, and `/api/v1/video-patrols/` for the command room."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.cases.choices import Priority
from apps.cases.models import IncidentCategory
from apps.core.api.pagination import TimeCursorPagination
from apps.core.api.parsers import JSONParser
from apps.core.api.permissions import ActionPermissions
from apps.core.api.serializers import ScopedRelatedField
from apps.core.api.viewsets import ScopedReadOnlyViewSet
from apps.core.errors import OutOfScope
from apps.core.limits import PLACE_MAX_LENGTH, TEXT_MAX_LENGTH, validate_past
from apps.core.scoping import VIEW
from apps.core.uploads import private_file_response
from apps.mediation.choices import DisputeCategory
from apps.registry.models import Unit
from apps.stations.models import Community

from .. import findings as services
from ..choices import FindingKind, VideoPatrolKind
from ..findings_filters import FindingFilter, VideoPatrolFilter
from ..models import Finding, Patrol, VideoPatrol

PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


class FindingSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True, default=None)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)
    found_by_name = serializers.SerializerMethodField()
    incident_number = serializers.CharField(source="incident.number", read_only=True, default=None)
    dispute_number = serializers.CharField(source="dispute.number", read_only=True, default=None)
    photo_url = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id",
            "client_id",
            "station",
            "patrol",
            "kind",
            "kind_display",
            "trouble",
            "description",
            "found_at",
            "place",
            "latitude",
            "longitude",
            "community",
            "community_name",
            "unit",
            "unit_name",
            "photo_url",
            "status",
            "status_display",
            "handled_at",
            "handling_note",
            "incident",
            "incident_number",
            "dispute",
            "dispute_number",
            "found_by",
            "found_by_name",
        ]
        read_only_fields = fields

    def get_found_by_name(self, finding) -> str:
        return finding.found_by.get_full_name() or finding.found_by.username

    def get_photo_url(self, finding) -> str | None:
        if not finding.photo:
            return None
        return reverse("patrol-finding-photo", args=[finding.pk])


class FindingReportSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(required=False)
    patrol = ScopedRelatedField(queryset=Patrol.objects.all(), required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=FindingKind.choices, required=False)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH
    )
    found_at = serializers.DateTimeField(required=False, validators=[validate_past])
    place = serializers.CharField(required=False, allow_blank=True, max_length=PLACE_MAX_LENGTH)
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)
    community = ScopedRelatedField(
        queryset=Community.objects.all(), action=VIEW, required=False, allow_null=True
    )
    unit = ScopedRelatedField(
        queryset=Unit.objects.all(), action=VIEW, required=False, allow_null=True
    )
    photo = serializers.FileField(required=False)
    nothing_found = serializers.BooleanField(
        required=False, default=False, help_text=_("An enterprise visit where nothing was found.")
    )

    def validate(self, attrs):
        if not attrs.get("nothing_found"):
            errors = {}
            if not attrs.get("kind"):
                errors["kind"] = [_("This field is required.")]
            if not (attrs.get("description") or "").strip():
                errors["description"] = [_("This field is required.")]
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class ToIncidentSerializer(serializers.Serializer):
    category = ScopedRelatedField(
        queryset=IncidentCategory.objects.filter(parent__isnull=False, is_active=True),
        action=VIEW,
        required=False,
        allow_null=True,
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, allow_null=True)


class ToDisputeSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=DisputeCategory.choices)


class HandleSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class FindingPagination(TimeCursorPagination):
    ordering = ("-found_at", "-id")


class FindingViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Patrol findings: list (filters kind, status, patrol, date), detail, report (JSON or
    multipart with a photo), and the actions to-incident, to-dispute and handle."""

    queryset = Finding.objects.all()
    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    pagination_class = FindingPagination
    permission_classes = [ActionPermissions]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    select_related = services.LIST_JOINS

    def _answer(self, finding, code=status.HTTP_200_OK):
        finding = self.get_queryset().get(pk=finding.pk)
        return Response(FindingSerializer(finding).data, status=code)

    @extend_schema(request=FindingReportSerializer, responses={201: FindingSerializer})
    def create(self, request, *args, **kwargs):
        data = FindingReportSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        finding, created = services.finding_report(by=request.user, **data.validated_data)
        return self._answer(finding, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=ToIncidentSerializer, responses={201: FindingSerializer})
    @action(detail=True, methods=["post"], url_path="to-incident")
    def to_incident(self, request, pk=None):
        """Open an incident (source: patrol) from the finding; both link to each other."""
        finding = self.get_changeable_object()
        data = ToIncidentSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        services.finding_to_incident(finding=finding, by=request.user, **data.validated_data)
        return self._answer(finding, status.HTTP_201_CREATED)

    @extend_schema(request=ToDisputeSerializer, responses={201: FindingSerializer})
    @action(detail=True, methods=["post"], url_path="to-dispute")
    def to_dispute(self, request, pk=None):
        """Take a dispute in (source: patrol) from the finding; both link to each other."""
        finding = self.get_changeable_object()
        data = ToDisputeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.finding_to_dispute(finding=finding, by=request.user, **data.validated_data)
        return self._answer(finding, status.HTTP_201_CREATED)

    @extend_schema(request=HandleSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def handle(self, request, pk=None):
        """Mark the finding handled on the spot, with a note saying how."""
        finding = self.get_changeable_object()
        data = HandleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.finding_handle(finding=finding, by=request.user, **data.validated_data)
        return self._answer(finding)

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


class VideoPatrolSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    officer_name = serializers.SerializerMethodField()
    finding_kind = serializers.CharField(source="finding.kind", read_only=True, default=None)

    class Meta:
        model = VideoPatrol
        fields = [
            "id",
            "station",
            "kind",
            "kind_display",
            "camera",
            "checked_at",
            "observation",
            "finding",
            "finding_kind",
            "officer",
            "officer_name",
        ]
        read_only_fields = fields

    def get_officer_name(self, video) -> str:
        return video.officer.get_full_name() or video.officer.username


class VideoPatrolLogSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=VideoPatrolKind.choices)
    camera = serializers.CharField(max_length=100)
    checked_at = serializers.DateTimeField(required=False, validators=[validate_past])
    observation = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    finding_kind = serializers.ChoiceField(
        choices=FindingKind.choices, required=False, allow_blank=True
    )
    finding_description = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH
    )


class VideoPatrolPagination(TimeCursorPagination):
    ordering = ("-checked_at", "-id")


class VideoPatrolViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Camera checks from the command room: list (filters kind, date), detail, log (with an
    optional finding raised in the same step)."""

    queryset = VideoPatrol.objects.all()
    serializer_class = VideoPatrolSerializer
    filterset_class = VideoPatrolFilter
    pagination_class = VideoPatrolPagination
    permission_classes = [ActionPermissions]
    select_related = ("officer", "finding")

    @extend_schema(request=VideoPatrolLogSerializer, responses={201: VideoPatrolSerializer})
    def create(self, request, *args, **kwargs):
        data = VideoPatrolLogSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.setdefault("checked_at", None)
        video = services.video_patrol_log(by=request.user, **fields)
        video = self.get_queryset().get(pk=video.pk)
        return Response(VideoPatrolSerializer(video).data, status=status.HTTP_201_CREATED)
