import django_filters
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .forms import add_bootstrap_class
from .models import AccessLog


class ScopedFilterSet(django_filters.FilterSet):
    """Base of every FilterSet: a free-text `q` over `search_fields`, and choice lists of
    related records restricted to what the user may see (no other station's names leak)."""

    search_fields: tuple[str, ...] = ("name",)
    q = django_filters.CharFilter(label=_("Search"), method="search")

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.ModelChoiceFilter):
                model = filter_.queryset.model
                if hasattr(model, "scope"):
                    filter_.queryset = model.objects.restrict(user)

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        """A filter of a model field is labelled with the field's verbose name, translated
        when a page is drawn. Unlabelled, django-filter names it only once a FilterSet
        instance has its model; drf-spectacular's schema builds (and keeps) the class's form
        fields before that, so after the API schema was first opened every list page showed
        "Kind", "Status" in English."""
        filter_ = super().filter_for_field(field, field_name, lookup_expr)
        if "__" not in field_name and lookup_expr in (None, "exact") and filter_.label is None:
            filter_.label = capfirst(field.verbose_name)
        return filter_

    def narrow_choices_to_station(self):
        """For a page's dropdowns: posts, districts … of one station only (the one chosen,
        else the user's own), since a bureau's thousands of them would make an unusable and
        slow dropdown. The API keeps the full scoped choices."""
        chosen = self.data.get("station")
        station = int(chosen) if chosen and str(chosen).isdigit() else None
        station = station or getattr(self.request.user, "station_id", None)
        for name, filter_ in self.filters.items():
            if name == "station" or not isinstance(filter_, django_filters.ModelChoiceFilter):
                continue
            model = filter_.queryset.model
            if getattr(getattr(model, "scope", None), "station", None) == "station_id":
                filter_.queryset = (
                    filter_.queryset.filter(station_id=station)
                    if station
                    else filter_.queryset.none()
                )

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            add_bootstrap_class(field)
        return form

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class AccessLogFilter(ScopedFilterSet):
    search_fields = ("subject_label", "user__username", "user__last_name")
    at_after = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"))
    at_before = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AccessLog
        fields = ["q", "field", "at_after", "at_before"]
