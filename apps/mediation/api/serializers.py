from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from apps.core.api.serializers import MaskedField, ModelSerializer, ScopedRelatedField
from apps.core.limits import (
    PLACE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    validate_past,
    validate_plannable,
)
from apps.core.scoping import VIEW
from apps.registry.choices import Gender
from apps.registry.models import Person
from apps.stations.models import Community, Post

from ..choices import (
    ConfirmationStatus,
    Consent,
    DisputeCategory,
    DisputeSource,
    EscalationSign,
    FollowUpResult,
    MediationKind,
    PartyRole,
    Referral,
    RiskLevel,
    SessionMode,
)
from ..models import (
    Agreement,
    Dispute,
    DisputeParty,
    FollowUp,
    LawyerSlot,
    MediationSession,
    Mediator,
)
from ..selectors import resolution_rate


class DisputePartySerializer(serializers.ModelSerializer):
    """A party as read: phone and ID number masked (core.masking); the home address is kept
    for the printed agreement only."""

    phone = MaskedField("phone", read_only=True)
    id_number = MaskedField("id_number", read_only=True)

    class Meta:
        model = DisputeParty
        fields = [
            "id",
            "role",
            "name",
            "phone",
            "person",
            "gender",
            "age",
            "ethnicity",
            "id_number",
            "consent",
            "consent_at",
        ]


class DisputeSerializer(serializers.ModelSerializer):
    """The read shape of a dispute in lists: its parties with phones masked."""

    parties = DisputePartySerializer(many=True, read_only=True)
    mediator_name = serializers.CharField(source="mediator.name", read_only=True, default=None)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Dispute
        fields = [
            "id",
            "number",
            "station",
            "source",
            "kind",
            "category",
            "status",
            "risk_level",
            "signs",
            "escalated_at",
            "escalation_incident",
            "incident",
            "description",
            "place_text",
            "community",
            "post",
            "received_at",
            "assess_by",
            "is_overdue",
            "assessed_at",
            "mediator",
            "mediator_name",
            "assigned_at",
            "outcome",
            "referral",
            "outcome_note",
            "concluded_at",
            "closed_at",
            "parties",
        ]
        read_only_fields = fields


class AgreementSerializer(serializers.ModelSerializer):
    signatures = serializers.SerializerMethodField()
    confirmation_deadline = serializers.DateField(read_only=True)
    has_scan = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "oral",
            "facts",
            "matters",
            "responsibility",
            "terms",
            "performance",
            "performance_deadline",
            "made_at",
            "mediator_signed_at",
            "sealed_at",
            "effective_at",
            "in_force",
            "confirmation",
            "confirmation_applied_on",
            "confirmation_decided_on",
            "confirmation_ruling",
            "confirmation_deadline",
            "signatures",
            "has_scan",
        ]

    def get_signatures(self, agreement) -> list[dict]:
        return [{"party": s.party_id, "signed_at": s.signed_at} for s in agreement.signatures.all()]

    def get_has_scan(self, agreement) -> bool:
        return bool(agreement.scan)


class MediationSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MediationSession
        fields = ["id", "dispute", "held_at", "mode", "place", "attendees", "notes", "recorded_by"]
        read_only_fields = ["recorded_by"]


class FollowUpSerializer(serializers.ModelSerializer):
    dispute_number = serializers.CharField(source="dispute.number", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "dispute",
            "dispute_number",
            "agreement",
            "due_on",
            "is_overdue",
            "officer",
            "done_at",
            "done_by",
            "result",
            "note",
        ]
        read_only_fields = fields


class DisputeDetailSerializer(DisputeSerializer):
    sessions = MediationSessionSerializer(many=True, read_only=True)
    agreements = AgreementSerializer(many=True, read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta(DisputeSerializer.Meta):
        fields = [*DisputeSerializer.Meta.fields, "sessions", "agreements", "follow_ups"]
        read_only_fields = fields


class PartyInSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=PartyRole.choices)
    name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    age = serializers.IntegerField(min_value=0, max_value=150, required=False, allow_null=True)
    ethnicity = serializers.CharField(max_length=20, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    address = serializers.CharField(max_length=PLACE_MAX_LENGTH, required=False, allow_blank=True)
    person = ScopedRelatedField(
        queryset=Person.objects.all(), action=VIEW, required=False, allow_null=True
    )


class DisputeReceiveSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=DisputeSource.choices)
    kind = serializers.ChoiceField(choices=MediationKind.choices, required=False)
    category = serializers.ChoiceField(choices=DisputeCategory.choices)
    description = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    place_text = serializers.CharField(
        max_length=PLACE_MAX_LENGTH, required=False, allow_blank=True
    )
    community = ScopedRelatedField(
        queryset=Community.objects.all(), required=False, allow_null=True
    )
    post = ScopedRelatedField(queryset=Post.objects.all(), required=False, allow_null=True)
    parties = PartyInSerializer(many=True, required=False)
    signs = serializers.ListField(
        child=serializers.ChoiceField(choices=EscalationSign.choices), required=False
    )
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False)
    received_at = serializers.DateTimeField(required=False, validators=[validate_past])


class AssessSerializer(serializers.Serializer):
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices)
    signs = serializers.ListField(
        child=serializers.ChoiceField(choices=EscalationSign.choices), required=False
    )
    category = serializers.ChoiceField(choices=DisputeCategory.choices, required=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class FlagSerializer(serializers.Serializer):
    signs = serializers.ListField(
        child=serializers.ChoiceField(choices=EscalationSign.choices), required=False
    )
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False)


class AssignSerializer(serializers.Serializer):
    mediator = ScopedRelatedField(queryset=Mediator.objects.all(), action=VIEW)


class SessionInSerializer(serializers.Serializer):
    held_at = serializers.DateTimeField(validators=[validate_past])
    mode = serializers.ChoiceField(choices=SessionMode.choices, required=False)
    place = serializers.CharField(max_length=PLACE_MAX_LENGTH, required=False, allow_blank=True)
    attendees = serializers.CharField(max_length=300)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)


class SessionCreateSerializer(SessionInSerializer):
    dispute = ScopedRelatedField(queryset=Dispute.objects.all())


def _text(**kwargs):
    return serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH, **kwargs
    )


class AgreementInSerializer(serializers.Serializer):
    oral = serializers.BooleanField(required=False, default=False)
    facts = _text()
    matters = _text()
    responsibility = _text()
    terms = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    performance = _text()
    performance_deadline = serializers.DateField(required=False, allow_null=True)
    signed_parties = serializers.ListField(child=serializers.IntegerField(), required=False)
    mediator_signed = serializers.BooleanField(required=False, default=False)
    sealed = serializers.BooleanField(required=False, default=False)
    scan = serializers.FileField(required=False)


class SignSerializer(serializers.Serializer):
    """Who signs: a party (`party`), the mediator (`signer: mediator`) or the committee's
    seal (`signer: seal`)."""

    signer = serializers.ChoiceField(
        choices=["party", "mediator", "seal"], required=False, default="party"
    )
    party = serializers.IntegerField(required=False)

    def validate(self, data):
        dispute = self.context["record"]
        data["agreement"] = agreement_in_force(dispute)
        data["party"] = None
        if data["signer"] == "party":
            data["party"] = dispute.parties.filter(pk=data.get("party")).first()
            if data["party"] is None:
                raise serializers.ValidationError(
                    {"party": [_("Only the dispute's parties can sign.")]}
                )
        return data


class ConsentInSerializer(serializers.Serializer):
    party = serializers.IntegerField()
    consent = serializers.ChoiceField(choices=[c for c in Consent.values if c])
    at = serializers.DateTimeField(required=False, validators=[validate_past])
    referral = serializers.ChoiceField(choices=Referral.choices, required=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def validate(self, data):
        data["party"] = self.context["record"].parties.filter(pk=data["party"]).first()
        if data["party"] is None:
            raise serializers.ValidationError({"party": [_("Not a party to this dispute.")]})
        return data


class ConfirmationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[c for c in ConfirmationStatus.values if c])
    on = serializers.DateField(required=False, validators=[validate_past])
    ruling = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate(self, data):
        # The agreement in force of the dispute the step is on (none when checked alone).
        if "record" in self.context:
            data["agreement"] = agreement_in_force(self.context["record"])
        return data


def agreement_in_force(dispute: Dispute) -> Agreement:
    agreement = dispute.agreements.filter(in_force=True).first()
    if agreement is None:
        raise serializers.ValidationError({"agreement": [_("There is no agreement in force.")]})
    return agreement


class FailSerializer(serializers.Serializer):
    referral = serializers.ChoiceField(choices=Referral.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class NoteSerializer(serializers.Serializer):
    # A default, not just optional: the services take the note as an argument (reopening
    # refuses an empty one with its own message).
    note = serializers.CharField(max_length=300, allow_blank=True, default="")


class FollowUpRecordSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=FollowUpResult.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class MediatorSerializer(ModelSerializer):
    workload = serializers.IntegerField(read_only=True)
    resolved = serializers.IntegerField(read_only=True)
    concluded = serializers.IntegerField(read_only=True)
    resolution_rate = serializers.SerializerMethodField()
    phone = MaskedField(
        "phone",
        required=False,
        allow_blank=True,
        max_length=Mediator._meta.get_field("phone").max_length,
    )

    class Meta:
        model = Mediator
        fields = [
            "id",
            "station",
            "name",
            "kind",
            "organisation",
            "phone",
            "user",
            "is_active",
            "workload",
            "resolved",
            "concluded",
            "resolution_rate",
        ]

    def get_resolution_rate(self, mediator) -> float | None:
        return resolution_rate(getattr(mediator, "resolved", 0), getattr(mediator, "concluded", 0))


class LawyerSlotSerializer(serializers.ModelSerializer):
    mediator_name = serializers.CharField(source="mediator.name", read_only=True)
    is_booked = serializers.BooleanField(read_only=True)

    class Meta:
        model = LawyerSlot
        fields = [
            "id",
            "station",
            "mediator",
            "mediator_name",
            "starts_at",
            "ends_at",
            "place",
            "is_booked",
            "dispute",
            "booked_for",
            "booked_at",
        ]
        read_only_fields = fields


class SlotsGenerateSerializer(serializers.Serializer):
    mediator = ScopedRelatedField(queryset=Mediator.objects.all())
    weekday = serializers.IntegerField(min_value=0, max_value=6)
    first_day = serializers.DateField(validators=[validate_plannable])
    weeks = serializers.IntegerField(min_value=1, max_value=52)
    start = serializers.TimeField()
    end = serializers.TimeField()
    minutes = serializers.IntegerField(min_value=15, max_value=240, required=False)
    place = serializers.CharField(max_length=PLACE_MAX_LENGTH, required=False, allow_blank=True)


class BookSerializer(serializers.Serializer):
    dispute = ScopedRelatedField(queryset=Dispute.objects.all(), required=False, allow_null=True)
    booked_for = serializers.CharField(max_length=100, required=False, allow_blank=True)


COUNTS_SINCE = OpenApiParameter("since", type=str, description="YYYY-MM-DD, inclusive")
COUNTS_UNTIL = OpenApiParameter("until", type=str, description="YYYY-MM-DD, exclusive")


class CountsQuerySerializer(serializers.Serializer):
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)


class DisputeCountsSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    resolved = serializers.IntegerField()
    concluded = serializers.IntegerField()
    resolution_rate = serializers.FloatField(allow_null=True)
    by_source = serializers.DictField(child=serializers.IntegerField())
    by_category = serializers.DictField(child=serializers.IntegerField())
    by_mediator = serializers.DictField(child=serializers.IntegerField())
