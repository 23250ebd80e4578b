from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.accounts.models import User
from apps.core.actions import api_action
from apps.core.api.pagination import TimeCursorPagination
from apps.core.api.parsers import JSONParser
from apps.core.api.permissions import ActionPermissions
from apps.core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from apps.core.errors import Conflict, OutOfScope

from .. import actions, selectors, services
from ..filters import CaseFilter, DutyShiftFilter, IncidentCategoryFilter, IncidentFilter
from ..models import Case, DutyShift, Incident, IncidentCategory
from . import serializers as s


class IncidentPagination(TimeCursorPagination):
    ordering = ("-received_at", "-id")


class CasePagination(TimeCursorPagination):
    ordering = ("-accepted_at", "-id")


class IncidentCategoryViewSet(ScopedReadOnlyViewSet):
    """The taxonomy (职责细分) with each minor category's handling procedure; edited in admin."""

    queryset = IncidentCategory.objects.all()
    serializer_class = s.IncidentCategorySerializer
    filterset_class = IncidentCategoryFilter

    def get_queryset(self):
        return super().get_queryset().prefetch_related("steps")


class IncidentViewSet(viewsets.mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Incidents: intake (POST), list (cursor pages, newest first) and one action endpoint
    per state change. Changes go through the services only."""

    queryset = Incident.objects.all()
    serializer_class = s.IncidentSerializer
    filterset_class = IncidentFilter
    pagination_class = IncidentPagination
    permission_classes = [ActionPermissions]
    select_related = ("category", "post")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("officers")

    def _answer(self, incident, code=status.HTTP_200_OK):
        incident = self.get_queryset().get(pk=incident.pk)
        return Response(s.IncidentSerializer(incident).data, status=code)

    @extend_schema(request=s.IncidentReportSerializer, responses={201: s.IncidentSerializer})
    def create(self, request, *args, **kwargs):
        data = s.IncidentReportSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        incident, created = services.incident_report(by=request.user, **data.validated_data)
        return self._answer(incident, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=None, responses=s.RankingSerializer)
    @action(detail=True, methods=["get"])
    def suggestions(self, request, pk=None):
        """The nearest posts for this incident, with on-duty staff and minutes saved."""
        # Only the place and the station are needed: skip the list's joins and prefetch
        # (the desk polls this as the place is typed).
        incident = (
            Incident.objects.restrict(request.user)
            .select_related("station__bureau__dispatch_settings")
            .filter(pk=pk)
            .first()
        )
        if incident is None:
            raise OutOfScope(_("Not found."))
        if incident.latitude is None:
            raise ValidationError({"latitude": [_("The incident has no coordinates.")]})
        ranking = selectors.rank_posts(
            station=incident.station,
            latitude=incident.latitude,
            longitude=incident.longitude,
            user=request.user,
        )
        return Response(s.RankingSerializer(ranking).data)

    @extend_schema(request=s.DispatchSerializer, responses=s.IncidentSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_to_post(self, request, pk=None):
        """Send a post and its officers; another than the nearest needs a reason."""
        incident = self.get_changeable_object()
        data = s.DispatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        officers = list(User.objects.filter(pk__in=data.validated_data.get("officers", [])))
        if len(officers) != len(set(data.validated_data.get("officers", []))):
            raise ValidationError({"officers": [_("Unknown officer.")]})
        incident = services.incident_dispatch(
            incident=incident,
            post=data.validated_data["post"],
            officers=officers,
            reason=data.validated_data.get("reason", ""),
            client_id=data.validated_data.get("client_id"),
            by=request.user,
        )
        return self._answer(incident)

    take = api_action(actions.INCIDENT_TAKE)

    @extend_schema(request=s.StatusSerializer, responses=s.IncidentSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def field_status(self, request, pk=None):
        """A field report from the tablet: en_route, arrived, handled (with the outcome).
        On a job still waiting at the post, "en_route" or "arrived" takes it first."""
        incident = self.get_changeable_object()
        data = s.StatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = services.incident_status(
            incident=incident, by=request.user, **data.validated_data
        )
        return self._answer(incident)

    @extend_schema(request=s.ChecklistSerializer, responses=s.IncidentSerializer)
    @action(detail=True, methods=["post"])
    def checklist(self, request, pk=None):
        incident = self.get_changeable_object()
        data = s.ChecklistSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = services.incident_checklist_tick(
            incident=incident, by=request.user, **data.validated_data
        )
        return self._answer(incident)

    close = api_action(actions.INCIDENT_CLOSE)


class DutyShiftViewSet(ScopedModelViewSet):
    queryset = DutyShift.objects.all()
    serializer_class = s.DutyShiftSerializer
    filterset_class = DutyShiftFilter
    select_related = ("staff",)

    def perform_create(self, serializer):
        services.shift_save(by=self.request.user, shift=DutyShift(**serializer.validated_data))

    def perform_update(self, serializer):
        shift = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(shift, name, value)
        services.shift_save(by=self.request.user, shift=shift)


class CaseViewSet(viewsets.mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Cases: accept (POST), list, detail with parties and evidence, and transitions."""

    queryset = Case.objects.all()
    serializer_class = s.CaseSerializer
    filterset_class = CaseFilter
    pagination_class = CasePagination
    permission_classes = [ActionPermissions]
    # The station leader proposes an extension; the sub-bureau (a bureau user) decides.
    action_permissions = {
        "extend": ["cases.propose_extension"],
        "decide_extension": ["cases.approve_extension"],
    }
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        return s.CaseDetailSerializer if self.action == "retrieve" else s.CaseSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("parties", "evidence", "incidents")
        return qs

    def _answer(self, case, code=status.HTTP_200_OK):
        case = Case.objects.prefetch_related(
            "parties", "evidence", "incidents", "extensions", "suspensions"
        ).get(pk=case.pk)
        return Response(s.CaseDetailSerializer(case).data, status=code)

    @extend_schema(request=s.CaseOpenSerializer, responses={201: s.CaseDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = s.CaseOpenSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        case = services.case_open(by=request.user, **data.validated_data)
        return self._answer(case, status.HTTP_201_CREATED)

    @extend_schema(request=s.CaseTransitionSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        case = self.get_changeable_object()
        data = s.CaseTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_transition(case=case, by=request.user, **data.validated_data)
        return self._answer(case)

    @extend_schema(request=s.CaseExtendSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Propose a longer time limit (the station leader); the sub-bureau decides."""
        case = self.get_changeable_object()
        data = s.CaseExtendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_extension_propose(case=case, by=request.user, **data.validated_data)
        return self._answer(case)

    @extend_schema(request=s.CaseExtensionDecideSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="decide-extension")
    def decide_extension(self, request, pk=None):
        """Approve or refuse the pending extension (the sub-bureau, the superior organ)."""
        case = self.get_changeable_object()
        data = s.CaseExtensionDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pending = case.extensions.filter(approved__isnull=True).first()
        if pending is None:
            raise Conflict(_("No extension of this case awaits a decision."))
        services.case_extension_decide(extension=pending, by=request.user, **data.validated_data)
        return self._answer(case)

    @extend_schema(request=s.CasePartyAddSerializer, responses={201: s.CaseDetailSerializer})
    @action(detail=True, methods=["post"])
    def parties(self, request, pk=None):
        case = self.get_changeable_object()
        data = s.CasePartyAddSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        services.case_party_add(case=case, by=request.user, **data.validated_data)
        return self._answer(case, status.HTTP_201_CREATED)

    @extend_schema(request=s.CaseEvidenceAddSerializer, responses={201: s.CaseDetailSerializer})
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        case = self.get_changeable_object()
        data = s.CaseEvidenceAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_evidence_add(
            case=case,
            by=request.user,
            upload=data.validated_data["file"],
            kind=data.validated_data["kind"],
            description=data.validated_data.get("description", ""),
        )
        return self._answer(case, status.HTTP_201_CREATED)
