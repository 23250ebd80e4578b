from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts.models import User
from apps.core.api.serializers import MaskedField, ModelSerializer, ScopedRelatedField
from apps.core.limits import PLACE_MAX_LENGTH, TEXT_MAX_LENGTH, validate_past
from apps.core.scoping import VIEW
from apps.registry.models import Person
from apps.stations.models import Community, Post

from ..choices import (
    CaseKind,
    CaseOutcome,
    CaseStatus,
    Disposition,
    EvidenceKind,
    ExtensionKind,
    IncidentSource,
    PartyRole,
    Priority,
)
from ..models import (
    Case,
    CaseEvidence,
    CaseExtension,
    CaseParty,
    CaseSuspension,
    DutyShift,
    Incident,
    IncidentCategory,
)


class IncidentCategorySerializer(serializers.ModelSerializer):
    steps = serializers.SlugRelatedField(many=True, read_only=True, slug_field="text")

    class Meta:
        model = IncidentCategory
        fields = ["id", "code", "name", "kind", "default_priority", "parent", "is_active", "steps"]


class IncidentSerializer(serializers.ModelSerializer):
    """The read shape of an incident: lean (no nested objects) so that a page of 50 is
    one query plus one for the officers."""

    caller_phone = MaskedField("phone", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True, default=None)
    post_name = serializers.CharField(source="post.name", read_only=True, default=None)
    officers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "number",
            "station",
            "source",
            "category",
            "category_name",
            "priority",
            "status",
            "caller_phone",
            "caller_name",
            "is_repeat_caller",
            "caller_recent_calls",
            "place_text",
            "latitude",
            "longitude",
            "community",
            "description",
            "received_at",
            "assigned_at",
            "dispatched_at",
            "en_route_at",
            "arrived_at",
            "handled_at",
            "closed_at",
            "post",
            "post_name",
            "officers",
            "suggested_post",
            "override_reason",
            "distance_km",
            "minutes_saved",
            "checklist",
            "outcome",
            "disposition",
            "case",
        ]
        read_only_fields = fields


class IncidentReportSerializer(serializers.Serializer):
    """Intake from the desk or a tablet; `client_id` makes a retry harmless."""

    source = serializers.ChoiceField(choices=IncidentSource.choices)
    category = ScopedRelatedField(
        queryset=IncidentCategory.objects.filter(parent__isnull=False),
        action=VIEW,
        required=False,
        allow_null=True,
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, allow_null=True)
    caller_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    caller_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    caller_person = ScopedRelatedField(
        queryset=Person.objects.all(), action=VIEW, required=False, allow_null=True
    )
    place_text = serializers.CharField(max_length=PLACE_MAX_LENGTH)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    community = ScopedRelatedField(
        queryset=Community.objects.all(), required=False, allow_null=True
    )
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH
    )
    received_at = serializers.DateTimeField(required=False, validators=[validate_past])
    client_id = serializers.UUIDField(required=False)


class DispatchSerializer(serializers.Serializer):
    post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.all())
    officers = serializers.ListField(child=serializers.IntegerField(), required=False)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    client_id = serializers.UUIDField(required=False)

    def validate_officers(self, value):
        officers = list(User.objects.filter(pk__in=value))
        if len(officers) != len(set(value)):
            raise serializers.ValidationError(_("Unknown officer."))
        return officers


class TakeSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(required=False)


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["en_route", "arrived", "handled"])
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    client_id = serializers.UUIDField(required=False)


class ChecklistSerializer(serializers.Serializer):
    step = serializers.IntegerField(min_value=0)
    done = serializers.BooleanField()
    client_id = serializers.UUIDField(required=False)


class CloseSerializer(serializers.Serializer):
    disposition = serializers.ChoiceField(choices=Disposition.choices)
    case_kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    caller_consents = serializers.BooleanField(
        required=False,
        default=False,
        help_text="With the mediation disposition: the caller agreed to mediation.",
    )


class SuggestionSerializer(serializers.Serializer):
    post = serializers.IntegerField(source="post.pk")
    post_name = serializers.CharField(source="post.name")
    station = serializers.CharField(source="post.station.name")
    other_station = serializers.BooleanField()
    distance_km = serializers.FloatField()
    travel_minutes = serializers.FloatField()
    minutes_saved = serializers.FloatField(
        help_text=_("Against a car from the station HQ; negative when the HQ is nearer.")
    )
    on_duty = serializers.SerializerMethodField(
        help_text=_("On duty now and able to take the job.")
    )
    joint_forces = serializers.SerializerMethodField(
        help_text=_("Joint-force members on duty now: they go along, never hold the job.")
    )

    def get_on_duty(self, suggestion) -> list[str]:
        return [shift.staff.name for shift in suggestion.on_duty]

    def get_joint_forces(self, suggestion) -> list[str]:
        return [shift.staff.name for shift in suggestion.joint_forces]


class RankingSerializer(serializers.Serializer):
    hq_distance_km = serializers.FloatField()
    hq_minutes = serializers.FloatField()
    suggestions = SuggestionSerializer(many=True)


class DutyShiftSerializer(ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)

    class Meta:
        model = DutyShift
        fields = [
            "id",
            "station",
            "post",
            "staff",
            "staff_name",
            "starts_at",
            "ends_at",
            "role",
            "note",
        ]


class CasePartySerializer(serializers.ModelSerializer):
    phone = MaskedField("phone", read_only=True)

    class Meta:
        model = CaseParty
        fields = ["id", "role", "person", "name", "phone", "note"]
        read_only_fields = fields


class CaseEvidenceSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = CaseEvidence
        fields = [
            "id",
            "kind",
            "description",
            "file_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "url",
        ]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "station",
            "kind",
            "title",
            "summary",
            "category",
            "status",
            "lead_officer",
            "accepted_at",
            "filed_at",
            "solved_at",
            "closed_at",
            "outcome",
            "outcome_note",
            "deadline",
            "paused_since",
            "injury_grade",
            "not_filed_reasons",
            "is_overdue",
        ]
        read_only_fields = fields


class CaseExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseExtension
        fields = [
            "id",
            "kind",
            "days",
            "reason",
            "proposed_by",
            "proposed_at",
            "approved",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class CaseSuspensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseSuspension
        fields = ["id", "kind", "started_at", "ended_at", "note"]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    parties = CasePartySerializer(many=True, read_only=True)
    evidence = CaseEvidenceSerializer(many=True, read_only=True)
    incidents = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    extensions = CaseExtensionSerializer(many=True, read_only=True)
    suspensions = CaseSuspensionSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "parties",
            "evidence",
            "incidents",
            "extensions",
            "suspensions",
        ]
        read_only_fields = fields


class CaseOpenSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    title = serializers.CharField(max_length=120)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    category = ScopedRelatedField(
        queryset=IncidentCategory.objects.all(), action=VIEW, required=False, allow_null=True
    )
    incidents = ScopedRelatedField(queryset=Incident.objects.all(), many=True, required=False)


class CaseTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=CaseStatus.choices)
    outcome = serializers.ChoiceField(choices=CaseOutcome.choices, required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class CaseExtendSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=ExtensionKind.choices, default=ExtensionKind.HANDLING)
    days = serializers.IntegerField(default=30)


class CaseExtensionDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=200, required=False, default="")


class CasePartyAddSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=PartyRole.choices)
    name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    person = ScopedRelatedField(
        queryset=Person.objects.all(), action=VIEW, required=False, allow_null=True
    )
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CaseEvidenceAddSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class IncomingCallSerializer(serializers.Serializer):
    extension = serializers.CharField(max_length=10, help_text="The desk phone that rings.")
    phone = serializers.CharField(max_length=30, help_text="The caller's number.")


class IncomingCallAnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    desk = serializers.IntegerField(source="desk_id")
    rang_at = serializers.DateTimeField()


class CallerPhoneSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=30)


class CallerCallSerializer(serializers.ModelSerializer):
    class Meta:
        model = Incident
        fields = ["id", "number", "received_at", "status", "disposition"]
        read_only_fields = fields


class CallerPersonSerializer(serializers.ModelSerializer):
    name = MaskedField("name", read_only=True)
    id_number = MaskedField("id_number", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "name", "id_number"]


class CallerDisputeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class CallerHistorySerializer(serializers.Serializer):
    calls = serializers.IntegerField(help_text="Calls to the station within the window.")
    window = serializers.IntegerField(help_text="The bureau's repeat-caller window, in days.")
    repeat = serializers.BooleanField()
    nuisance = serializers.IntegerField(help_text="Of those, closed as invalid or nuisance.")
    is_nuisance = serializers.BooleanField()
    recent = CallerCallSerializer(many=True)
    persons = CallerPersonSerializer(many=True)
    disputes = CallerDisputeSerializer(many=True)
