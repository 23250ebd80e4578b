from rest_framework import serializers

from apps.accounts.models import User
from apps.core.api.serializers import ModelSerializer, ScopedRelatedField
from apps.core.scoping import VIEW

from ..models import MAX_DB, MIN_DB, NoiseEvent, NoiseSensor
from ..selectors import BureauSettings, incident_grounds, lasted


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
    """An event with how often its sensor had one in the 7 days before it (annotated by
    selectors.with_repeats) and whether, under its bureau's rules, it may become an
    incident and why ("duration", "repeat")."""

    sensor_name = serializers.CharField(source="sensor.name", read_only=True)
    incident_number = serializers.CharField(source="incident.number", read_only=True, default=None)
    repeats_in_week = serializers.IntegerField(read_only=True)
    incident_grounds = serializers.SerializerMethodField()
    qualifies_for_incident = serializers.SerializerMethodField()
    lmax = serializers.DecimalField(source="peak", max_digits=4, decimal_places=1, read_only=True)
    excess = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True)
    lmax_excess = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True)
    duration_seconds = serializers.SerializerMethodField()

    class Meta:
        model = NoiseEvent
        fields = [
            "id",
            "sensor",
            "sensor_name",
            "opened_at",
            "closed_at",
            "peak",
            "laeq",
            "lmax",
            "limit",
            "excess",
            "lmax_excess",
            "duration_seconds",
            "period",
            "trigger",
            "incident",
            "incident_number",
            "repeats_in_week",
            "incident_grounds",
            "qualifies_for_incident",
        ]

    def _grounds(self, event) -> list[str]:
        # The bureaus' settings, read once per bureau for the whole page (root context).
        configs = self.context.setdefault("noise_settings", BureauSettings())
        if not hasattr(event, "grounds"):
            event.grounds = incident_grounds(event, configs[event.sensor.station.bureau_id])
        return event.grounds

    def get_duration_seconds(self, event) -> int:
        """Over the limit so far: to its close, or while open to the newest reading."""
        return int(lasted(event).total_seconds())

    def get_incident_grounds(self, event) -> list[str]:
        return self._grounds(event)

    def get_qualifies_for_incident(self, event) -> bool:
        return bool(self._grounds(event))


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
