"""Filters of the findings and video-patrol lists (the API and the pages share them)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import IdFilter, ScopedFilterSet

from ..models import Finding, VideoPatrol


class FindingFilter(ScopedFilterSet):
    search_fields = ("description", "place")
    date = django_filters.DateFilter(
        field_name="found_at", lookup_expr="date", label=_("Date found")
    )
    # An id, not a dropdown: a station's patrols grow by a dozen a day. Rows stay scoped by
    # the list's queryset, so another station's patrol id simply matches nothing.
    patrol = IdFilter(field_name="patrol_id", label=_("Patrol no."))
    # Yes: only findings and visits at an enterprise (registry unit); no: only the others.
    enterprise = django_filters.BooleanFilter(
        field_name="unit", lookup_expr="isnull", exclude=True, label=_("At an enterprise")
    )

    class Meta:
        model = Finding
        fields = ["q", "kind", "status", "patrol", "date", "enterprise"]


class VideoPatrolFilter(ScopedFilterSet):
    search_fields = ("camera", "observation")
    date = django_filters.DateFilter(
        field_name="checked_at", lookup_expr="date", label=_("Date checked")
    )

    class Meta:
        model = VideoPatrol
        fields = ["q", "kind", "date"]
