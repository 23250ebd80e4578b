from rest_framework import serializers

from apps.accounts.models import User
from apps.core.api.serializers import ModelSerializer, ScopedRelatedField
from apps.core.scoping import VIEW

from ..models import MAX_DB, MIN_DB, NoiseEvent, NoiseSensor


class NoiseSensorSerializer(ModelSerializer):
    """A sensor as staff see it; the device key never appears here (only its state)."""

    contacts = ScopedRelatedField(
        queryset=User.objects.all(), action=VIEW, many=True, required=False
    )
    key_active = serializers.SerializerMethodField()

    class Meta:
        model = NoiseSensor
        fields = [
            "id",
            "station",
            "post",
            "community",
            "name",
            "latitude",
            "longitude",
            "zone_class",
            "contacts",
            "is_active",
            "key_active",
            "key_revoked_at",
            "last_reading_at",
            "last_db_a",
        ]
        read_only_fields = ["key_revoked_at", "last_reading_at", "last_db_a"]

    def get_key_active(self, sensor) -> bool:
        return bool(sensor.key_hash) and sensor.key_revoked_at is None


class NoiseSensorKeySerializer(NoiseSensorSerializer):
    """The answer to a create or a key rotation: the one time the key is shown."""

    key = serializers.CharField(read_only=True)

    class Meta(NoiseSensorSerializer.Meta):
        fields = [*NoiseSensorSerializer.Meta.fields, "key"]


class NoiseEventSerializer(serializers.ModelSerializer):
    sensor_name = serializers.CharField(source="sensor.name", read_only=True)
    incident_number = serializers.CharField(source="incident.number", read_only=True, default=None)

    class Meta:
        model = NoiseEvent
        fields = [
            "id",
            "sensor",
            "sensor_name",
            "opened_at",
            "closed_at",
            "peak",
            "limit",
            "period",
            "incident",
            "incident_number",
        ]


class ReadingSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    db_a = serializers.FloatField(min_value=float(MIN_DB), max_value=float(MAX_DB))


class ReadingBatchSerializer(serializers.Serializer):
    """A sensor's batch; `sensor` (its id) is optional and, when given, must be the key's."""

    sensor = serializers.IntegerField(required=False)
    readings = ReadingSerializer(many=True, allow_empty=False)


class ReadingAnswerSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    processed = serializers.IntegerField()
    play_warning = serializers.BooleanField()
    text = serializers.CharField()
