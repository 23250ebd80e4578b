"""One way to write a state machine.

Each app keeps its own table of allowed transitions (its rule, in its own workflow.py) and
builds a Workflow from it; services ask the Workflow before changing a status, and anything
the table does not list is refused with a Conflict (HTTP 409), never silently applied.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db.models import TextChoices

from .errors import Conflict

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Workflow:
    """`transitions` maps each status to the statuses it may become; `labels` is the
    statuses' TextChoices (their order and their names in the refusal). `refusal` is the
    message of a refused transition, with %(current)s and %(target)s; `refusals` may give a
    target (or a (current, target) pair) its own message, e.g. "Only a planned patrol can
    start." Messages are lazy translations, rendered in the user's language when raised."""

    def __init__(
        self,
        transitions: Mapping[str, set[str]],
        *,
        labels: type[TextChoices],
        refusal: "StrOrPromise",
        refusals: Mapping[str | tuple[str, str], object] | None = None,
    ) -> None:
        self.transitions = transitions
        self.labels = labels
        self.refusal = refusal
        self.refusals = dict(refusals or {})

    def can(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, ())

    def check(self, current: str, target: str) -> None:
        """Return if `current` may become `target`; otherwise raise a Conflict."""
        if self.can(current, target):
            return
        message = self.refusals.get((current, target)) or self.refusals.get(target) or self.refusal
        raise Conflict(
            str(message)
            % {"current": self.labels(current).label, "target": self.labels(target).label}
        )

    def allowed(self, current: str) -> list[str]:
        """The statuses `current` may become, in the order of the choices."""
        targets = self.transitions.get(current, ())
        return [status for status in self.labels.values if status in targets]

    def is_final(self, current: str) -> bool:
        return not self.transitions.get(current)
