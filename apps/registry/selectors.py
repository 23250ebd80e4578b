"""Reads across the registry, restricted to the user's scope."""

from django.utils.translation import gettext as _

from .models import FocusRecord, HotelStay, Residence, Unit


def person_related(*, person, user) -> list:
    """The association method (关联法): each kind of record linked to the person, as
    (title, rows, columns) for the detail page. A focus record needs its own permission."""
    related = [
        (
            _("Residences"),
            Residence.objects.restrict(user)
            .filter(person=person)
            .select_related("housing__address"),
            [
                ("housing", _("Housing")),
                ("relation", _("Relation")),
                ("since", _("Since")),
                ("until", _("Until")),
            ],
        ),
        (
            _("Owned housing"),
            person.owned_housing.restrict(user).select_related("address"),
            [("address", _("Address")), ("kind", _("Kind")), ("is_rented", _("Rented out"))],
        ),
        (
            _("Hotel stays"),
            HotelStay.objects.restrict(user).filter(person=person).select_related("hotel"),
            [
                ("hotel", _("Hotel")),
                ("room", _("Room")),
                ("checked_in_at", _("Checked in")),
                ("checked_out_at", _("Checked out")),
            ],
        ),
    ]
    if user.has_perm("registry.view_focusrecord"):
        related.append(
            (
                _("Focus-person record"),
                FocusRecord.objects.restrict(user)
                .filter(person=person)
                .select_related("responsible_officer"),
                [
                    ("level", _("Level")),
                    ("reason", _("Reason")),
                    ("responsible_officer", _("Responsible officer")),
                    ("review_on", _("Review date")),
                ],
            )
        )
    return related


def address_related(*, address, user) -> list:
    """Who lives at an address, who owns it, and which units are there."""
    return [
        (
            _("Residents"),
            Residence.objects.restrict(user)
            .filter(housing__address=address)
            .select_related("person"),
            [("person", _("Name")), ("relation", _("Relation")), ("since", _("Since"))],
        ),
        (
            _("Units"),
            Unit.objects.restrict(user).filter(address=address),
            [("name", _("Name")), ("kind", _("Kind")), ("staff_count", _("Staff"))],
        ),
    ]
