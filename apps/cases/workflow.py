"""The allowed transitions of incidents and cases, in one place.

Services ask INCIDENT_WORKFLOW and CASE_WORKFLOWS[case.kind] (apps.core.workflow) before
changing a status; anything not listed is refused with a Conflict (HTTP 409), never
silently applied.
"""

from django.utils.translation import gettext_lazy as _

from apps.core.workflow import Workflow

from .choices import CaseKind, CaseOutcome, CaseStatus, IncidentStatus

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
Out = CaseOutcome
# Each kind of case has its own table. A criminal case is filed (立案) or not, investigated,
# solved (破案) and closed; a refusal to file may be overturned on reconsideration (复议),
# which files it (services.case_reconsideration_decide). A public-security case (治安案件)
# is accepted, investigated and closed with a decision: it never passes 立案/破案.
CASE_TRANSITIONS: dict[str, dict[str, set[str]]] = {
    CaseKind.CRIMINAL: {
        C.ACCEPTED: {C.FILED, C.NOT_FILED},
        C.FILED: {C.INVESTIGATING},
        C.INVESTIGATING: {C.SOLVED, C.CLOSED},
        C.SOLVED: {C.CLOSED},
        C.NOT_FILED: {C.CLOSED},
        C.CLOSED: set(),
    },
    CaseKind.PUBLIC_SECURITY: {
        C.ACCEPTED: {C.INVESTIGATING},
        C.INVESTIGATING: {C.CLOSED},
        C.CLOSED: set(),
    },
}
# Which outcomes close a case of each kind from which status.
CLOSING_OUTCOMES: dict[str, dict[str, set[str]]] = {
    CaseKind.CRIMINAL: {
        C.SOLVED: {Out.PROSECUTION, Out.REVOKED, Out.TRANSFERRED},
        C.INVESTIGATING: {Out.REVOKED, Out.TRANSFERRED},
        C.NOT_FILED: {Out.NOT_FILED},
    },
    CaseKind.PUBLIC_SECURITY: {
        # 治安管理处罚法: a penalty decision, no penalty, a performed 治安调解 agreement, or
        # the case goes to another authority (or ends: 终止调查, recorded as revoked).
        C.INVESTIGATING: {Out.PENALTY, Out.NO_PENALTY, Out.MEDIATED, Out.TRANSFERRED, Out.REVOKED},
    },
}


INCIDENT_WORKFLOW = Workflow(
    INCIDENT_TRANSITIONS,
    labels=S,
    refusal=_("An incident that is “%(current)s” cannot become “%(target)s”."),
)
CASE_WORKFLOWS: dict[str, Workflow] = {
    kind: Workflow(
        table, labels=C, refusal=_("A case that is “%(current)s” cannot become “%(target)s”.")
    )
    for kind, table in CASE_TRANSITIONS.items()
}


def closing_outcomes(kind: str, current: str) -> set[str]:
    return CLOSING_OUTCOMES[kind].get(current, set())
