"""Domain errors raised by services, carrying a user-facing message and a machine code."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DomainError(Exception):
    """A rule forbids the change; the message is shown to the user as it is."""

    code = "rule_violation"
    status = 400

    def __init__(self, message: "StrOrPromise", *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class OutOfScope(DomainError):
    """The record is not (or would no longer be) within the user's station scope."""

    code = "not_found"
    status = 404


class Conflict(DomainError):
    """The record changed under the user, or the transition is not allowed from its state."""

    code = "conflict"
    status = 409


class NotAllowed(DomainError):
    """The user's role does not allow this change (e.g. an approval reserved to leaders)."""

    code = "permission_denied"
    status = 403
