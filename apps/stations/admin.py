from django.contrib import admin

from apps.core.admin import ScopedAdmin
from apps.stats.admin import recompute_statistics

from .models import Bureau, Community, PoliceDistrict, Post, ServiceLog, StaffAssignment, Station


@admin.register(Bureau)
class BureauAdmin(ScopedAdmin):
    list_display = ["name", "code", "city_bureau"]
    search_fields = ["name", "code"]
    actions = [recompute_statistics]


@admin.register(Station)
class StationAdmin(ScopedAdmin):
    list_display = ["name", "code", "organ_code", "bureau", "phone", "area_km2"]
    list_filter = ["bureau"]
    search_fields = ["name", "code", "organ_code", "address"]
    list_select_related = ["bureau"]


@admin.register(Post)
class PostAdmin(ScopedAdmin):
    list_display = ["name", "station", "kind", "opened_on", "is_active"]
    list_filter = ["kind", "is_active", "station__bureau"]
    search_fields = ["name", "address", "station__name"]
    list_select_related = ["station"]


@admin.register(PoliceDistrict)
class PoliceDistrictAdmin(ScopedAdmin):
    list_display = ["name", "station", "post", "real_population"]
    search_fields = ["name", "station__name"]
    list_select_related = ["station", "post"]
    filter_horizontal = ["responsible_officers"]


@admin.register(Community)
class CommunityAdmin(ScopedAdmin):
    list_display = ["name", "kind", "station", "district", "post", "population"]
    list_filter = ["kind"]
    search_fields = ["name", "station__name"]
    list_select_related = ["station", "district", "post"]


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit", "duty", "station", "post", "started_on", "ended_on"]
    list_filter = ["kind", "unit"]
    search_fields = ["name", "duty", "station__name"]
    list_select_related = ["station", "post"]
    personal_data_fields = ("phone",)


@admin.register(ServiceLog)
class ServiceLogAdmin(ScopedAdmin):
    list_display = ["occurred_at", "kind", "station", "post", "recorded_by"]
    list_filter = ["kind"]
    date_hierarchy = "occurred_at"
    list_select_related = ["station", "post", "recorded_by"]
    readonly_fields = ["recorded_by", "client_id"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
