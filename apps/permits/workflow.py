"""The allowed transitions of a permit application, in one place.

Services consult this table before changing a status; anything not listed is refused with a
Conflict (HTTP 409). An officer may decide straight from the queue (one-tap approve), or
first open a review, ask for a supplement, or record a home visit.
"""

from django.utils.translation import gettext_lazy as _

from apps.core.workflow import Workflow

from .choices import ApplicationKind, ApplicationStatus, Basis, DocumentKind

S = ApplicationStatus
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.UNDER_REVIEW, S.NEEDS_SUPPLEMENT, S.APPROVED, S.REJECTED},
    S.UNDER_REVIEW: {S.NEEDS_SUPPLEMENT, S.APPROVED, S.REJECTED},
    S.NEEDS_SUPPLEMENT: {S.RESUBMITTED},
    S.RESUBMITTED: {S.UNDER_REVIEW, S.NEEDS_SUPPLEMENT, S.APPROVED, S.REJECTED},
    S.APPROVED: set(),
    S.REJECTED: set(),
}
WORKFLOW = Workflow(
    TRANSITIONS,
    labels=S,
    refusal=_("An application that is “%(current)s” cannot become “%(target)s”."),
)
# Waiting for an officer: the review queue.
QUEUED = (S.SUBMITTED, S.UNDER_REVIEW, S.RESUBMITTED)
# The applicant may still change data and documents.
EDITABLE = (S.DRAFT, S.NEEDS_SUPPLEMENT)


def required_documents(*, kind: str, basis: str) -> list[str]:
    """What must be uploaded before submitting: the ID card always, proof of the residence
    for a registration; for a permit also the portrait (it becomes the permit's photo) and
    the proof of its basis."""
    required = [DocumentKind.ID_FRONT, DocumentKind.ID_BACK, DocumentKind.LEASE_OR_PROPERTY]
    if kind == ApplicationKind.PERMIT:
        required.append(DocumentKind.PORTRAIT)
        if basis in (Basis.EMPLOYMENT, Basis.STUDY):
            required.append(DocumentKind.EMPLOYMENT_OR_STUDY)
    return required
