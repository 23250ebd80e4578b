import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import IdFilter, ScopedFilterSet
from apps.stations.models import Community, Post

from .choices import ApplicationKind, ApplicationStatus
from .deadlines import overdue_condition
from .models import PermitApplication, ResidenceCertificate, ResidencePermit


class PermitApplicationFilter(ScopedFilterSet):
    search_fields = ("name", "address_text")
    # Whole numbers only, logged as lookups (see ScopedFilterSet).
    number_fields = {"id_number": "id_number", "phone": "phone"}
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ApplicationKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ApplicationStatus.choices)
    post = django_filters.ModelChoiceFilter(label=_("Post"), queryset=Post.objects.all())
    community = django_filters.ModelChoiceFilter(
        label=_("Village / community"), queryset=Community.objects.all()
    )
    # 居住证暂行条例 第九条: past the 15 days from acceptance and still undecided.
    overdue = django_filters.BooleanFilter(label=_("Past the 15-day limit"), method="past_limit")

    # An id the database can hold, else 400: a larger one overflowed SQLite's integer (500).
    batch = IdFilter(label=_("Enterprise list"), field_name="batch_id")

    class Meta:
        model = PermitApplication
        fields = ["kind", "status", "post", "community", "overdue", "batch"]

    def past_limit(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.filter(overdue_condition()) if value else queryset.exclude(overdue_condition())
        )


class ResidenceCertificateFilter(ScopedFilterSet):
    search_fields = ("number", "name", "address_text")
    post = django_filters.ModelChoiceFilter(label=_("Post"), queryset=Post.objects.all())

    class Meta:
        model = ResidenceCertificate
        fields = ["post"]


class ResidencePermitFilter(ScopedFilterSet):
    search_fields = ("number", "name", "address_text")
    post = django_filters.ModelChoiceFilter(label=_("Post"), queryset=Post.objects.all())
    due_before = django_filters.DateFilter(
        label=_("Endorsement due before"), field_name="valid_until", lookup_expr="lte"
    )

    class Meta:
        model = ResidencePermit
        fields = ["post", "due_before"]
