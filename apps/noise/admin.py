"""Admin of the noise app: the standard's limits (superusers: one table for every bureau),
each sub-bureau's settings and sensors, and read-only readings and events (they come from
the sensors and the state machine, never from hand edits)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyScopedAdmin, ScopedAdmin

from . import services
from .models import NoiseEvent, NoiseLimit, NoiseReading, NoiseSensor, NoiseSettings


@admin.register(NoiseLimit)
class NoiseLimitAdmin(admin.ModelAdmin):
    list_display = ["zone_class", "day_limit", "night_limit"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # every zone class needs its limits: edit them, never remove them


@admin.register(NoiseSettings)
class NoiseSettingsAdmin(ScopedAdmin):
    list_display = [
        "bureau",
        "open_after_seconds",
        "close_after_seconds",
        "incident_after_minutes",
        "auto_incident_on_duration",
        "repeat_threshold",
        "auto_incident_on_repeat",
        "laeq_window_minutes",
        "day_starts",
        "night_starts",
        "warning_text",
    ]


@admin.register(NoiseSensor)
class NoiseSensorAdmin(ScopedAdmin):
    list_display = ["name", "station", "community", "zone_class", "is_active", "last_db_a"]
    list_filter = ["zone_class", "is_active"]
    search_fields = ["name"]
    list_select_related = ["station", "community"]
    filter_horizontal = ["contacts"]
    readonly_fields = ["key_revoked_at", "last_reading_at", "last_db_a"]
    actions = ["rotate_key", "revoke_key"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # A new sensor gets its key from the service, shown this once.
        fields = {
            f.name: form.cleaned_data[f.name]
            for f in obj._meta.concrete_fields
            if f.name in form.cleaned_data
        }
        sensor, key = services.sensor_create(by=request.user, **fields)
        obj.pk = sensor.pk
        self.message_user(request, _("Device key (shown once): %(key)s") % {"key": key})

    @admin.action(description=_("Issue a new device key"))
    def rotate_key(self, request, queryset):
        for sensor in queryset:
            key = services.sensor_rotate_key(sensor=sensor, by=request.user)
            self.message_user(
                request,
                _("%(sensor)s: new device key (shown once): %(key)s")
                % {"sensor": sensor, "key": key},
                messages.WARNING,
            )

    @admin.action(description=_("Revoke the device key"))
    def revoke_key(self, request, queryset):
        for sensor in queryset:
            services.sensor_revoke_key(sensor=sensor, by=request.user)
        self.message_user(request, _("Keys revoked."))


@admin.register(NoiseEvent)
class NoiseEventAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "sensor",
        "opened_at",
        "closed_at",
        "duration_shown",
        "laeq",
        "peak",
        "limit",
        "excess_shown",
        "period",
        "trigger",
        "incident",
    ]
    list_filter = ["period", "trigger"]
    date_hierarchy = "opened_at"
    list_select_related = ["sensor", "incident"]
    show_full_result_count = False

    @admin.display(description=_("duration"))
    def duration_shown(self, event):
        if event.duration is None:
            return _("open")
        minutes, seconds = divmod(int(event.duration.total_seconds()), 60)
        return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": seconds}

    @admin.display(description=_("excess (LAeq − limit), dB(A)"))
    def excess_shown(self, event):
        return "—" if event.excess is None else event.excess


@admin.register(NoiseReading)
class NoiseReadingAdmin(ReadOnlyScopedAdmin):
    list_display = ["sensor", "at", "db_a"]
    date_hierarchy = "at"
    list_select_related = ["sensor"]
    show_full_result_count = False
