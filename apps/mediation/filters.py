import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import ScopedFilterSet

from .models import Dispute, FollowUp, LawyerSlot, MediationSession, Mediator


class DisputeFilter(ScopedFilterSet):
    search_fields = ("number", "place_text", "description", "parties__name")
    received_after = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("From")
    )
    received_before = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("To")
    )

    class Meta:
        model = Dispute
        fields = [
            "q",
            "station",
            "status",
            "category",
            "source",
            "risk_level",
            "mediator",
            "community",
            "received_after",
            "received_before",
        ]

    def search(self, queryset, name, value):
        # A party's name joins a many side: keep each dispute once.
        return super().search(queryset, name, value).distinct()


class MediatorFilter(ScopedFilterSet):
    class Meta:
        model = Mediator
        fields = ["q", "station", "kind", "is_active"]


class MediationSessionFilter(ScopedFilterSet):
    search_fields = ("attendees", "notes")

    class Meta:
        model = MediationSession
        fields = ["q", "dispute", "mode"]


class FollowUpFilter(ScopedFilterSet):
    search_fields = ("dispute__number",)
    pending = django_filters.BooleanFilter(
        field_name="done_at", lookup_expr="isnull", label=_("Still to do")
    )

    class Meta:
        model = FollowUp
        fields = ["q", "officer", "result", "pending"]


class LawyerSlotFilter(ScopedFilterSet):
    search_fields = ("mediator__name", "booked_for")
    free = django_filters.BooleanFilter(
        field_name="booked_at", lookup_expr="isnull", label=_("Free")
    )
    after = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte", label=_("From")
    )

    class Meta:
        model = LawyerSlot
        fields = ["q", "station", "mediator", "free", "after"]
