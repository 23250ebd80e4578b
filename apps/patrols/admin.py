"""Admin of patrols: each sub-bureau's patrol rules, the stations' vehicles, patrols
(planned on the patrol pages; admin corrects the plan, never the state or what the track
derived), and read-only track uploads and broadcasts (they come from the tablets),
findings and camera checks (written only through the services), and the assessment's
scores (written by its task)."""

from django.contrib import admin

from apps.core.admin import ReadOnlyInline, ReadOnlyScopedAdmin, ScopedAdmin

from .models import (
    AssessmentScore,
    Broadcast,
    Finding,
    Patrol,
    PatrolParticipant,
    PatrolSettings,
    TrackBatch,
    Vehicle,
    VideoPatrol,
)


@admin.register(PatrolSettings)
class PatrolSettingsAdmin(ScopedAdmin):
    """A bureau admin edits their own sub-bureau's rules; superusers every bureau's."""

    list_display = [
        "bureau",
        "broadcast_quiet_from",
        "broadcast_quiet_until",
        "max_speed_kmh",
        "coverage_radius_m",
    ]

    list_select_related = ["bureau"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Vehicle)
class VehicleAdmin(ScopedAdmin):
    """The stations' vehicles; the station and post filters list only those in scope."""

    list_display = ["plate", "kind", "station", "post", "has_loudspeaker", "is_active"]
    list_filter = [
        ("station", admin.RelatedOnlyFieldListFilter),
        ("post", admin.RelatedOnlyFieldListFilter),
        "kind",
        "has_loudspeaker",
        "is_active",
    ]
    search_fields = ["plate", "note"]
    list_select_related = ["station", "post"]


class ParticipantInline(admin.TabularInline):
    model = PatrolParticipant
    extra = 0
    fields = ["kind", "name", "phone"]


class BroadcastInline(ReadOnlyInline):
    model = Broadcast
    fields = ["at", "message", "place", "latitude", "longitude", "by"]
    readonly_fields = fields


@admin.register(Patrol)
class PatrolAdmin(ScopedAdmin):
    list_display = [
        "planned_start",
        "mode",
        "status",
        "station",
        "post",
        "vehicle",
        "distance_m",
    ]
    list_filter = ["status", "mode", "loudspeaker"]
    search_fields = ["route", "note"]
    date_hierarchy = "planned_start"
    list_select_related = ["station", "post", "vehicle"]
    show_full_result_count = False
    filter_horizontal = ["officers", "communities"]
    inlines = [ParticipantInline, BroadcastInline]
    # State changes go through the services (start, finish, cancel); the track derives the
    # rest.
    readonly_fields = [
        "station",
        "status",
        "started_at",
        "ended_at",
        "distance_m",
        "covered",
        "last_latitude",
        "last_longitude",
        "last_seen_at",
        "created_by",
    ]

    def has_add_permission(self, request):
        return False  # planned on the patrol pages or through the API

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(TrackBatch)
class TrackBatchAdmin(ReadOnlyScopedAdmin):
    list_display = ["client_id", "patrol", "received_at", "points", "new_points"]
    list_select_related = ["patrol"]
    date_hierarchy = "received_at"
    show_full_result_count = False


class _RecordAdmin(ReadOnlyScopedAdmin):
    """Findings and camera checks are written by the services (one conversion per finding,
    the links both ways), scores by the assessment task (recomputed, never hand-edited):
    admin reads them, scoped, and never edits them by hand."""


@admin.register(Finding)
class FindingAdmin(_RecordAdmin):
    list_display = [
        "found_at",
        "kind",
        "station",
        "community",
        "unit",
        "status",
        "incident",
        "dispute",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["description", "place"]
    date_hierarchy = "found_at"
    list_select_related = ["station", "community", "unit", "incident", "dispute"]
    show_full_result_count = False


@admin.register(VideoPatrol)
class VideoPatrolAdmin(_RecordAdmin):
    list_display = ["checked_at", "kind", "camera", "station", "officer", "finding"]
    list_filter = ["kind"]
    search_fields = ["camera", "observation"]
    date_hierarchy = "checked_at"
    list_select_related = ["station", "officer", "finding"]
    show_full_result_count = False


@admin.register(AssessmentScore)
class AssessmentScoreAdmin(_RecordAdmin):
    list_display = [
        "month",
        "subject",
        "station",
        "community",
        "officer",
        "patrol_hours",
        "score",
        "rank",
    ]
    list_filter = ["subject"]
    search_fields = ["community__name", "officer__username", "officer__last_name"]
    date_hierarchy = "month"
    list_select_related = ["station", "community", "officer"]
    show_full_result_count = False
