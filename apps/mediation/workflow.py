"""The allowed transitions of disputes, in one place (design.md habit 5).

Services consult this table before changing a status; anything not listed is refused with a
Conflict (HTTP 409). An agreement is closed only after its follow-up visit; a follow-up that
finds the agreement not carried out may send the dispute back into mediation.
"""

from django.utils.translation import gettext as _

from apps.core.errors import Conflict

from .choices import DisputeStatus

S = DisputeStatus
DISPUTE_TRANSITIONS: dict[str, set[str]] = {
    S.RECEIVED: {S.ASSESSED, S.WITHDRAWN},
    S.ASSESSED: {S.ASSIGNED, S.WITHDRAWN},
    S.ASSIGNED: {S.IN_MEDIATION, S.WITHDRAWN},
    S.IN_MEDIATION: {S.AGREEMENT, S.FAILED, S.WITHDRAWN},
    S.AGREEMENT: {S.FOLLOWED_UP},
    S.FAILED: {S.CLOSED},
    S.WITHDRAWN: {S.CLOSED},
    S.FOLLOWED_UP: {S.CLOSED, S.IN_MEDIATION},
    S.CLOSED: set(),
}
# Statuses in which a mediator may still be (re)assigned.
ASSIGNABLE = (S.ASSESSED, S.ASSIGNED)
OPEN_STATUSES = (S.RECEIVED, S.ASSESSED, S.ASSIGNED, S.IN_MEDIATION)


def check_dispute_transition(current: str, target: str) -> None:
    if target not in DISPUTE_TRANSITIONS[current]:
        raise Conflict(
            _("A dispute that is “%(current)s” cannot become “%(target)s”.")
            % {"current": S(current).label, "target": S(target).label}
        )


def next_statuses(current: str) -> list[str]:
    return [status for status in S.values if status in DISPUTE_TRANSITIONS[current]]
