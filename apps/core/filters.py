import re
from collections.abc import Mapping
from typing import Any, TypeVar

import django_filters
from django import forms
from django.db.models import Field, Q, QuerySet
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import set_override

from .forms import style_field
from .idnumbers import upgrade_15
from .models import AccessLog
from .phones import whole_phone
from .services import personal_data_lookup

# A search that is a number (digits, with the separators and masks people type): an ID or
# phone number, whole or in part.
_NUMBER_LIKE = re.compile(r"[\d\s*+xX-]*\d[\d\s*+xX-]*")
_ID_NUMBER = re.compile(r"\d{17}[\dX]")
# A first-generation number (15 digits), searched as the 18 it became. A phone typed with
# 0086 may also have 15 digits, but no ID number starts with 00.
_OLD_ID_NUMBER = re.compile(r"[1-9]\d{14}")
# A number that many records share (a company's switchboard) gives the first ones only.
LOOKUP_LIMIT = 50

_QS = TypeVar("_QS", bound=QuerySet[Any])


def is_number(text: str) -> bool:
    return bool(_NUMBER_LIKE.fullmatch(text.strip()))


def whole_number(text: str) -> tuple[str, str] | None:
    """("id_number", number) or ("phone", number) when the text is one whole, without the
    separators typed (a lower-case x is an X); None when it is part of one, or masked."""
    value = re.sub(r"[\s-]", "", text).upper()
    if _OLD_ID_NUMBER.fullmatch(value):
        return "id_number", upgrade_15(value)
    if _ID_NUMBER.fullmatch(value):
        return "id_number", value
    if phone := whole_phone(value):
        return "phone", phone
    return None


# The largest id the database holds (a 64-bit integer): a larger one in a filter overflows it.
LARGEST_ID = 2**63 - 1


def record_id(text: object) -> int | None:
    """A record's id typed in a URL or form (digits the database can hold), else None."""
    value = str(text)
    return int(value) if value.isascii() and value.isdigit() and int(value) <= LARGEST_ID else None


class IdFilter(django_filters.NumberFilter):  # type: ignore[misc]  # django-filter: no types
    """A record's id typed as a number: a whole number the database can hold, else invalid
    (400) — 2.5 or 1e30 would otherwise reach the query and fail there."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", LARGEST_ID)
        super().__init__(*args, **kwargs)
        # The schema's integer with its bounds, and the label as its description.
        schema: dict[str, object] = {
            "type": "integer",
            "minimum": kwargs["min_value"],
            "maximum": kwargs["max_value"],
        }
        if self.label:
            schema["description"] = self.label
        set_override(self, "field", schema)


class ScopedFilterSet(django_filters.FilterSet):  # type: ignore[misc]  # django-filter: no types
    """Base of every FilterSet: a free-text `q` over `search_fields`, and choice lists of
    related records restricted to what the user may see (no other station's names leak).

    `number_fields` names the model's personal numbers ({"id_number": path, "phone": path}).
    A `q` that is a number finds them by the whole value only — never by a part, which would
    give a masked 139****4184 back in a few requests — and each such search is written to
    the access log as a lookup of the records it found."""

    search_fields: tuple[str, ...] = ("name",)
    number_fields: dict[str, str] = {}
    q = django_filters.CharFilter(label=_("Search"), method="search")

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        queryset: QuerySet[Any] | None = None,
        *,
        request: HttpRequest | None = None,
        prefix: str | None = None,
    ) -> None:
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.ModelChoiceFilter):
                model = filter_.queryset.model
                if hasattr(model, "scope"):
                    filter_.queryset = model.objects.restrict(user)

    @classmethod
    def filter_for_field(
        cls, field: "Field[Any, Any]", field_name: str, lookup_expr: str | None = None
    ) -> django_filters.Filter:
        """A filter of a model field is labelled with the field's verbose name, translated
        when a page is drawn. Unlabelled, django-filter names it only once a FilterSet
        instance has its model; drf-spectacular's schema builds (and keeps) the class's form
        fields before that, so after the API schema was first opened every list page showed
        "Kind", "Status" in English."""
        filter_ = super().filter_for_field(field, field_name, lookup_expr)
        if "__" not in field_name and lookup_expr in (None, "exact") and filter_.label is None:
            filter_.label = capfirst(field.verbose_name)
        return filter_

    def narrow_choices_to_station(self) -> None:
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
    def form(self) -> forms.Form:
        form: forms.Form = super().form
        for field in form.fields.values():
            style_field(field)
        return form

    def search(self, queryset: _QS, name: str, value: str) -> _QS:
        value = value.strip()
        if not value:
            return queryset
        if self.number_fields and is_number(value):
            return self.search_number(queryset, value)
        return self.search_text(queryset, value)

    def search_number(self, queryset: _QS, value: str) -> _QS:
        kind, number = whole_number(value) or ("", "")
        path = self.number_fields.get(kind)
        if path is None:
            return queryset.none()
        found = list(queryset.filter(**{path: number}).order_by("pk")[:LOOKUP_LIMIT])
        personal_data_lookup(by=self.request.user, objects=found, field=kind, request=self.request)
        return queryset.filter(pk__in=[obj.pk for obj in found])

    def search_text(self, queryset: _QS, value: str) -> _QS:
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
