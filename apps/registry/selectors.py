"""Reads across the registry, restricted to the user's scope."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import Residence, Unit


def address_related(*, address, user) -> list:
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
