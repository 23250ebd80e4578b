"""`GET /api/v1/places/match/?text=…`: the place a caller's words name, for a desk client or
a dispatch system that takes calls (the same matcher as the intake page)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.filters import record_id
from apps.stations.selectors import working_station

from .matcher import match_place

TEXT_MAX = 200


class MatchSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The place recognised, as the desk reads it.")
    kind = serializers.ChoiceField(
        choices=["community", "road", "post", "station", "unit", "landmark", "address"]
    )
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    community = serializers.IntegerField(source="community_id", allow_null=True)
    community_name = serializers.CharField()
    score = serializers.IntegerField(help_text="How sure, 0–100; from 80 the match is sure.")
    sure = serializers.BooleanField()
    address = serializers.IntegerField(source="address_id", allow_null=True)
    alternatives = serializers.ListField(child=serializers.ListField())


class MatchAnswerSerializer(serializers.Serializer):
    match = MatchSerializer(allow_null=True)


class PlaceMatchView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("text", str, required=True, description="what the caller said"),
            OpenApiParameter("station", int, description="a station of the scope (else yours)"),
        ],
        responses=MatchAnswerSerializer,
    )
    def get(self, request):
        """The best place of the station for the words, or `match: null` when none is close."""
        if not request.user.has_perm("cases.add_incident"):
            raise PermissionDenied
        text = request.query_params.get("text", "").strip()
        if not text or len(text) > TEXT_MAX:
            raise ValidationError(
                {
                    "text": [
                        _("Type what the caller said, at most %(n)s characters.") % {"n": TEXT_MAX}
                    ]
                }
            )
        chosen = request.query_params.get("station") or ""
        if chosen and record_id(chosen) is None:
            raise ValidationError({"station": [_("A station's number.")]})
        station = working_station(request.user, chosen)
        if station is None:
            raise NotFound
        match = match_place(station=station, text=text)
        return Response(MatchAnswerSerializer({"match": match}).data)
