"""Admin for the sub-bureau: the mediators' roster and lawyers' slots, and read-mostly views
of disputes (their states change only through the workflow's services)."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyInline, ScopedAdmin
from apps.core.errors import DomainError
from apps.core.masking import mask_phone
from apps.core.uploads import check_upload, store_private

from .models import (
    Agreement,
    Dispute,
    DisputeEvent,
    DisputeParty,
    FollowUp,
    LawyerSlot,
    MediationCommittee,
    MediationSession,
    Mediator,
    ThreadMessage,
)

MAX_SEAL_BYTES = 2 * 1024 * 1024


class CommitteeForm(forms.ModelForm):
    """The seal image is uploaded here, checked by its content (PNG or JPEG) and kept in
    private storage; it is printed on the committee's 人民调解协议书 once sealed."""

    seal_upload = forms.FileField(label=_("seal image (PNG or JPEG)"), required=False)

    class Meta:
        model = MediationCommittee
        fields = ["station", "name", "kind", "community"]

    def clean_seal_upload(self):
        upload = self.cleaned_data.get("seal_upload")
        if upload is None:
            return None
        try:
            return check_upload(upload, allowed=("png", "jpeg"), max_bytes=MAX_SEAL_BYTES)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc

    def save(self, commit=True):
        committee = super().save(commit=False)
        checked = self.cleaned_data.get("seal_upload")
        if checked is not None:
            committee.seal = store_private(checked, folder="mediation/seals")
        if commit:
            committee.save()
        return committee


@admin.register(MediationCommittee)
class MediationCommitteeAdmin(ScopedAdmin):
    form = CommitteeForm
    list_display = ["name", "kind", "community", "has_seal", "station"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["station", "community"]
    readonly_fields = ["seal_preview"]

    @admin.display(description=_("seal"), boolean=True)
    def has_seal(self, committee):
        return bool(committee.seal)

    @admin.display(description=_("seal image"))
    def seal_preview(self, committee):
        return format_html("{}", committee.seal.name) if committee.seal else "—"


@admin.register(Mediator)
class MediatorAdmin(ScopedAdmin):
    list_display = ["name", "kind", "committee", "organisation", "masked_phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "organisation"]
    list_select_related = ["station", "committee"]
    raw_id_fields = ["user"]
    personal_data_fields = ("phone",)

    @admin.display(description=_("phone"))
    def masked_phone(self, mediator):
        return mask_phone(mediator.phone)


@admin.register(LawyerSlot)
class LawyerSlotAdmin(ScopedAdmin):
    list_display = ["mediator", "starts_at", "ends_at", "place", "booked_for", "station"]
    list_filter = ["mediator__kind"]
    date_hierarchy = "starts_at"
    list_select_related = ["mediator", "station"]
    raw_id_fields = ["dispute", "mediator"]
    # Bookings go through the booking service, which refuses a taken slot.
    readonly_fields = ["dispute", "booked_for", "booked_by", "booked_at"]


class DisputePartyInline(ReadOnlyInline):
    model = DisputeParty
    fields = ["role", "name", "person", "consent", "consent_at"]
    readonly_fields = fields


class AgreementInline(ReadOnlyInline):
    model = Agreement
    fields = [
        "made_at",
        "terms",
        "performance_deadline",
        "effective_at",
        "confirmation",
        "in_force",
    ]
    readonly_fields = fields


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    fields = ["due_on", "officer", "done_at", "result", "note"]
    readonly_fields = fields


class ThreadMessageInline(ReadOnlyInline):
    model = ThreadMessage
    fields = ["at", "author", "party", "text", "file_name"]
    readonly_fields = fields


class DisputeEventInline(ReadOnlyInline):
    model = DisputeEvent
    fields = ["at", "by", "status", "text"]
    readonly_fields = fields


@admin.register(Dispute)
class DisputeAdmin(ScopedAdmin):
    list_display = ["number", "received_at", "category", "status", "risk_level", "mediator"]
    list_filter = ["status", "source", "category", "risk_level"]
    search_fields = ["number", "place_text"]
    date_hierarchy = "received_at"
    list_select_related = ["mediator"]
    show_full_result_count = False
    # Descriptions and places may be corrected here; the workflow is read-only.
    readonly_fields = [
        "number",
        "station",
        "source",
        "kind",
        "status",
        "risk_level",
        "signs",
        "escalated_at",
        "escalation_incident",
        "incident",
        "received_at",
        "assess_by",
        "assessed_at",
        "mediator",
        "assigned_at",
        "outcome",
        "concluded_at",
        "referral",
        "closed_at",
        "created_by",
        "community",
        "post",
        "next_session_at",
        "next_session_mode",
        "next_session_place",
    ]
    inlines = [
        DisputePartyInline,
        AgreementInline,
        FollowUpInline,
        ThreadMessageInline,
        DisputeEventInline,
    ]

    def has_add_permission(self, request):
        return False  # disputes are taken in through intake, which numbers and checks them


@admin.register(MediationSession)
class MediationSessionAdmin(ScopedAdmin):
    """Notes may be corrected here; sessions are recorded on the dispute's page."""

    list_display = ["dispute", "held_at", "mode", "place", "attendees"]
    list_filter = ["mode"]
    date_hierarchy = "held_at"
    list_select_related = ["dispute"]
    readonly_fields = ["dispute", "recorded_by"]

    def has_add_permission(self, request):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(ScopedAdmin):
    """The officer and the date may be changed here; results are recorded by the service."""

    list_display = ["dispute", "due_on", "officer", "done_at", "result"]
    list_filter = ["result"]
    date_hierarchy = "due_on"
    list_select_related = ["dispute", "officer"]
    raw_id_fields = ["officer"]
    readonly_fields = ["dispute", "agreement", "done_at", "done_by", "result", "note"]

    def has_add_permission(self, request):
        return False
