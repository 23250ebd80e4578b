from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.actions import api_action
from apps.core.api.pagination import TimeCursorPagination
from apps.core.api.parsers import JSONParser
from apps.core.api.permissions import ActionPermissions
from apps.core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from apps.core.errors import OutOfScope
from apps.stations.selectors import working_station

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

    # The caller's history is read at intake: whoever takes calls may ask it.
    action_permissions = {"caller_history": ("cases.add_incident",)}

    @extend_schema(request=s.CallerPhoneSerializer, responses=s.CallerHistorySerializer)
    @action(detail=False, methods=["post"], url_path="caller-history")
    def caller_history(self, request):
        """What is known of a calling number at the user's station: earlier calls, the
        persons and open disputes with that number, repeat and nuisance flags. A POST: the
        number must not stand in a URL. Names and ID numbers come masked."""
        data = s.CallerPhoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        station = working_station(request.user)
        if station is None:
            raise ValidationError({"phone": [_("Only a station's desk takes calls.")]})
        phone = services.caller_number(data.validated_data["phone"])
        history = selectors.caller_history(user=request.user, station=station, phone=phone)
        return Response(s.CallerHistorySerializer(history).data)

    @extend_schema(request=s.IncidentReportSerializer, responses={201: s.IncidentSerializer})
    def create(self, request, *args, **kwargs):
        data = s.IncidentReportSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        incident, created = services.incident_report(by=request.user, **data.validated_data)
        return self.answer(incident, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

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

    dispatch_to_post = api_action(actions.INCIDENT_DISPATCH, url_path="dispatch")
    take = api_action(actions.INCIDENT_TAKE)
    field_status = api_action(actions.INCIDENT_STATUS, url_path="status")
    checklist = api_action(actions.INCIDENT_CHECKLIST)
    close = api_action(actions.INCIDENT_CLOSE)


class IncomingCallView(APIView):
    """`POST /api/v1/incoming-calls/`: the telephone system reports a call ringing at a
    desk's extension (README, "The telephone hook"). It signs in as its own account (role
    电话系统, a device token); that desk's pages open the intake form for the call."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.IncomingCallSerializer, responses={201: s.IncomingCallAnswerSerializer}
    )
    def post(self, request):
        data = s.IncomingCallSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call = services.call_ring(by=request.user, **data.validated_data)
        return Response(s.IncomingCallAnswerSerializer(call).data, status=status.HTTP_201_CREATED)


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
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        return s.CaseDetailSerializer if self.action == "retrieve" else s.CaseSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("parties", "evidence", "incidents")
        return qs

    def answer(self, case, code=status.HTTP_200_OK):
        """A step's answer: the case with its parts, as its detail shows it."""
        case = Case.objects.prefetch_related(
            "parties", "evidence", "incidents", "extensions", "suspensions"
        ).get(pk=case.pk)
        return Response(s.CaseDetailSerializer(case).data, status=code)

    @extend_schema(request=s.CaseOpenSerializer, responses={201: s.CaseDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = s.CaseOpenSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        case = services.case_open(by=request.user, **data.validated_data)
        return self.answer(case, status.HTTP_201_CREATED)

    transition = api_action(actions.CASE_TRANSITION, responses=s.CaseDetailSerializer)
    # The station leader proposes an extension; the sub-bureau (a bureau user) decides.
    extend = api_action(actions.CASE_EXTEND, responses=s.CaseDetailSerializer)
    decide_extension = api_action(
        actions.CASE_DECIDE_EXTENSION, url_path="decide-extension", responses=s.CaseDetailSerializer
    )
    parties = api_action(
        actions.CASE_PARTY, responses={201: s.CaseDetailSerializer}, code=status.HTTP_201_CREATED
    )
    evidence = api_action(
        actions.CASE_EVIDENCE, responses={201: s.CaseDetailSerializer}, code=status.HTTP_201_CREATED
    )
