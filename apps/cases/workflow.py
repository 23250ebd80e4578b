"""The allowed transitions of incidents and cases, in one place (design.md habit 5).

Services consult these tables before changing a status; anything not listed is refused
with a Conflict (HTTP 409), never silently applied.
"""

from django.utils.translation import gettext as _

from apps.core.errors import Conflict

from .choices import CaseOutcome, CaseStatus, IncidentStatus

S = IncidentStatus
INCIDENT_TRANSITIONS: dict[str, set[str]] = {
    # Closing straight from intake: an invalid call, a referral, advice given on the phone.
    S.RECEIVED: {S.ASSIGNED, S.DISPATCHED, S.CLOSED},
    S.ASSIGNED: {S.DISPATCHED, S.CLOSED},
    S.DISPATCHED: {S.EN_ROUTE, S.ARRIVED},
    S.EN_ROUTE: {S.ARRIVED},
    S.ARRIVED: {S.HANDLED},
    S.HANDLED: {S.CLOSED},
    S.CLOSED: set(),
}
# The statuses an officer in the field reports from the tablet.
FIELD_STATUSES = (S.EN_ROUTE, S.ARRIVED, S.HANDLED)

C = CaseStatus
CASE_TRANSITIONS: dict[str, set[str]] = {
    C.ACCEPTED: {C.FILED, C.NOT_FILED},
    C.FILED: {C.INVESTIGATING},
    C.INVESTIGATING: {C.SOLVED, C.CLOSED},
    C.SOLVED: {C.CLOSED},
    C.NOT_FILED: {C.CLOSED},
    C.CLOSED: set(),
}
# Which outcomes close a case from which status.
CLOSING_OUTCOMES: dict[str, set[str]] = {
    C.SOLVED: {
        CaseOutcome.PROSECUTION,
        CaseOutcome.PENALTY,
        CaseOutcome.NO_PENALTY,
        CaseOutcome.MEDIATED,
        CaseOutcome.TRANSFERRED,
    },
    C.INVESTIGATING: {CaseOutcome.REVOKED, CaseOutcome.TRANSFERRED, CaseOutcome.MEDIATED},
    C.NOT_FILED: {CaseOutcome.NOT_FILED},
}


def check_incident_transition(current: str, target: str) -> None:
    if target not in INCIDENT_TRANSITIONS[current]:
        raise Conflict(
            _("An incident that is “%(current)s” cannot become “%(target)s”.")
            % {"current": S(current).label, "target": S(target).label}
        )


def check_case_transition(current: str, target: str) -> None:
    if target not in CASE_TRANSITIONS[current]:
        raise Conflict(
            _("A case that is “%(current)s” cannot become “%(target)s”.")
            % {"current": C(current).label, "target": C(target).label}
        )


def case_next_statuses(current: str) -> list[str]:
    return [status for status in C.values if status in CASE_TRANSITIONS[current]]
