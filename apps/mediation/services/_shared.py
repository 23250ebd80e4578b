"""What every mediation service shares: the dispute's event log and its guarded status move
(the transition table of apps.mediation.workflow, checked inside the caller's transaction)."""

from apps.accounts.models import User

from ..choices import DisputeStatus
from ..models import Dispute, DisputeEvent
from ..workflow import DISPUTE_WORKFLOW, SCHEDULABLE

# The role rules of the steps (apps.core.rules.requires): every step on a dispute needs the
# change permission; assessment and assignment are the intake staff's, not the mediators'.
CHANGE_DISPUTE = "mediation.change_dispute"
INTAKE = "mediation.add_dispute"
NEXT_SESSION_FIELDS = ["next_session_at", "next_session_mode", "next_session_place"]
S = DisputeStatus


def _event(dispute: Dispute, *, by: User, text: str, status: str = "") -> DisputeEvent:
    return DisputeEvent.objects.create(dispute=dispute, by=by, status=status, text=text[:500])


def _move(dispute: Dispute, target: str, *, by: User, text: str = "") -> None:
    DISPUTE_WORKFLOW.check(dispute.status, target)
    dispute.status = target
    if target not in SCHEDULABLE:
        # Settled, failed or withdrawn: no session is still to come.
        _clear_next_session(dispute)
    dispute.save()
    _event(dispute, by=by, status=target, text=text or str(S(target).label))


def _clear_next_session(dispute: Dispute) -> None:
    dispute.next_session_at = None
    dispute.next_session_mode = dispute.next_session_place = ""
