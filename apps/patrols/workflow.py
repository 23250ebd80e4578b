"""The allowed transitions of a patrol, in one place.

A planned patrol starts (under way) or is called off; one under way finishes or is broken
off. A finished or cancelled patrol is a record and no longer changes. Services ask
WORKFLOW (apps.core.workflow) before changing a status.
"""

from django.utils.translation import gettext_lazy as _

from apps.core.workflow import Workflow

from .choices import PatrolStatus

S = PatrolStatus
TRANSITIONS: dict[str, set[str]] = {
    S.PLANNED: {S.ACTIVE, S.CANCELLED},
    S.ACTIVE: {S.FINISHED, S.CANCELLED},
    S.FINISHED: set(),
    S.CANCELLED: set(),
}
WORKFLOW = Workflow(
    TRANSITIONS,
    labels=S,
    refusal=_("A patrol that is “%(current)s” cannot become “%(target)s”."),
    refusals={
        S.ACTIVE: _("Only a planned patrol can start."),
        (S.FINISHED, S.FINISHED): _("This patrol is already finished."),
        S.FINISHED: _("Only a patrol under way can finish."),
        S.CANCELLED: _("Only a planned patrol or one under way can be cancelled."),
    },
)
