from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..board.selectors import OPEN_STATUSES
from ..selectors import PERIODS, RANGE

# dimension: a point per dimension value; station, post: a series per child unit (a
# bureau's stations, a station's posts) for the unit kind named here.
GROUPS = {"dimension": None, "station": "bureau", "post": "station"}


class StatsQuerySerializer(serializers.Serializer):
    """The query string of /api/v1/stats/."""

    unit = serializers.CharField(help_text=_("post:<id>, station:<id> or bureau:<id>"))
    metric = serializers.CharField(help_text=_("metrics of the catalogue, comma-separated"))
    period = serializers.ChoiceField(
        choices=[*PERIODS, RANGE],
        default="month",
        help_text=_("range: one point for the whole range from … to"),
    )
    # "from" is a Python keyword: the field is declared under its query-string name below.
    to = serializers.DateField()
    group = serializers.ChoiceField(choices=["", *GROUPS], required=False, default="")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        return fields

    def validate(self, data):
        if data["from"] > data["to"]:
            raise serializers.ValidationError({"to": [_("The range ends before it starts.")]})
        if (data["to"] - data["from"]).days > 366 * 10:
            raise serializers.ValidationError({"to": [_("Ten years at most at a time.")]})
        return data


class PointSerializer(serializers.Serializer):
    period = serializers.DateField(help_text=_("first day of the period"))
    label = serializers.CharField()
    dimension = serializers.CharField()
    value = serializers.FloatField(allow_null=True)


class StatsUnitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    name = serializers.CharField()


class SeriesSerializer(serializers.Serializer):
    of_unit = StatsUnitSerializer(
        help_text=_("whose figures: the unit asked for, or a child with group=station or post")
    )
    metric = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    rollup = serializers.CharField()
    estimate = serializers.FloatField(
        allow_null=True,
        required=False,
        help_text=_(
            "minutes_saved_per_day only: the seed's estimate for the unit (西彭派出所 600, "
            "each of its posts 100), null elsewhere"
        ),
    )
    points = PointSerializer(many=True)


class StatsAnswerSerializer(serializers.Serializer):
    unit = StatsUnitSerializer()
    period = serializers.CharField()
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    series = SeriesSerializer(many=True)


# --- /api/v1/board/ ------------------------------------------------------------------------
# The live board's answer as apps.stats.board.selectors.board_data builds it (a plain dict, returned
# as it is for speed): these serializers are its contract in the OpenAPI schema, and
# tests/stats/test_board.py checks that they render a real answer unchanged.


class BoardPostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    station = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)


class BoardIncidentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=[s.value for s in OPEN_STATUSES])
    status_label = serializers.CharField()
    priority = serializers.IntegerField()
    minutes = serializers.IntegerField(allow_null=True, help_text=_("minutes since receipt"))
    received_at = serializers.DateTimeField()
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    place = serializers.CharField(allow_blank=True)
    category = serializers.CharField(allow_blank=True)
    post = serializers.CharField(allow_blank=True)
    color = serializers.CharField()
    band = serializers.ChoiceField(choices=["new", "waiting", "late", "on_scene"])
    url = serializers.CharField()


class BoardPatrolSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    mode = serializers.CharField()
    mode_label = serializers.CharField()
    route = serializers.CharField(allow_blank=True)
    post = serializers.CharField(allow_blank=True)
    officers = serializers.ListField(child=serializers.CharField())
    started_at = serializers.DateTimeField(allow_null=True)
    lat = serializers.FloatField(allow_null=True, help_text=_("last position"))
    lon = serializers.FloatField(allow_null=True)
    seen_at = serializers.DateTimeField(allow_null=True)


class BoardNoiseEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sensor = serializers.CharField()
    level = serializers.FloatField(allow_null=True, help_text=_("dB(A) now"))
    peak = serializers.FloatField(allow_null=True)
    limit = serializers.IntegerField()
    since = serializers.DateTimeField()
    minutes = serializers.IntegerField(allow_null=True)
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)


BoardOpenByStatusSerializer = type(
    "BoardOpenByStatusSerializer",
    (serializers.Serializer,),
    {status.value: serializers.IntegerField() for status in OPEN_STATUSES},
)


class BoardCountersSerializer(serializers.Serializer):
    incidents_today = serializers.IntegerField()
    open = serializers.IntegerField()
    open_by_status = BoardOpenByStatusSerializer()
    dispatched_today = serializers.IntegerField()
    arrived_today = serializers.IntegerField()
    invalid_today = serializers.IntegerField()
    median_response_today = serializers.FloatField(allow_null=True, help_text=_("minutes"))
    patrols_under_way = serializers.IntegerField(allow_null=True)
    noise_open = serializers.IntegerField(allow_null=True)


class BoardSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    posts_version = serializers.CharField()
    posts = BoardPostSerializer(
        many=True, allow_null=True, help_text=_("null while unchanged since posts_version")
    )
    incidents = BoardIncidentSerializer(many=True)
    patrols = BoardPatrolSerializer(
        many=True, allow_null=True, help_text=_("null for a role that may not view patrols")
    )
    noise_events = BoardNoiseEventSerializer(
        many=True, allow_null=True, help_text=_("null for a role that may not view noise")
    )
    counters = BoardCountersSerializer()
