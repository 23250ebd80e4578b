from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import set_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from apps.core.filters import ScopedFilterSet
from apps.stations.models import Community

from .models import Address, HotelStay, Housing, ImportBatch, Person, Residence, Unit
from .pinyin import pinyin_query


class AddressFilter(ScopedFilterSet):
    search_fields = ("text",)

    class Meta:
        model = Address
        fields = ["q", "station", "community"]


# Nobody registered is older; a larger age would reach back before year 1 (a 500).
OLDEST_AGE = 150


class AgeFilter(django_filters.NumberFilter):
    """A whole age in years, 0 to OLDEST_AGE: 25.5, 1e9 or 2027 are refused as invalid."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", OLDEST_AGE)
        super().__init__(*args, **kwargs)
        # The schema's integer with its bounds, and the label as its description.
        schema = {"type": "integer", "minimum": kwargs["min_value"], "maximum": kwargs["max_value"]}
        if self.label:
            schema["description"] = self.label
        set_override(self, "field", schema)


class PersonFilter(ScopedFilterSet):
    """The sieve (筛网法): combinable filters over persons."""

    # A name by its characters, its pinyin or its initials (王小红, wangxiaohong, wxh); an ID
    # or phone number only whole, and logged (ScopedFilterSet.number_fields).
    search_fields = ("name",)
    number_fields = {"id_number": "id_number", "phone": "phone"}
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Name, initials or whole number")}),
    )
    community = extend_schema_field(OpenApiTypes.INT)(
        django_filters.ModelChoiceFilter(
            queryset=Community.objects.all(), method="living_in", label=_("Lives in")
        )
    )
    age_min = AgeFilter(method="aged_at_least", label=_("Age from"))
    age_max = AgeFilter(method="aged_at_most", label=_("Age to"))
    lives_alone = django_filters.BooleanFilter(method="living_alone", label=_("Lives alone"))
    is_focus = django_filters.BooleanFilter(method="focus", label=_("Focus person"))

    class Meta:
        model = Person
        fields = [
            "q",
            "station",
            "community",
            "category",
            "gender",
            "domicile_province",
            "ethnicity",
            "age_min",
            "age_max",
            "lives_alone",
            "is_focus",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None or not user.has_perm("registry.view_focusrecord"):
            # Who is a focus person is itself restricted: no filter, no inference.
            del self.filters["is_focus"]

    def search_text(self, queryset, value):
        key = pinyin_query(value)
        if key is None:
            return super().search_text(queryset, value)
        # Prefixes, which the two indexes serve (see Person.Meta.indexes).
        return queryset.filter(Q(name_initials__startswith=key) | Q(name_pinyin__startswith=key))

    def living_in(self, queryset, name, value):
        current = Residence.objects.filter(
            person=OuterRef("pk"), until__isnull=True, housing__address__community=value
        )
        return queryset.filter(Exists(current))

    def aged_at_least(self, queryset, name, value):
        return queryset.filter(birth_date__lte=_birthday_years_ago(int(value)))

    def aged_at_most(self, queryset, name, value):
        return queryset.filter(birth_date__gt=_birthday_years_ago(int(value) + 1))

    def living_alone(self, queryset, name, value):
        others = Residence.objects.filter(housing=OuterRef("housing"), until__isnull=True).exclude(
            person=OuterRef("person")
        )
        alone = Residence.objects.filter(person=OuterRef("pk"), until__isnull=True).filter(
            ~Exists(others)
        )
        return queryset.filter(Exists(alone)) if value else queryset.exclude(Exists(alone))

    def focus(self, queryset, name, value):
        return queryset.filter(focus_record__isnull=not value)


def _birthday_years_ago(years: int):
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


class HousingFilter(ScopedFilterSet):
    search_fields = ("address__text",)

    class Meta:
        model = Housing
        fields = ["q", "station", "kind", "is_rented"]


class UnitFilter(ScopedFilterSet):
    search_fields = ("name", "contact_name")

    class Meta:
        model = Unit
        fields = ["q", "station", "kind"]


class HotelStayFilter(ScopedFilterSet):
    search_fields = ("person__name", "hotel__name")
    checked_in_after = django_filters.DateTimeFilter(
        field_name="checked_in_at", lookup_expr="gte", label=_("From")
    )
    checked_in_before = django_filters.DateTimeFilter(
        field_name="checked_in_at", lookup_expr="lt", label=_("To")
    )

    class Meta:
        model = HotelStay
        fields = ["q", "station", "hotel", "checked_in_after", "checked_in_before"]


class ImportBatchFilter(ScopedFilterSet):
    search_fields = ("file_name",)

    class Meta:
        model = ImportBatch
        fields = ["q", "station", "status"]
