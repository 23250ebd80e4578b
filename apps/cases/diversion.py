"""Diversion of incidents to mediation (警情分流): the link point between the two apps.

The mediation app registers its intake with `register`; closing an incident with the
mediation disposition calls it inside the same transaction, so the dispute exists exactly
when the incident says it was diverted. Without a registered intake (the mediation app not
installed) the disposition alone records the diversion.
"""

from collections.abc import Callable

_intake: Callable | None = None


def register(intake: Callable) -> Callable:
    """`intake(*, incident, by, note)` creates the dispute for a diverted incident."""
    global _intake
    _intake = intake
    return intake


def divert(*, incident, by, note: str = ""):
    return _intake(incident=incident, by=by, note=note) if _intake else None
