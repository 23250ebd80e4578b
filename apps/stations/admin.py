from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.admin import ScopedAdmin
from apps.core.errors import DomainError
from apps.core.scoping import CHANGE
from apps.stats.admin import recompute_statistics

from .boundaries import MAX_BOUNDARY_POINTS, MAX_FILE_BYTES
from .choices import StaffKind
from .models import (
    Bureau,
    Community,
    CommunityAppointment,
    PoliceDistrict,
    Post,
    ServiceLog,
    StaffAssignment,
    Station,
)
from .services import community_boundaries_import


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


class BoundaryImportForm(forms.Form):
    station = forms.ModelChoiceField(queryset=Station.objects.none(), label=gettext_lazy("Station"))
    file = forms.FileField(
        label=gettext_lazy("GeoJSON file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json"}),
        help_text=gettext_lazy(
            "A FeatureCollection in WGS 84 (EPSG:4326, not GCJ-02): one Polygon or"
            " MultiPolygon feature per village or community, named by its properties.name."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Station.objects.restrict(user, CHANGE)


class AppointmentFormSet(BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # The village's station, before validation: the same-station check needs it.
        form.instance.station_id = self.instance.station_id
        return form


class CommunityAppointmentInline(admin.TabularInline):
    """The officers appointed to the village (兼任村党支部副书记 …), current and past."""

    model = CommunityAppointment
    formset = AppointmentFormSet
    fields = ["officer", "title", "started_on", "ended_on", "note"]
    extra = 0

    def get_queryset(self, request):
        return (
            CommunityAppointment.objects.restrict(request.user)
            .select_related("officer")
            .order_by("-started_on", "id")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "officer":
            kwargs["queryset"] = StaffAssignment.objects.restrict(request.user, CHANGE).filter(
                kind=StaffKind.OFFICER
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Community)
class CommunityAdmin(ScopedAdmin):
    list_display = ["name", "kind", "station", "district", "post", "population", "has_boundary"]
    list_filter = ["kind"]
    search_fields = ["name", "station__name"]
    list_select_related = ["station", "district", "post"]
    # A boundary comes from a file (import_boundaries), never typed as JSON by hand.
    exclude = ["boundary"]
    readonly_fields = ["boundary_shape"]
    inlines = [CommunityAppointmentInline]

    def get_queryset(self, request):
        # The list says whether a boundary is there without loading it.
        return (
            super()
            .get_queryset(request)
            .annotate(
                with_boundary=ExpressionWrapper(
                    Q(boundary__isnull=False), output_field=BooleanField()
                )
            )
        )

    @admin.display(description=gettext_lazy("boundary"), boolean=True, ordering="with_boundary")
    def has_boundary(self, obj):
        return obj.with_boundary

    @admin.display(description=gettext_lazy("boundary"))
    def boundary_shape(self, obj):
        if not obj.boundary:
            return _("None yet: import the village boundaries from a file in the list.")
        polygons = obj.boundary["coordinates"]
        if obj.boundary["type"] == "Polygon":
            polygons = [polygons]
        points = sum(len(ring) for polygon in polygons for ring in polygon)
        return _("%(polygons)d area(s), %(points)d points") % {
            "polygons": len(polygons),
            "points": points,
        }

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_boundaries)
        return [
            path("import-boundaries/", view, name="stations_community_import_boundaries"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import": self.has_change_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_boundaries(self, request):
        """Upload a GeoJSON file of a station's village boundaries (all or nothing)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = BoundaryImportForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                count = community_boundaries_import(
                    by=request.user,
                    station=form.cleaned_data["station"],
                    # One byte past the limit is enough for the service to refuse it.
                    data=upload.read(MAX_FILE_BYTES + 1),
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                self.message_user(
                    request,
                    _("Boundaries of %(n)d villages / communities imported.") % {"n": count},
                    messages.SUCCESS,
                )
                return redirect("admin:stations_community_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import village boundaries"),
            "form": form,
            "opts": self.model._meta,
            "max_points": MAX_BOUNDARY_POINTS,
            "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        }
        return TemplateResponse(request, "admin/stations/community/import_boundaries.html", context)


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit", "duty", "station", "post", "started_on", "ended_on"]
    list_filter = ["kind", "unit"]
    search_fields = ["name", "duty", "station__name"]
    list_select_related = ["station", "post"]
    personal_data_fields = ("phone",)


@admin.register(CommunityAppointment)
class CommunityAppointmentAdmin(ScopedAdmin):
    list_display = ["officer", "community", "title", "station", "started_on", "ended_on"]
    list_filter = ["title"]
    search_fields = ["officer__name", "community__name", "station__name"]
    list_select_related = ["officer", "community", "station"]
    date_hierarchy = "started_on"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "officer":
            kwargs["queryset"] = StaffAssignment.objects.restrict(request.user, CHANGE).filter(
                kind=StaffKind.OFFICER
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
