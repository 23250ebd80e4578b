"""Reads across the registry, restricted to the user's scope."""

from typing import TYPE_CHECKING

from django.db.models import Min, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from apps.core.idnumbers import normalise as normalise_id
from apps.core.services import personal_data_lookup

from .filters import PersonFilter
from .models import Address, Person, Residence, Unit, address_text

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from apps.accounts.models import User

# A block of a record's page: its title, its rows, and their columns (field, heading).
Related = tuple[
    "StrOrPromise", QuerySet[Residence] | QuerySet[Unit], list[tuple[str, "StrOrPromise"]]
]


def address_related(*, address: Address, user: "User") -> list[Related]:
    """Who lives at an address, who owns it, and which units are there."""
    return [
        (
            _("Residents"),
            Residence.objects.restrict(user)
            .filter(housing__address=address)
            .select_related("person"),
            [
                ("person", pgettext("person", "Name")),
                ("relation", _("Relation")),
                ("since", _("Since")),
            ],
        ),
        (
            _("Units"),
            Unit.objects.restrict(user).filter(address=address),
            [("name", _("Name")), ("kind", _("Kind")), ("staff_count", _("Staff"))],
        ),
    ]


def buildings(addresses: QuerySet[Address]) -> list[tuple[int, str]]:
    """The buildings among these addresses, each as (the id of one of its addresses, its
    address down to the building): 白彭路12号3栋 and 科园路5号3栋 are two buildings, not
    one "3"."""
    rows = (
        addresses.values("community__name", "road", "number", "building")
        .annotate(anchor=Min("pk"))
        .order_by("road", "number", "building")
    )
    return [
        (
            row["anchor"],
            address_text(row["community__name"], row["road"], row["number"], row["building"]),
        )
        for row in rows[:500]
    ]


def in_building(addresses: QuerySet[Address], anchor: str | int | None) -> QuerySet[Address]:
    """The addresses in the same building as the address `anchor` (an id, as picked)."""
    where = None
    if str(anchor).isdigit():
        where = addresses.filter(pk=str(anchor)).values("road", "number", "building").first()
    return addresses.filter(**where) if where else addresses.none()


# A number registered where the officer may not look: refused, without saying where.
NOT_HERE = gettext_lazy(
    "This ID number cannot be registered here. Check it against the ID card; if it is "
    "right, ask the sub-bureau's administrator."
)


def id_number_taken(
    *, number: str, user: "User", request: HttpRequest | None = None, link: bool = True
) -> str | None:
    """None when nobody is registered with this ID number; else what to tell the officer
    registering it. A person the officer may see is named (with a link on a page, since
    they were looked up by their whole number, the lookup is logged); anyone else is not,
    and nothing says where they are registered."""
    person = Person.objects.filter(id_number=normalise_id(number)).only("pk", "name").first()
    if person is None:
        return None
    if not Person.objects.restrict(user).filter(pk=person.pk).exists():
        return str(NOT_HERE)
    personal_data_lookup(by=user, objects=[person], field="id_number", request=request)
    if link:
        return format_html(
            _("Already registered: {person}. Open the record to update it."),
            person=format_html('<a href="{}">{}</a>', person.get_absolute_url(), person.name),
        )
    return _("Already registered: %(name)s (person %(id)d).") % {
        "name": person.name,
        "id": person.pk,
    }


CALLER_MATCHES = 8


def caller_matches(*, user: "User", text: str, request: HttpRequest) -> tuple[list[Person], bool]:
    """The persons a desk's caller lookup finds — the person list's own search (a whole ID
    or phone number, logged; a name by its characters, pinyin or initials) — the first few,
    and whether there are more."""
    text = text.strip()
    if len(text) < 2 and text.isascii():
        return [], False  # one letter or digit finds half the registry
    sieve = PersonFilter({"q": text[:50]}, queryset=Person.objects.restrict(user), request=request)
    found = list(sieve.qs.select_related("station")[: CALLER_MATCHES + 1])
    return found[:CALLER_MATCHES], len(found) > CALLER_MATCHES
