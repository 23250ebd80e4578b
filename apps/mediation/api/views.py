from dataclasses import replace

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.core.actions import api_action
from apps.core.api.pagination import TimeCursorPagination
from apps.core.api.parsers import JSONParser
from apps.core.api.permissions import ActionPermissions
from apps.core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import actions, selectors, services
from ..filters import (
    DisputeFilter,
    FollowUpFilter,
    LawyerSlotFilter,
    MediationSessionFilter,
    MediatorFilter,
)
from ..models import Dispute, FollowUp, LawyerSlot, MediationSession, Mediator
from . import serializers as s


class DisputePagination(TimeCursorPagination):
    ordering = ("-received_at", "-id")


def _valid(serializer_class, request, **kwargs):
    data = serializer_class(data=request.data, context={"request": request}, **kwargs)
    data.is_valid(raise_exception=True)
    return data.validated_data


class DisputeViewSet(viewsets.mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Disputes: intake (POST), list (cursor pages, newest first), detail with sessions,
    agreements and follow-ups, and one action endpoint per step. Changes go through the
    services only."""

    queryset = Dispute.objects.all()
    serializer_class = s.DisputeSerializer
    filterset_class = DisputeFilter
    pagination_class = DisputePagination
    permission_classes = [ActionPermissions]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    select_related = ("mediator",)

    def get_serializer_class(self):
        return s.DisputeDetailSerializer if self.action == "retrieve" else s.DisputeSerializer

    def get_queryset(self):
        qs = super().get_queryset().prefetch_related("parties")
        if self.action == "retrieve":
            qs = qs.prefetch_related("sessions", "agreements__signatures", "follow_ups")
        return qs

    def answer(self, dispute, code=status.HTTP_200_OK):
        """The dispute in detail, as every step answers."""
        dispute = (
            Dispute.objects.select_related("mediator")
            .prefetch_related("parties", "sessions", "agreements__signatures", "follow_ups")
            .get(pk=dispute.pk)
        )
        return Response(s.DisputeDetailSerializer(dispute).data, status=code)

    @extend_schema(request=s.DisputeReceiveSerializer, responses={201: s.DisputeDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = _valid(s.DisputeReceiveSerializer, request)
        dispute = services.dispute_receive(by=request.user, **data)
        return self.answer(dispute, status.HTTP_201_CREATED)

    # The steps (apps.mediation.actions), each answering with the dispute in detail.
    assess = api_action(actions.DISPUTE_ASSESS, responses=s.DisputeDetailSerializer)
    flag = api_action(actions.DISPUTE_FLAG, responses=s.DisputeDetailSerializer)
    open_incident = api_action(
        actions.DISPUTE_OPEN_INCIDENT, url_path="open-incident", responses=s.DisputeDetailSerializer
    )
    assign = api_action(actions.DISPUTE_ASSIGN, responses=s.DisputeDetailSerializer)
    parties = api_action(
        replace(actions.DISPUTE_PARTY, name="parties"),
        responses={201: s.DisputeDetailSerializer},
        code=status.HTTP_201_CREATED,
    )
    agreement = api_action(
        actions.AGREEMENT_MAKE,
        responses={201: s.DisputeDetailSerializer},
        code=status.HTTP_201_CREATED,
    )
    sign = api_action(actions.AGREEMENT_SIGN, responses=s.DisputeDetailSerializer)
    consent = api_action(actions.PARTY_CONSENT, responses=s.DisputeDetailSerializer)
    confirmation = api_action(actions.AGREEMENT_CONFIRMATION, responses=s.DisputeDetailSerializer)
    fail = api_action(actions.DISPUTE_FAIL, responses=s.DisputeDetailSerializer)
    withdraw = api_action(actions.DISPUTE_WITHDRAW, responses=s.DisputeDetailSerializer)
    reopen = api_action(actions.DISPUTE_REOPEN, responses=s.DisputeDetailSerializer)
    close = api_action(actions.DISPUTE_CLOSE, responses=s.DisputeDetailSerializer)

    @extend_schema(
        request=None,
        responses=s.DisputeCountsSerializer,
        parameters=[s.COUNTS_SINCE, s.COUNTS_UNTIL],
    )
    @action(detail=False, methods=["get"])
    def counts(self, request):
        """Figures for statistics: received, resolved, concluded and the resolution rate
        (resolved ÷ concluded), by source, category and mediator; `since`/`until` dates."""
        data = s.CountsQuerySerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        return Response(selectors.dispute_counts(request.user, **data.validated_data))

    @extend_schema(request=None, responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"], url_path="agreement-pdf")
    def agreement_pdf(self, request, pk=None):
        dispute = self.get_object()
        agreement = dispute.agreements.select_related("dispute__station").first()
        if agreement is None:
            raise ValidationError({"agreement": [_("There is no agreement yet.")]})
        pdf = services.agreement_print(agreement=agreement, by=request.user, request=request)
        return HttpResponse(pdf, content_type="application/pdf")


class MediatorViewSet(ScopedModelViewSet):
    """The station's mediators with their workload and resolution rate."""

    queryset = Mediator.objects.all()
    serializer_class = s.MediatorSerializer
    filterset_class = MediatorFilter

    def get_queryset(self):
        return selectors.with_stats(super().get_queryset())


class MediationSessionViewSet(viewsets.mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = MediationSession.objects.all()
    serializer_class = s.MediationSessionSerializer
    filterset_class = MediationSessionFilter

    @extend_schema(request=s.SessionCreateSerializer, responses={201: s.MediationSessionSerializer})
    def create(self, request, *args, **kwargs):
        data = _valid(s.SessionCreateSerializer, request)
        session = services.session_record(by=request.user, **data)
        return Response(s.MediationSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class FollowUpViewSet(ScopedReadOnlyViewSet):
    """Follow-up visits (回访); `?officer=<me>&pending=true` is an officer's list."""

    queryset = FollowUp.objects.all()
    serializer_class = s.FollowUpSerializer
    filterset_class = FollowUpFilter
    permission_classes = [ActionPermissions]
    select_related = ("dispute",)

    record = api_action(actions.FOLLOW_UP_RECORD)


class LawyerSlotViewSet(viewsets.mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """The lawyers' bookable slots; POST generates a weekly sitting, `book` takes a slot."""

    queryset = LawyerSlot.objects.all()
    serializer_class = s.LawyerSlotSerializer
    filterset_class = LawyerSlotFilter
    permission_classes = [ActionPermissions]
    select_related = ("mediator",)

    @extend_schema(request=s.SlotsGenerateSerializer, responses={201: None})
    def create(self, request, *args, **kwargs):
        created = services.slots_generate(
            by=request.user, **_valid(s.SlotsGenerateSerializer, request)
        )
        return Response({"created": created}, status=status.HTTP_201_CREATED)

    book = api_action(actions.SLOT_BOOK)
    cancel = api_action(actions.SLOT_CANCEL)
