"""Admin for the sub-bureau: read-mostly views of applications, documents, visits,
certificates and permits. Statuses, numbers and validity change only through the services
(the review and the endorsement), never by editing them here; personal data shows masked."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyInline, ScopedAdmin
from apps.core.masking import mask_id_number, mask_phone
from apps.core.timefmt import when

from .models import (
    ApplicationDocument,
    EnterpriseContact,
    EnterpriseRegistration,
    HomeVisit,
    PermitApplication,
    PermitEndorsement,
    ResidenceCertificate,
    ResidencePermit,
    SignupCode,
)


class DocumentInline(ReadOnlyInline):
    model = ApplicationDocument
    fields = ["kind", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


class VisitInline(ReadOnlyInline):
    model = HomeVisit
    fields = ["visited_on", "officer", "result", "note"]
    readonly_fields = fields


class MaskedAdmin(ScopedAdmin):
    """The ID number and phone appear masked only; nothing here edits them."""

    exclude = ["id_number", "phone"]

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return mask_phone(getattr(obj, "phone", ""))

    def has_add_permission(self, request):
        return False  # created by the portal, the window or the review, which check them


@admin.register(PermitApplication)
class PermitApplicationAdmin(MaskedAdmin):
    list_display = ["name", "kind", "status", "community", "post", "submitted_at", "station"]
    list_filter = ["kind", "status", "basis"]
    search_fields = ["name", "address_text"]
    date_hierarchy = "created_at"
    list_select_related = ["community", "post", "station"]
    show_full_result_count = False
    # Only the free-text detail can be corrected; the rest is the workflow's.
    readonly_fields = [
        "masked_id_number",
        "masked_phone",
        "station",
        "post",
        "community",
        "kind",
        "applicant",
        "person",
        "registration",
        "name",
        "address",
        "address_text",
        "basis",
        "status",
        "queued_at",
        "submitted_at",
        "officer_message",
        "rejection_reason",
        "decided_at",
        "decided_by",
        "created_by",
        "enterprise",
    ]
    inlines = [DocumentInline, VisitInline]


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(ScopedAdmin):
    list_display = ["application", "kind", "content_type", "size", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    list_select_related = ["application"]
    readonly_fields = ["application", "kind", "content_type", "size", "sha256", "uploaded_by"]

    def has_add_permission(self, request):
        return False


@admin.register(HomeVisit)
class HomeVisitAdmin(ScopedAdmin):
    list_display = ["application", "visited_on", "officer", "result"]
    list_filter = ["result"]
    list_select_related = ["application", "officer"]
    readonly_fields = ["application", "visited_on", "officer", "result"]

    def has_add_permission(self, request):
        return False


class EndorsementInline(ReadOnlyInline):
    model = PermitEndorsement
    fields = ["endorsed_at", "by", "valid_until"]
    readonly_fields = fields


ISSUED_READONLY = [
    "number",
    "masked_id_number",
    "station",
    "post",
    "application",
    "holder",
    "person",
    "name",
    "address_text",
    "issued_at",
]


@admin.register(ResidenceCertificate)
class ResidenceCertificateAdmin(MaskedAdmin):
    exclude = ["id_number"]
    list_display = ["number", "name", "post", "issued_at", "station"]
    search_fields = ["number", "name"]
    date_hierarchy = "issued_at"
    list_select_related = ["post", "station"]
    show_full_result_count = False
    readonly_fields = ISSUED_READONLY


@admin.register(ResidencePermit)
class ResidencePermitAdmin(MaskedAdmin):
    exclude = ["id_number"]
    list_display = ["number", "name", "valid_until", "lapsed_at", "revoked_at", "station"]
    list_filter = ["revoked_at", "lapsed_at"]
    search_fields = ["number", "name"]
    date_hierarchy = "issued_at"
    list_select_related = ["station"]
    show_full_result_count = False
    readonly_fields = [
        *ISSUED_READONLY,
        "valid_from",
        "valid_until",
        "lapsed_at",
        "revoked_at",
        "revoke_reason",
        "reminded_for",
    ]
    inlines = [EndorsementInline]


@admin.register(PermitEndorsement)
class PermitEndorsementAdmin(ScopedAdmin):
    list_display = ["permit", "endorsed_at", "by", "valid_until"]
    list_select_related = ["permit", "by"]
    readonly_fields = ["permit", "endorsed_at", "by", "valid_until"]

    def has_add_permission(self, request):
        return False


@admin.register(SignupCode)
class SignupCodeAdmin(admin.ModelAdmin):
    """For the superuser's investigations of abuse: who asked for codes, never the codes."""

    list_display = ["masked_phone", "created_at", "tries", "used"]
    fields = ["masked_phone", "created_at", "tries", "used"]
    readonly_fields = fields

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    @admin.display(description=_("attempts"))
    def tries(self, obj):
        return obj.attempts

    @admin.display(description=_("used at"))
    def used(self, obj):
        return when(obj.used_at)  # (a method's datetime would be written with str())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EnterpriseRegistration)
class EnterpriseRegistrationAdmin(ScopedAdmin):
    list_display = ["enterprise", "created_at", "status", "total_rows", "registered_rows"]
    list_filter = ["status"]
    list_select_related = ["enterprise"]
    readonly_fields = [
        "station",
        "enterprise",
        "uploaded_by",
        "file_name",
        "status",
        "total_rows",
        "registered_rows",
        "rejected",
        "failure",
        "finished_at",
    ]

    def has_add_permission(self, request):
        return False  # uploaded through the page or the API, which check the file


@admin.register(EnterpriseContact)
class EnterpriseContactAdmin(ScopedAdmin):
    """The station names an enterprise's contact person: a citizen who has signed up in the
    portal, entered by their account name (the phone number), since citizens' accounts are
    no station's to list."""

    list_display = ["unit", "user", "station", "created_at"]
    list_select_related = ["unit", "user", "station"]
    search_fields = ["unit__name", "user__username"]
    readonly_fields = ["station", "created_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            from apps.accounts.choices import UserKind
            from apps.accounts.models import User

            return forms.ModelChoiceField(
                label=_("Citizen account (phone number)"),
                queryset=User.objects.filter(
                    kind=UserKind.CITIZEN, station=None, bureau=None, is_staff=False
                ),
                to_field_name="username",
                widget=forms.TextInput,
                error_messages={"invalid_choice": _("No citizen's account has this name.")},
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
