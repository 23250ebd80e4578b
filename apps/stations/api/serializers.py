from rest_framework import serializers

from apps.core.api.serializers import MaskedField, ModelSerializer
from apps.core.limits import validate_past

from ..choices import ServiceKind
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


class BureauSerializer(ModelSerializer):
    class Meta:
        model = Bureau
        fields = ["id", "name", "code", "city_bureau"]


class StationSerializer(ModelSerializer):
    class Meta:
        model = Station
        fields = [
            "id",
            "bureau",
            "name",
            "code",
            "organ_code",
            "address",
            "phone",
            "latitude",
            "longitude",
            "area",
            "area_km2",
        ]
        read_only_fields = ["bureau", "code", "organ_code"]


class PostSerializer(ModelSerializer):
    class Meta:
        model = Post
        fields = [
            "id",
            "station",
            "name",
            "kind",
            "address",
            "phone",
            "latitude",
            "longitude",
            "area",
            "opened_on",
            "is_active",
        ]


class PoliceDistrictSerializer(ModelSerializer):
    class Meta:
        model = PoliceDistrict
        fields = ["id", "station", "post", "name", "responsible_officers", "real_population"]


class CommunitySerializer(ModelSerializer):
    class Meta:
        model = Community
        fields = [
            "id",
            "station",
            "district",
            "post",
            "name",
            "kind",
            "latitude",
            "longitude",
            "population",
            "note",
        ]


class StaffAssignmentSerializer(ModelSerializer):
    phone = MaskedField("phone", required=False, allow_blank=True, max_length=20)

    class Meta:
        model = StaffAssignment
        fields = [
            "id",
            "station",
            "post",
            "community",
            "user",
            "name",
            "kind",
            "unit",
            "duty",
            "phone",
            "started_on",
            "ended_on",
        ]


class CommunityAppointmentSerializer(serializers.ModelSerializer):
    officer_name = serializers.CharField(source="officer.name", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = CommunityAppointment
        fields = [
            "id",
            "station",
            "community",
            "community_name",
            "officer",
            "officer_name",
            "title",
            "started_on",
            "ended_on",
            "note",
        ]
        read_only_fields = fields


class ServiceLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceLog
        fields = [
            "id",
            "station",
            "post",
            "kind",
            "occurred_at",
            "note",
            "recorded_by",
            "client_id",
        ]
        read_only_fields = fields


class ServiceLogCreateSerializer(serializers.Serializer):
    """What the desk or a tablet sends; `client_id` makes a retry harmless."""

    kind = serializers.ChoiceField(choices=ServiceKind.choices)
    post = serializers.IntegerField(required=False, allow_null=True)
    station = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    occurred_at = serializers.DateTimeField(
        required=False, allow_null=True, validators=[validate_past]
    )
    client_id = serializers.UUIDField(required=False, allow_null=True)


class PlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()


class PlacePostSerializer(PlaceSerializer):
    station = serializers.IntegerField()


class PlaceCommunitySerializer(PlacePostSerializer):
    kind = serializers.CharField()
    boundary = serializers.JSONField(
        allow_null=True, help_text="GeoJSON Polygon or MultiPolygon (WGS 84), or null"
    )


class PlacesSerializer(serializers.Serializer):
    """The maps' base: schema only (the view returns selectors.map_places as it is)."""

    stations = PlaceSerializer(many=True)
    posts = PlacePostSerializer(many=True)
    communities = PlaceCommunitySerializer(many=True)
