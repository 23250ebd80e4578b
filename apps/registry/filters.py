import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import ScopedFilterSet

from .models import Address, HotelStay, Housing, Person, Unit


class AddressFilter(ScopedFilterSet):
    search_fields = ("text",)

    class Meta:
        model = Address
        fields = ["q", "station", "community"]


class PersonFilter(ScopedFilterSet):
    # Names and phones only: ID numbers are looked up by POST, never in a query string.
    search_fields = ("name", "phone")
    born_after = django_filters.DateFilter(
        field_name="birth_date", lookup_expr="gte", label=_("Born on or after")
    )
    born_before = django_filters.DateFilter(
        field_name="birth_date", lookup_expr="lte", label=_("Born on or before")
    )

    class Meta:
        model = Person
        fields = [
            "q",
            "station",
            "category",
            "gender",
            "domicile_province",
            "born_after",
            "born_before",
        ]


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
