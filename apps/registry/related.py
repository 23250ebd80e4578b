"""Records linked to a person, for the association page (关联法).

Each provider takes the person and the viewing user and returns one section — (title,
rows already restricted to the user, columns) — or None when the user may not see that
kind of record. Later apps (incidents, cases, disputes, permits, patrol findings) add
theirs with `@person_records` in their AppConfig.ready(); the page shows them in order.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from .models import FocusRecord, HotelStay, Residence

Section = tuple[str, object, list]
_providers: list[Callable[..., Section | None]] = []


def person_records(provider):
    _providers.append(provider)
    return provider


def sections_for(*, person, user) -> list[Section]:
    return [s for provider in _providers if (s := provider(person=person, user=user)) is not None]


@person_records
def residences(*, person, user):
    rows = Residence.objects.restrict(user).filter(person=person).select_related("housing__address")
    return (
        _("Residences"),
        rows,
        [
            ("housing", _("Housing")),
            ("relation", _("Relation")),
            ("since", _("Since")),
            ("until", _("Until")),
        ],
    )


@person_records
def owned_housing(*, person, user):
    rows = person.owned_housing.restrict(user).select_related("address")
    return (
        _("Owned housing"),
        rows,
        [("address", _("Address")), ("kind", _("Kind")), ("is_rented", _("Rented out"))],
    )


@person_records
def hotel_stays(*, person, user):
    rows = HotelStay.objects.restrict(user).filter(person=person).select_related("hotel")
    return (
        _("Hotel stays"),
        rows,
        [
            ("hotel", _("Hotel")),
            ("room", _("Room")),
            ("checked_in_at", _("Checked in")),
            ("checked_out_at", _("Checked out")),
        ],
    )


@person_records
def focus_record(*, person, user):
    if not user.has_perm("registry.view_focusrecord"):
        return None
    rows = (
        FocusRecord.objects.restrict(user)
        .filter(person=person)
        .select_related("responsible_officer")
    )
    return (
        _("Focus-person record"),
        rows,
        [
            ("level", _("Level")),
            ("reason", _("Reason")),
            ("responsible_officer", _("Responsible officer")),
            ("review_on", _("Review date")),
        ],
    )
