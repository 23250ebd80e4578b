from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts.models import User
from apps.cases.choices import Priority
from apps.cases.models import IncidentCategory
from apps.core.api.serializers import ModelSerializer, ScopedRelatedField
from apps.core.limits import PLACE_MAX_LENGTH, TEXT_MAX_LENGTH, validate_past, validate_plannable
from apps.core.masking import mask_phone
from apps.core.plates import normalize_plate
from apps.core.scoping import VIEW
from apps.mediation.choices import DisputeCategory
from apps.registry.models import Unit
from apps.stations.models import Community, Post, Station

from ..choices import FindingKind, ParticipantKind, PatrolMode, VideoPatrolKind
from ..models import Broadcast, Finding, Patrol, PatrolParticipant, Vehicle, VideoPatrol


class ParticipantSerializer(serializers.ModelSerializer):
    """A joint-force participant; the phone is masked when read."""

    class Meta:
        model = PatrolParticipant
        fields = ["kind", "name", "phone"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["phone"] = mask_phone(data["phone"])
        return data


class OfficerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name")

    class Meta:
        model = User
        fields = ["id", "username", "name"]


class PatrolSerializer(serializers.ModelSerializer):
    """A patrol as read: plan, state, what its track added up to, and where it was last."""

    station_name = serializers.CharField(source="station.name", read_only=True)
    post_name = serializers.CharField(source="post.name", read_only=True, default=None)
    vehicle_plate = serializers.CharField(source="vehicle", read_only=True, default=None)
    officers = OfficerSerializer(many=True, read_only=True)
    participants = ParticipantSerializer(many=True, read_only=True)
    community_names = serializers.SerializerMethodField()
    covered = serializers.SerializerMethodField()
    duration = serializers.SerializerMethodField(help_text=_("Seconds under way."))

    class Meta:
        model = Patrol
        fields = [
            "id",
            "station",
            "station_name",
            "post",
            "post_name",
            "vehicle",
            "vehicle_plate",
            "mode",
            "status",
            "officers",
            "participants",
            "communities",
            "community_names",
            "route",
            "planned_start",
            "planned_end",
            "started_at",
            "ended_at",
            "duration",
            "loudspeaker",
            "note",
            "distance_m",
            "covered",
            "last_latitude",
            "last_longitude",
            "last_seen_at",
        ]
        read_only_fields = fields

    def get_community_names(self, patrol) -> list[str]:
        return [c.name for c in patrol.communities.all()]

    def get_covered(self, patrol) -> list[str]:
        return [c.name for c in patrol.covered.all()]

    def get_duration(self, patrol) -> int | None:
        duration = patrol.duration
        return None if duration is None else int(duration.total_seconds())


class ParticipantInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ParticipantKind.choices)
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class PatrolInputSerializer(serializers.Serializer):
    """Plan or change a patrol; in a partial update the lists given replace the old ones."""

    station = ScopedRelatedField(queryset=Station.objects.all(), required=False)
    post = ScopedRelatedField(
        queryset=Post.objects.all(), action=VIEW, required=False, allow_null=True
    )
    mode = serializers.ChoiceField(choices=PatrolMode.choices)
    planned_start = serializers.DateTimeField(validators=[validate_plannable])
    planned_end = serializers.DateTimeField(
        required=False, allow_null=True, validators=[validate_plannable]
    )
    officers = ScopedRelatedField(queryset=User.objects.all(), action=VIEW, many=True)
    communities = ScopedRelatedField(
        queryset=Community.objects.all(), action=VIEW, many=True, required=False
    )
    participants = ParticipantInputSerializer(many=True, required=False)
    route = serializers.CharField(max_length=300, required=False, allow_blank=True)
    loudspeaker = serializers.BooleanField(required=False)
    vehicle = ScopedRelatedField(
        queryset=Vehicle.objects.all(), action=VIEW, required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)


class TrackPointInputSerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    recorded_at = serializers.DateTimeField()
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    accuracy = serializers.FloatField(required=False, allow_null=True)
    speed = serializers.FloatField(required=False, allow_null=True)


class TrackBatchSerializer(serializers.Serializer):
    """For the schema only: the view parses batches itself (a 2,000-point batch through
    DRF's nested serializers would cost more than the whole insert)."""

    client_id = serializers.UUIDField()
    points = TrackPointInputSerializer(many=True)


class TrackAnswerSerializer(serializers.Serializer):
    batch = serializers.UUIDField()
    received = serializers.IntegerField()
    new = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    flagged = serializers.IntegerField()
    ignored = serializers.IntegerField(help_text=_("Recorded outside the time under way."))
    distance_m = serializers.IntegerField()


class TrackSerializer(serializers.Serializer):
    points = serializers.ListField(
        child=serializers.ListField(), help_text=_("[latitude, longitude, time, flag]")
    )
    distance_m = serializers.IntegerField()


class BroadcastSerializer(serializers.ModelSerializer):
    by_name = serializers.CharField(source="by.get_full_name", read_only=True)

    class Meta:
        model = Broadcast
        fields = ["id", "client_id", "at", "message", "place", "latitude", "longitude", "by_name"]
        read_only_fields = ["id", "by_name"]
        extra_kwargs = {
            "client_id": {"required": False, "validators": []},
            "at": {"required": False},
        }


class VehicleSerializer(ModelSerializer):
    """A vehicle of a station; `patrol_under_way` is the patrol that has it out now."""

    station_name = serializers.CharField(source="station.name", read_only=True)
    post_name = serializers.CharField(source="post.name", read_only=True, default=None)
    patrol_under_way = serializers.IntegerField(read_only=True, default=None, allow_null=True)

    class Meta:
        model = Vehicle
        fields = [
            "id",
            "station",
            "station_name",
            "post",
            "post_name",
            "plate",
            "kind",
            "has_loudspeaker",
            "is_active",
            "note",
            "patrol_under_way",
        ]
        # The plate's uniqueness is the model's clean() (on the plate as stored, 渝A·1234警).
        validators = []

    def validate_plate(self, value: str) -> str:
        return normalize_plate(value)


class StartSerializer(serializers.Serializer):
    """Start a planned patrol; `vehicle` (optional) replaces the plan's, null for none."""

    vehicle = ScopedRelatedField(
        queryset=Vehicle.objects.all(), action=VIEW, required=False, allow_null=True
    )


# --- findings and video patrols ---------------------------------------------------------


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
