"""One FilterSet per model, shared by the list pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import ScopedFilterSet

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


class BureauFilter(ScopedFilterSet):
    class Meta:
        model = Bureau
        fields = ["q"]


class StationFilter(ScopedFilterSet):
    search_fields = ("name", "address")

    class Meta:
        model = Station
        fields = ["q", "bureau"]


class PostFilter(ScopedFilterSet):
    search_fields = ("name", "address")

    class Meta:
        model = Post
        fields = ["q", "station", "kind", "is_active"]


class PoliceDistrictFilter(ScopedFilterSet):
    class Meta:
        model = PoliceDistrict
        fields = ["q", "station", "post"]


class CommunityFilter(ScopedFilterSet):
    search_fields = ("name", "note")

    class Meta:
        model = Community
        fields = ["q", "station", "district", "post", "kind"]


class StaffAssignmentFilter(ScopedFilterSet):
    search_fields = ("name", "duty")

    class Meta:
        model = StaffAssignment
        fields = ["q", "station", "post", "kind", "unit"]


class CommunityAppointmentFilter(ScopedFilterSet):
    search_fields = ("officer__name", "community__name", "note")
    # A choice, not a BooleanFilter: "?current=null" is refused (400) rather than read as
    # "no filter".
    current = django_filters.ChoiceFilter(
        choices=[("true", _("Yes")), ("false", _("No"))], method="current_only", label=_("Current")
    )

    class Meta:
        model = CommunityAppointment
        fields = ["q", "station", "community", "officer", "title", "current"]

    def current_only(self, queryset, name, value):
        return queryset.filter(ended_on__isnull=value == "true")


class ServiceLogFilter(ScopedFilterSet):
    search_fields = ("note",)
    occurred_after = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__gte", label=_("From")
    )
    occurred_before = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__lte", label=_("To")
    )

    class Meta:
        model = ServiceLog
        fields = ["q", "station", "post", "kind", "occurred_after", "occurred_before"]
