from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts.choices import UserKind
from apps.core.api.serializers import MaskedField, ScopedRelatedField
from apps.core.limits import validate_past
from apps.core.progress import get_progress
from apps.core.scoping import VIEW
from apps.registry.models import Address, Unit
from apps.stations.models import Community

from ..choices import Basis, DocumentKind, VisitResult
from ..enterprise import contact_unit
from ..models import (
    ApplicationDocument,
    EnterpriseRegistration,
    HomeVisit,
    PermitApplication,
    PermitEndorsement,
    ResidenceCertificate,
    ResidencePermit,
)


def _user(serializer):
    """The requesting user (None when the schema is generated without a request)."""
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class OfficersOnlyFields:
    """Fields about the registry (the registered person an application or a document is
    linked to) are shown to officers only: a citizen's or an enterprise's answer says
    nothing of the registry, not even a null. Without a request in the
    context nobody is known to be an officer, and the fields are left out."""

    officers_only = ("person",)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = _user(self)
        officer = user is not None and user.has_perm("permits.change_permitapplication")
        if not officer or getattr(user, "kind", None) == UserKind.CITIZEN:
            for name in self.officers_only:
                data.pop(name, None)
        return data


class PermitApplicationSerializer(OfficersOnlyFields, serializers.ModelSerializer):
    """The read shape: lean, personal data masked."""

    id_number = MaskedField("id_number", read_only=True)
    phone = MaskedField("phone", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = PermitApplication
        fields = [
            "id",
            "kind",
            "status",
            "station",
            "post",
            "community",
            "community_name",
            "applicant",
            "person",
            "registration",
            "name",
            "id_number",
            "phone",
            "address",
            "address_text",
            "household_region",
            "household_address",
            "ethnicity",
            "basis",
            "basis_detail",
            "queued_at",
            "submitted_at",
            "officer_message",
            "rejection_reason",
            "decided_at",
            "decided_by",
            "created_at",
        ]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationDocument
        fields = ["id", "kind", "content_type", "size", "uploaded_at", "url", "file_url"]
        read_only_fields = fields

    def get_file_url(self, document) -> str:
        """The file through the API (a device token is enough); `url` is the page's link."""
        return reverse(
            "permitapplication-document-file", args=[document.application_id, document.pk]
        )


class HomeVisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = HomeVisit
        fields = ["id", "visited_on", "officer", "result", "note", "created_at"]
        read_only_fields = fields


class PermitApplicationDetailSerializer(PermitApplicationSerializer):
    documents = DocumentSerializer(many=True, read_only=True)
    visits = HomeVisitSerializer(many=True, read_only=True)

    class Meta(PermitApplicationSerializer.Meta):
        fields = [*PermitApplicationSerializer.Meta.fields, "documents", "visits"]
        read_only_fields = fields


class ApplicationCreateSerializer(serializers.Serializer):
    """A registration entered at the window (a permit starts from a certificate)."""

    community = ScopedRelatedField(queryset=Community.objects.all())
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18)
    phone = serializers.CharField(max_length=20)
    basis = serializers.ChoiceField(choices=Basis.choices)
    basis_detail = serializers.CharField(max_length=100, required=False, allow_blank=True)
    address = ScopedRelatedField(
        queryset=Address.objects.all(), action=VIEW, required=False, allow_null=True
    )
    address_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    # A region code of a province in PROVINCES (apps/core/idnumbers.py), six digits.
    household_region = serializers.RegexField(
        r"^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[1-3])[0-9]{4}$",
        required=False,
        allow_blank=True,
    )
    household_address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    ethnicity = serializers.CharField(max_length=20, required=False, allow_blank=True)

    def get_fields(self):
        fields = super().get_fields()
        if getattr(_user(self), "kind", None) == UserKind.CITIZEN:
            # A citizen applies for any community, as on the portal (the service checks the
            # address belongs to it); an officer only for their station's.
            fields["community"] = serializers.PrimaryKeyRelatedField(
                queryset=Community.objects.all()
            )
            fields["address"] = serializers.PrimaryKeyRelatedField(
                queryset=Address.objects.all(), required=False, allow_null=True
            )
        return fields


class PermitStartSerializer(serializers.Serializer):
    basis = serializers.ChoiceField(choices=Basis.choices, required=False)
    basis_detail = serializers.CharField(max_length=100, required=False, allow_blank=True)


class DocumentAddSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    file = serializers.FileField()


class ApproveSerializer(serializers.Serializer):
    documents_confirmed = serializers.BooleanField(required=False, default=False)


class SupplementSerializer(serializers.Serializer):
    """Everything missing in one request (一次性告知): the items, and/or a message."""

    message = serializers.CharField(max_length=500, required=False)
    items = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=20
    )

    def validate(self, attrs):
        if not attrs.get("message") and not attrs.get("items"):
            raise serializers.ValidationError(_("Say what the applicant must add."))
        return attrs


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class VisitSerializer(serializers.Serializer):
    visited_on = serializers.DateField(validators=[validate_past])
    result = serializers.ChoiceField(choices=VisitResult.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ResidenceCertificateSerializer(OfficersOnlyFields, serializers.ModelSerializer):
    id_number = MaskedField("id_number", read_only=True)
    verify_url = serializers.CharField(
        source="get_verify_url",
        read_only=True,
        help_text="The printout's static code: it verifies the document's state only.",
    )

    class Meta:
        model = ResidenceCertificate
        fields = [
            "id",
            "number",
            "station",
            "post",
            "application",
            "holder",
            "person",
            "name",
            "id_number",
            "address_text",
            "issued_at",
            "verify_url",
        ]
        read_only_fields = fields


class LiveCodeSerializer(serializers.Serializer):
    verify_url = serializers.CharField(help_text="The verification page of this live code.")
    made_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    refresh_seconds = serializers.IntegerField(help_text="When to ask for a new code.")


class EndorsementSerializer(serializers.ModelSerializer):
    class Meta:
        model = PermitEndorsement
        fields = ["endorsed_at", "by", "valid_until"]
        read_only_fields = fields


class ResidencePermitSerializer(ResidenceCertificateSerializer):
    state = serializers.CharField(read_only=True)
    endorsements = EndorsementSerializer(many=True, read_only=True)

    class Meta(ResidenceCertificateSerializer.Meta):
        model = ResidencePermit
        fields = [
            *ResidenceCertificateSerializer.Meta.fields,
            "valid_from",
            "valid_until",
            "state",
            "lapsed_at",
            "revoked_at",
            "revoke_reason",
            "endorsements",
        ]
        read_only_fields = fields


class EnterpriseRegistrationSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = EnterpriseRegistration
        fields = [
            "id",
            "station",
            "enterprise",
            "enterprise_name",
            "file_name",
            "status",
            "total_rows",
            "registered_rows",
            "rejected",
            "failure",
            "progress",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_progress(self, batch) -> int:
        """Percent of rows done (100 once finished)."""
        if batch.status != EnterpriseRegistration.Status.PROCESSING:
            return 100
        return get_progress(batch.progress_key)["percent"]


class EnterpriseUploadSerializer(serializers.Serializer):
    enterprise = ScopedRelatedField(queryset=Unit.objects.all())
    file = serializers.FileField()

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        if user is not None and contact_unit(user) is not None:
            # A contact person's lists are their unit's: the field may be left out, and
            # another unit is refused by the service as not found.
            fields["enterprise"] = serializers.PrimaryKeyRelatedField(
                queryset=Unit.objects.all(), required=False
            )
        return fields
