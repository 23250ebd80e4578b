"""Admin for the sub-bureau: the taxonomy and its procedures, dispatch settings, the roster,
and read-mostly views of incidents and cases (their states change only through the
workflow's services, never by editing a status here)."""

from datetime import datetime

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyInline, ScopedAdmin
from apps.core.masking import mask_phone
from apps.core.timefmt import when

from .models import (
    Case,
    CaseEvent,
    CaseEvidence,
    CaseParty,
    DispatchSettings,
    DutyShift,
    Incident,
    IncidentAttachment,
    IncidentCategory,
    IncidentEvent,
    IncomingCall,
    ProcedureStep,
)


class ProcedureStepInline(admin.TabularInline):
    model = ProcedureStep
    extra = 1
    ordering = ["order"]


@admin.register(IncidentCategory)
class IncidentCategoryAdmin(ScopedAdmin):
    list_display = ["code", "name", "parent", "kind", "default_priority", "is_active", "bureau"]
    list_filter = ["kind", "is_active", "default_priority"]
    search_fields = ["code", "name"]
    list_select_related = ["parent", "bureau"]
    raw_id_fields = ["parent"]
    inlines = [ProcedureStepInline]


@admin.register(DispatchSettings)
class DispatchSettingsAdmin(ScopedAdmin):
    list_display = [
        "bureau",
        "urban_speed_kmh",
        "rural_speed_kmh",
        "road_factor",
        "repeat_caller_calls",
        "repeat_caller_days",
        "cross_station_dispatch",
        "auxiliaries_take_jobs",
    ]


@admin.register(DutyShift)
class DutyShiftAdmin(ScopedAdmin):
    list_display = ["staff", "post", "starts_at", "ends_at", "role", "station"]
    list_filter = ["role"]
    search_fields = ["staff__name"]
    date_hierarchy = "starts_at"
    list_select_related = ["staff", "post", "station"]
    raw_id_fields = ["staff"]


class IncidentEventInline(ReadOnlyInline):
    model = IncidentEvent
    fields = ["at", "by", "kind", "status", "text"]
    readonly_fields = fields


class IncidentAttachmentInline(ReadOnlyInline):
    model = IncidentAttachment
    fields = ["file_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Incident)
class IncidentAdmin(ScopedAdmin):
    list_display = [
        "number",
        "received_at",
        "category",
        "status",
        "post",
        "masked_caller_phone",
        "disposition",
        "station",
    ]
    list_filter = ["status", "source", "disposition", "priority", "is_repeat_caller"]
    search_fields = ["number", "place_text"]
    date_hierarchy = "received_at"
    list_select_related = ["category", "post", "station"]
    show_full_result_count = False
    personal_data_fields = ("caller_phone",)
    # Descriptions may be corrected here; everything about the workflow is read-only.
    readonly_fields = [
        "number",
        "station",
        "source",
        "category",
        "status",
        "received_at",
        "assigned_at",
        "dispatched_at",
        "en_route_at",
        "arrived_at",
        "handled_at",
        "closed_at",
        "received_by",
        "post",
        "officers",
        "suggested_post",
        "override_reason",
        "distance_km",
        "minutes_saved",
        "checklist_steps",
        "disposition",
        "case",
        "caller_recent_calls",
        "is_repeat_caller",
        "caller_person",
        "community",
        "address",
    ]
    exclude = ["checklist"]  # shown as its steps (checklist_steps), never edited as JSON
    inlines = [IncidentEventInline, IncidentAttachmentInline]

    @admin.display(description=_("caller's phone"))
    def masked_caller_phone(self, incident):
        return mask_phone(incident.caller_phone)

    @admin.display(description=_("handling checklist"))
    def checklist_steps(self, incident):
        return format_html_join(
            mark_safe("<br>"),
            "{} {}{}",
            (
                (
                    "☑" if item.get("done") else "☐",
                    item.get("step", ""),
                    f"（{when(datetime.fromisoformat(item['at']))}）" if item.get("at") else "",
                )
                for item in incident.checklist
            ),
        )

    def has_add_permission(self, request):
        return False  # incidents are taken in through intake, which numbers and checks them


class CasePartyInline(ReadOnlyInline):
    model = CaseParty
    fields = ["role", "name", "person", "note"]
    readonly_fields = fields


class CaseEvidenceInline(ReadOnlyInline):
    model = CaseEvidence
    fields = ["kind", "file_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "by", "status", "text"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ScopedAdmin):
    list_display = ["number", "title", "kind", "status", "accepted_at", "deadline", "station"]
    list_filter = ["kind", "status", "outcome"]
    search_fields = ["number", "title"]
    date_hierarchy = "accepted_at"
    list_select_related = ["station"]
    show_full_result_count = False
    readonly_fields = [
        "number",
        "station",
        "kind",
        "status",
        "accepted_at",
        "filed_at",
        "solved_at",
        "closed_at",
        "outcome",
        "deadline",
        "paused_since",
        "injury_grade",
        "not_filed_at",
        "not_filed_reasons",
        "created_by",
    ]
    raw_id_fields = ["lead_officer", "category"]
    inlines = [CasePartyInline, CaseEvidenceInline, CaseEventInline]

    def has_add_permission(self, request):
        return False  # cases are accepted through the workflow, which numbers them


@admin.register(IncomingCall)
class IncomingCallAdmin(ScopedAdmin):
    """The calls the telephone system reported, read only: who rang where, and whether the
    desk opened them and recorded an incident."""

    list_display = [
        "rang_at",
        "station",
        "desk",
        "extension",
        "masked_phone",
        "opened_at",
        "incident",
    ]
    list_filter = ["station"]
    list_select_related = ["station", "desk", "incident"]
    fields = ["station", "desk", "extension", "phone", "rang_at", "opened_at", "incident"]
    readonly_fields = fields
    personal_data_fields = ("phone",)

    @admin.display(description=_("caller's phone"))
    def masked_phone(self, call):
        return mask_phone(call.phone)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
