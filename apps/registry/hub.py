"""The information hub (百宝箱): collision, comparison and classification over the registry.

The sieve is PersonFilter (filters.py) with SavedQuery; the association is the person page
with the related-record providers (related.py). Everything here starts from
`restrict(user)`, counts in the database and never loops over rows in Python.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.errors import DomainError
from apps.core.phones import MOBILE_DIGITS

from .filters import PersonFilter
from .models import HotelStay, Person, Residence

_ID_OR_PHONE = re.compile(rf"[0-9]{{17}}[0-9Xx]|{MOBILE_DIGITS}")
# A pasted list of numbers (form or API): some 100,000 ID numbers at most.
NUMBERS_MAX_LENGTH = 2_000_000


def persons_of_query(*, user, params: str, request=None):
    """The persons a sieve (its URL-encoded filters) selects, in the user's scope."""
    filterset = PersonFilter(
        QueryDict(params),
        queryset=Person.objects.restrict(user),
        request=request or UserRequest(user),
    )
    if not filterset.is_valid():
        raise DomainError(_("The saved filters are no longer valid."), code="invalid")
    return filterset.qs


@dataclass
class UserRequest:
    """What a FilterSet needs of a request when a query runs outside one (API, tasks)."""

    user: object


def hotel_guests(*, user, start: date, end: date, hotel=None):
    """Persons who checked in to a hotel of the user's scope between two dates (inclusive)."""
    start_at = timezone.make_aware(datetime.combine(start, time.min))
    end_at = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    stays = HotelStay.objects.restrict(user).filter(
        person=OuterRef("pk"), checked_in_at__gte=start_at, checked_in_at__lt=end_at
    )
    if hotel is not None:
        stays = stays.filter(hotel=hotel)
    return Person.objects.restrict(user).filter(Exists(stays))


def focus_persons(*, user):
    if not user.has_perm("registry.view_focusrecord"):
        raise PermissionDenied(_("You are not allowed to use the focus-person list."))
    return Person.objects.restrict(user).filter(focus_record__isnull=False)


def listed_persons(*, user, text: str):
    """Persons whose ID number or phone appears in a pasted or uploaded list."""
    found = {match.upper() for match in _ID_OR_PHONE.findall(text or "")}
    if not found:
        raise DomainError(_("The list holds no ID number or mobile phone number."), code="invalid")
    if len(found) > 50_000:
        raise DomainError(_("A list may hold at most 50,000 numbers."), code="invalid")
    ids = [item for item in found if len(item) == 18]
    phones = [item for item in found if len(item) == 11]
    return Person.objects.restrict(user).filter(Q(id_number__in=ids) | Q(phone__in=phones))


def collide(left, right):
    """The collision (碰撞法): persons in both sets, as one query."""
    return left.filter(pk__in=right.values("pk")).select_related("station").order_by("name", "pk")


MEASURES = {
    "persons_registered": (_("Persons registered"), Person, "created_at"),
    "hotel_stays": (_("Hotel stays"), HotelStay, "checked_in_at"),
    "residences_started": (_("Residences begun"), Residence, "since"),
}


def compare(*, user, measure: str, first: tuple[date, date], second: tuple[date, date]) -> dict:
    """The comparison (比较法): one count for two periods, with the change."""
    label, model, field = MEASURES[measure]
    counts = []
    for start, end in (first, second):
        if start > end:
            raise DomainError(_("A period ends before it starts."), code="invalid")
        counts.append(_count_between(model.objects.restrict(user), field, start, end))
    change = counts[1] - counts[0]
    percent = round(change * 100 / counts[0], 1) if counts[0] else None
    return {
        "measure": measure,
        "label": str(label),
        "first": counts[0],
        "second": counts[1],
        "change": change,
        "percent": percent,
    }


def _count_between(queryset, field: str, start: date, end: date) -> int:
    if queryset.model._meta.get_field(field).get_internal_type() == "DateField":
        return queryset.filter(**{f"{field}__gte": start, f"{field}__lte": end}).count()
    start_at = timezone.make_aware(datetime.combine(start, time.min))
    end_at = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return queryset.filter(**{f"{field}__gte": start_at, f"{field}__lt": end_at}).count()


GROUPINGS = {
    "category": pgettext_lazy("person", "Category"),
    "gender": _("Gender"),
    "domicile_province": _("Domicile province"),
    "ethnicity": _("Ethnicity"),
    "age_band": _("Age band"),
    "community": _("Village / community"),
}


def classify(persons, by: str) -> list[tuple[str, int]]:
    """The classification (归类法): group and count in SQL, largest group first."""
    if by == "age_band":
        this_year = timezone.localdate().year
        rows = (
            persons.annotate(born=ExtractYear("birth_date"))
            .values("born")
            .annotate(n=Count("id"))
            .order_by()
        )
        bands: dict[int, int] = {}
        for row in rows:  # at most ~100 birth years, not one row per person
            band = (this_year - row["born"]) // 10 * 10
            bands[band] = bands.get(band, 0) + row["n"]
        return [(f"{band}–{band + 9}", n) for band, n in sorted(bands.items())]
    if by == "community":
        rows = (
            Residence.objects.filter(person__in=persons.values("pk"), until__isnull=True)
            .values("housing__address__community__name")
            .annotate(n=Count("person", distinct=True))
            .order_by("-n")
        )
        return [(row["housing__address__community__name"], row["n"]) for row in rows]
    field = Person._meta.get_field(by)
    labels = dict(field.choices) if field.choices else {}
    rows = persons.values(by).annotate(n=Count("id")).order_by("-n", by)
    return [(str(labels.get(row[by], row[by])), row["n"]) for row in rows]
