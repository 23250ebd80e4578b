import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import ScopedFilterSet

from .models import Patrol


class PatrolFilter(ScopedFilterSet):
    search_fields = ("route", "note")
    date_from = django_filters.DateFilter(
        field_name="planned_start", lookup_expr="date__gte", label=_("From")
    )
    date_to = django_filters.DateFilter(
        field_name="planned_start", lookup_expr="date__lte", label=_("To")
    )

    class Meta:
        model = Patrol
        fields = ["q", "station", "post", "status", "mode", "date_from", "date_to"]
