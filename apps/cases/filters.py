import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import ScopedFilterSet

from .models import Case, DutyShift, Incident, IncidentCategory
from .selectors import AWAITING_DECISION


class IncidentFilter(ScopedFilterSet):
    # Numbers, places and names; the caller's phone only as a whole number (no prefix search).
    search_fields = ("number", "place_text", "caller_name", "description")
    received_after = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("From")
    )
    received_before = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("To")
    )
    caller_phone = django_filters.CharFilter(label=_("Caller's phone"))
    category = django_filters.ModelChoiceFilter(
        queryset=IncidentCategory.objects.filter(parent__isnull=False), label=_("Incident category")
    )

    class Meta:
        model = Incident
        fields = [
            "q",
            "station",
            "post",
            "status",
            "category",
            "source",
            "priority",
            "disposition",
            "is_repeat_caller",
            "caller_phone",
            "received_after",
            "received_before",
        ]


class CaseFilter(ScopedFilterSet):
    search_fields = ("number", "title")
    overdue = django_filters.BooleanFilter(method="overdue_only", label=_("Overdue"))
    awaiting_decision = django_filters.BooleanFilter(
        method="awaiting_only", label=_("Awaiting the sub-bureau's decision")
    )

    class Meta:
        model = Case
        fields = ["q", "station", "kind", "status", "lead_officer", "overdue", "awaiting_decision"]

    def awaiting_only(self, queryset, name, value):
        if value is None:
            return queryset
        pks = queryset.filter(AWAITING_DECISION).values("pk")
        return queryset.filter(pk__in=pks) if value else queryset.exclude(pk__in=pks)

    def overdue_only(self, queryset, name, value):
        from django.utils import timezone

        if value is None:
            return queryset
        late = queryset.exclude(status="closed").filter(
            deadline__lt=timezone.now(), paused_since__isnull=True
        )
        return late if value else queryset.exclude(pk__in=late.values("pk"))


class DutyShiftFilter(ScopedFilterSet):
    search_fields = ("staff__name",)
    starts_after = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte", label=_("From")
    )
    starts_before = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label=_("To")
    )

    class Meta:
        model = DutyShift
        fields = ["q", "station", "post", "staff", "role", "starts_after", "starts_before"]


class IncidentCategoryFilter(ScopedFilterSet):
    search_fields = ("code", "name")
    major = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", label=_("Major categories only")
    )

    class Meta:
        model = IncidentCategory
        fields = ["q", "kind", "parent", "major", "is_active"]
