"""`/api/v1/assessments/`: the monthly scores (read-only, scoped, filtered by month,
subject, station, community and officer) and `POST /api/v1/assessments/recompute/`
{"month": "YYYY-MM"} for bureau admins, which starts the Celery task and answers 202."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.permissions import ActionPermissions
from apps.core.api.viewsets import ScopedReadOnlyViewSet
from apps.core.filters import IdFilter, ScopedFilterSet
from apps.core.outbox import enqueue
from apps.core.progress import get_progress, set_progress
from apps.stations.models import Community, Station

from ..assessment import services as assessment
from ..assessment.views import parse_month, user_bureau
from ..choices import AssessmentSubject
from ..models import AssessmentScore


class MonthFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        if not value:
            return qs
        month = parse_month(value)
        if month is None:
            raise serializers.ValidationError({"month": [_("Give the month as YYYY-MM.")]})
        return qs.filter(month=month)


class AssessmentScoreFilter(ScopedFilterSet):
    search_fields = ("community__name", "officer__last_name", "officer__username")
    month = MonthFilter(label=_("Month (YYYY-MM)"))
    subject = django_filters.ChoiceFilter(choices=AssessmentSubject.choices)
    station = django_filters.ModelChoiceFilter(queryset=Station.objects.all())
    community = django_filters.ModelChoiceFilter(queryset=Community.objects.all())
    officer = IdFilter(field_name="officer_id")

    class Meta:
        model = AssessmentScore
        fields = ["q", "month", "subject", "station", "community", "officer"]


class AssessmentScoreSerializer(serializers.ModelSerializer):
    month = serializers.DateField(format="%Y-%m")
    station_name = serializers.CharField(source="station.name")
    name = serializers.SerializerMethodField()

    class Meta:
        model = AssessmentScore
        fields = [
            "id",
            "month",
            "subject",
            "station",
            "station_name",
            "community",
            "officer",
            "name",
            *assessment.MEASURES,
            "score",
            "rank",
            "computed_at",
        ]

    def get_name(self, score) -> str:
        if score.community_id:
            return score.community.name
        return score.officer.get_full_name() or score.officer.username


class RecomputeSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM", max_length=7)
    bureau = serializers.IntegerField(required=False, help_text=_("Superusers only."))

    def validate_month(self, value):
        month = parse_month(value)
        if month is None:
            raise serializers.ValidationError(_("Give the month as YYYY-MM."))
        if month > timezone.localdate():
            raise serializers.ValidationError(_("The month has not begun."))
        return month


class RecomputeAnswerSerializer(serializers.Serializer):
    bureau = serializers.IntegerField()
    month = serializers.CharField()
    progress = serializers.IntegerField(help_text="percent done")


class AssessmentScoreViewSet(ScopedReadOnlyViewSet):
    """Monthly patrol assessment scores of communities and officers, best rank first."""

    queryset = AssessmentScore.objects.all()
    serializer_class = AssessmentScoreSerializer
    permission_classes = [ActionPermissions]
    filterset_class = AssessmentScoreFilter
    select_related = ("station", "community", "officer")
    action_permissions = {"recompute": ["patrols.add_assessmentscore"]}

    def get_queryset(self):
        return super().get_queryset().order_by("-month", "subject", "rank", "pk")

    @extend_schema(request=RecomputeSerializer, responses={202: RecomputeAnswerSerializer})
    @action(detail=False, methods=["post"])
    def recompute(self, request):
        """Recompute a month of the caller's bureau in the background (idempotent)."""
        data = RecomputeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bureau = user_bureau(request.user, data.validated_data.get("bureau"))
        month = data.validated_data["month"]
        key = assessment.progress_key(bureau.pk, month)
        set_progress(key, 0, 2)
        enqueue("patrols.assessment_compute", bureau.pk, month.isoformat())
        return Response(
            {
                "bureau": bureau.pk,
                "month": f"{month:%Y-%m}",
                "progress": get_progress(key)["percent"],
            },
            status=status.HTTP_202_ACCEPTED,
        )
