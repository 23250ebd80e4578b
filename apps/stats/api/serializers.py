from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..selectors import PERIODS


class StatsQuerySerializer(serializers.Serializer):
    """The query string of /api/v1/stats/."""

    unit = serializers.CharField(help_text=_("post:<id>, station:<id> or bureau:<id>"))
    metric = serializers.CharField(help_text=_("metrics of the catalogue, comma-separated"))
    period = serializers.ChoiceField(choices=PERIODS, default="month")
    # "from" is a Python keyword: the field is declared under its query-string name below.
    to = serializers.DateField()
    group = serializers.ChoiceField(choices=["", "dimension"], required=False, default="")

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


class SeriesSerializer(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    rollup = serializers.CharField()
    points = PointSerializer(many=True)


class StatsUnitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    name = serializers.CharField()


class StatsAnswerSerializer(serializers.Serializer):
    unit = StatsUnitSerializer()
    period = serializers.CharField()
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    series = SeriesSerializer(many=True)
