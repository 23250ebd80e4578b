from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api.pagination import TimeCursorPagination
from apps.core.api.parsers import JSONParser
from apps.core.api.permissions import ActionPermissions
from apps.core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import selectors, services
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

    def _answer(self, dispute, code=status.HTTP_200_OK):
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
        return self._answer(dispute, status.HTTP_201_CREATED)

    def _intake_only(self, request):
        """Assessment and assignment are the intake staff's, not the mediators'."""
        if not request.user.has_perm("mediation.add_dispute"):
            self.permission_denied(request)

    def _step(self, request, serializer_class, call):
        dispute = self.get_changeable_object()
        data = _valid(serializer_class, request) if serializer_class else {}
        call(dispute=dispute, by=request.user, **data)
        return self._answer(dispute)

    @extend_schema(request=s.AssessSerializer, responses=s.DisputeDetailSerializer)
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        self._intake_only(request)
        return self._step(request, s.AssessSerializer, services.dispute_assess)

    @extend_schema(request=s.FlagSerializer, responses=s.DisputeDetailSerializer)
    @action(detail=True, methods=["post"])
    def flag(self, request, pk=None):
        """Mark signs of escalation or the risk level; the police are alerted at once."""
        return self._step(request, s.FlagSerializer, services.dispute_flag)

    @extend_schema(request=None, responses=s.DisputeDetailSerializer)
    @action(detail=True, methods=["post"], url_path="open-incident")
    def open_incident(self, request, pk=None):
        """Open an incident for the nearest post (兜底), linked to the dispute."""
        if not request.user.has_perm("cases.add_incident"):
            self.permission_denied(request)
        return self._step(request, None, services.dispute_open_incident)

    @extend_schema(request=s.AssignSerializer, responses=s.DisputeDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        self._intake_only(request)
        return self._step(request, s.AssignSerializer, services.dispute_assign)

    @extend_schema(request=s.PartyInSerializer, responses={201: s.DisputeDetailSerializer})
    @action(detail=True, methods=["post"])
    def parties(self, request, pk=None):
        dispute = self.get_changeable_object()
        services.dispute_party_add(
            dispute=dispute, by=request.user, **_valid(s.PartyInSerializer, request)
        )
        return self._answer(dispute, status.HTTP_201_CREATED)

    @extend_schema(request=s.AgreementInSerializer, responses={201: s.DisputeDetailSerializer})
    @action(detail=True, methods=["post"])
    def agreement(self, request, pk=None):
        dispute = self.get_changeable_object()
        services.agreement_make(
            dispute=dispute, by=request.user, **_valid(s.AgreementInSerializer, request)
        )
        return self._answer(dispute, status.HTTP_201_CREATED)

    def _agreement(self, dispute):
        agreement = dispute.agreements.filter(in_force=True).first()
        if agreement is None:
            raise ValidationError({"agreement": [_("There is no agreement in force.")]})
        return agreement

    @extend_schema(request=s.SignSerializer, responses=s.DisputeDetailSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """A party signs, the mediator signs, or the committee's seal is affixed; the
        agreement takes effect with the last one required (人民调解法 art. 29)."""
        dispute = self.get_changeable_object()
        data = _valid(s.SignSerializer, request)
        agreement = self._agreement(dispute)
        if data["signer"] == "mediator":
            services.agreement_mediator_sign(agreement=agreement, by=request.user)
        elif data["signer"] == "seal":
            services.agreement_seal(agreement=agreement, by=request.user)
        else:
            party = dispute.parties.filter(pk=data.get("party")).first()
            if party is None:
                raise ValidationError({"party": [_("Only the dispute's parties can sign.")]})
            services.agreement_sign(agreement=agreement, party=party, by=request.user)
        return self._answer(dispute)

    @extend_schema(request=s.ConsentInSerializer, responses=s.DisputeDetailSerializer)
    @action(detail=True, methods=["post"])
    def consent(self, request, pk=None):
        """A party's consent to mediation or refusal (人民调解法 arts. 3, 17), before any
        session; a refusal ends mediation with a referral."""
        dispute = self.get_changeable_object()
        data = _valid(s.ConsentInSerializer, request)
        party = dispute.parties.filter(pk=data.pop("party")).first()
        if party is None:
            raise ValidationError({"party": [_("Not a party to this dispute.")]})
        services.party_consent(party=party, by=request.user, **data)
        return self._answer(dispute)

    @extend_schema(request=s.ConfirmationSerializer, responses=s.DisputeDetailSerializer)
    @action(detail=True, methods=["post"])
    def confirmation(self, request, pk=None):
        """Judicial confirmation (司法确认): applied within 30 days, then decided."""
        dispute = self.get_changeable_object()
        data = _valid(s.ConfirmationSerializer, request)
        services.agreement_confirmation(agreement=self._agreement(dispute), by=request.user, **data)
        return self._answer(dispute)

    @extend_schema(request=s.FailSerializer, responses=s.DisputeDetailSerializer)
    @action(detail=True, methods=["post"])
    def fail(self, request, pk=None):
        return self._step(request, s.FailSerializer, services.dispute_fail)

    @extend_schema(request=s.NoteSerializer, responses=s.DisputeDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(request, s.NoteSerializer, services.dispute_withdraw)

    @extend_schema(request=s.NoteSerializer, responses=s.DisputeDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._step(request, s.NoteSerializer, services.dispute_reopen)

    @extend_schema(request=s.NoteSerializer, responses=s.DisputeDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(request, s.NoteSerializer, services.dispute_close)

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

    @extend_schema(request=s.FollowUpRecordSerializer, responses=s.FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        follow_up = self.get_changeable_object()
        data = _valid(s.FollowUpRecordSerializer, request)
        follow_up = services.follow_up_record(follow_up=follow_up, by=request.user, **data)
        return Response(s.FollowUpSerializer(follow_up).data)


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

    @extend_schema(request=s.BookSerializer, responses=s.LawyerSlotSerializer)
    @action(detail=True, methods=["post"])
    def book(self, request, pk=None):
        slot = self.get_changeable_object()
        slot = services.slot_book(slot=slot, by=request.user, **_valid(s.BookSerializer, request))
        return Response(s.LawyerSlotSerializer(slot).data)

    @extend_schema(request=None, responses=s.LawyerSlotSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        slot = services.slot_cancel(slot=self.get_changeable_object(), by=request.user)
        return Response(s.LawyerSlotSerializer(slot).data)
