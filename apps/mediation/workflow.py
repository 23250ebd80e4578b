"""The allowed transitions of disputes, in one place.

Services consult this table before changing a status; anything not listed is refused with a
Conflict (HTTP 409). An agreement is closed only after its follow-up visit; a follow-up that
finds the agreement not carried out may send the dispute back into mediation.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from apps.core.workflow import Workflow

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
DISPUTE_WORKFLOW = Workflow(
    DISPUTE_TRANSITIONS,
    labels=S,
    refusal=gettext_lazy("A dispute that is “%(current)s” cannot become “%(target)s”."),
)
# Statuses in which a mediator may still be (re)assigned.
ASSIGNABLE = (S.ASSESSED, S.ASSIGNED)
OPEN_STATUSES = (S.RECEIVED, S.ASSESSED, S.ASSIGNED, S.IN_MEDIATION)
# Statuses in which the next session can be planned.
SCHEDULABLE = (S.ASSIGNED, S.IN_MEDIATION)
# What a dispute waits for in each status, as its page and the mediator's home say it.
NEXT_STEP: dict[str, Promise] = {
    S.RECEIVED: gettext_lazy("Assess the risk"),
    S.ASSESSED: gettext_lazy("Assign a mediator"),
    S.ASSIGNED: gettext_lazy("Invite the parties and hold the first session"),
    S.IN_MEDIATION: gettext_lazy("Record the agreement or the failure, or plan another session"),
    S.AGREEMENT: gettext_lazy("The community officer's follow-up visit"),
    S.FAILED: gettext_lazy("Close: the parties are referred"),
    S.WITHDRAWN: gettext_lazy("Close the dispute"),
    S.FOLLOWED_UP: gettext_lazy("Close, or reopen if the agreement was not carried out"),
}
# The statuses in which the next step is the mediator's own.
MEDIATOR_STEPS = (S.ASSIGNED, S.IN_MEDIATION, S.FAILED, S.WITHDRAWN, S.FOLLOWED_UP)
