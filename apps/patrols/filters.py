import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import set_override

from apps.core.filters import ScopedFilterSet
from apps.core.plates import normalize_plate

from .models import Patrol, Vehicle


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


class VehicleFilter(ScopedFilterSet):
    search_fields = ("plate", "note")
    # "true" or "false" and nothing else: a boolean filter would read any other word as
    # "no filter" and answer 200 to what the schema calls invalid.
    is_active = django_filters.TypedChoiceFilter(
        label=_("in service"),
        choices=[("true", _("Yes")), ("false", _("No"))],
        coerce=lambda value: value == "true",
    )
    set_override(is_active, "field", {"type": "string", "enum": ["true", "false"]})

    def search_text(self, queryset, value):
        """A plate typed without its dot (渝A1234) finds 渝A·1234警 too."""
        typed = normalize_plate(value)
        found = super().search_text(queryset, value)
        if len(typed) > 2 and "·" not in typed:
            found = found | queryset.filter(plate__icontains=f"{typed[:2]}·{typed[2:]}")
        elif typed != value:
            found = found | queryset.filter(plate__icontains=typed)
        return found

    class Meta:
        model = Vehicle
        fields = ["q", "station", "post", "kind", "is_active"]
