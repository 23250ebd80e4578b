"""Diversion of incidents to mediation (警情分流): the link point between the two apps.

The mediation app registers its intake with `register`; closing an incident with the
mediation disposition calls it inside the same transaction, so the dispute exists exactly
when the incident says it was diverted. Without a registered intake (the mediation app not
installed) the disposition alone records the diversion.
"""

from collections.abc import Callable

_intake: Callable | None = None


def register(intake: Callable) -> Callable:
    """`intake(*, incident, by, note, caller_consents)` creates the dispute for a diverted
    incident; the caller's consent to mediation, asked at diversion, is recorded with it."""
    global _intake
    _intake = intake
    return intake


def divert(*, incident, by, note: str = "", caller_consents: bool = False):
    if _intake is None:
        return None
    return _intake(incident=incident, by=by, note=note, caller_consents=caller_consents)
