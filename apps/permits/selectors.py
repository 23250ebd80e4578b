"""Reads for the review queue, the counts of the day and the citizen's portal (timeline,
what may be done next), already restricted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from .choices import ApplicationKind, ApplicationStatus, EventKind
from .deadlines import issue_due_on, overdue_condition
from .models import (
    ApplicationDocument,
    ApplicationEvent,
    PermitApplication,
    ResidenceCertificate,
    ResidencePermit,
)
from .services import permit_eligible_from
from .workflow import QUEUED

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from apps.accounts.models import User

S = ApplicationStatus


def review_queue(
    *, user: User, status: str = "", overdue: bool = False
) -> QuerySet[PermitApplication]:
    """The applications waiting at the user's post (or station, for staff without a post),
    longest waiting first; each with `has_unopened`: a document this officer has not opened
    yet (then the queue offers the documents, not the one-tap approval)."""
    unopened = ApplicationDocument.objects.filter(application=OuterRef("pk")).exclude(
        openings__officer=user
    )
    rows: QuerySet[PermitApplication] = (
        PermitApplication.objects.restrict(user)
        .select_related("community", "post")
        .annotate(has_unopened=Exists(unopened))
    )
    if user.post_id:
        rows = rows.filter(post_id=user.post_id)
    rows = rows.filter(status=status) if status in S.values else rows.filter(status__in=QUEUED)
    if overdue:
        rows = rows.filter(overdue_condition())
    return rows.order_by("queued_at", "id")


def today_counts(*, user: User) -> dict[str, int]:
    """What the user's post (or station) did today: waiting, decided, issued."""
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    applications = PermitApplication.objects.restrict(user)
    if user.post_id:
        applications = applications.filter(post_id=user.post_id)
    counts: dict[str, int] = applications.aggregate(
        waiting=Count("id", filter=Q(status__in=QUEUED)),
        overdue=Count("id", filter=overdue_condition()),
        approved=Count("id", filter=Q(status=S.APPROVED, decided_at__gte=start)),
        rejected=Count("id", filter=Q(status=S.REJECTED, decided_at__gte=start)),
        submitted=Count("id", filter=Q(submitted_at__gte=start)),
    )
    issued = {"post_id": user.post_id} if user.post_id else {}
    counts["certificates"] = (
        ResidenceCertificate.objects.restrict(user).filter(issued_at__gte=start, **issued).count()
    )
    counts["permits"] = (
        ResidencePermit.objects.restrict(user).filter(issued_at__gte=start, **issued).count()
    )
    return counts


def counts_per_post_and_day(*, user: User, start: date, end: date) -> list[dict[str, Any]]:
    """For the statistics: per post and day from `start` to `end` (inclusive), the
    applications submitted, certificates and permits issued, and enterprise workers
    registered. Counted in SQL, one grouped query per figure."""
    since = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    figures: dict[str, QuerySet[Any]] = {
        "applications": PermitApplication.objects.restrict(user)
        .filter(submitted_at__gte=since, submitted_at__lt=until)
        .annotate(day=TruncDate("submitted_at")),
        "certificates": ResidenceCertificate.objects.restrict(user)
        .filter(issued_at__gte=since, issued_at__lt=until)
        .annotate(day=TruncDate("issued_at")),
        "permits": ResidencePermit.objects.restrict(user)
        .filter(issued_at__gte=since, issued_at__lt=until)
        .annotate(day=TruncDate("issued_at")),
        "enterprise_workers": ResidenceCertificate.objects.restrict(user)
        .filter(issued_at__gte=since, issued_at__lt=until, application__enterprise__isnull=False)
        .annotate(day=TruncDate("issued_at")),
    }
    rows: dict[tuple[int | None, date], dict[str, Any]] = {}
    for name, queryset in figures.items():
        for row in queryset.values("post_id", "day").annotate(n=Count("id")).order_by():
            key = (row["post_id"], row["day"])
            rows.setdefault(key, {"post_id": key[0], "day": key[1]} | dict.fromkeys(figures, 0))
            rows[key][name] = row["n"]
    return sorted(rows.values(), key=lambda r: (r["day"], r["post_id"] or 0))


# --- the citizen's portal --------------------------------------------------------------------

DECIDED = (S.APPROVED, S.REJECTED)


STEP_LABELS = {
    "submitted": pgettext_lazy("timeline", "Application"),
    "review": pgettext_lazy("timeline", "Review by the officer"),
    "visit": pgettext_lazy("timeline", "Home visit"),
    "decided": pgettext_lazy("timeline", "Decision"),
}


@dataclass(frozen=True)
class Step:
    """One step of the timeline. state: done, current (the applicant's or the officer's
    move now), waiting (later), skipped (not needed) or refused."""

    key: str
    state: str
    at: datetime | None = None
    note: str = ""

    @property
    def label(self) -> str:
        return str(STEP_LABELS[self.key])


def application_timeline(*, application: PermitApplication, user: User) -> dict[str, Any]:
    """The four steps the applicant follows (submitted, under review, home visit, decided)
    with their times, and the legal deadline (deadlines.issue_due_on)."""
    events = ApplicationEvent.objects.restrict(user).filter(application=application)
    first: dict[str, datetime] = {}
    last: dict[str, datetime] = {}
    for kind, at in events.values_list("kind", "at"):
        first.setdefault(kind, at)
        last[kind] = at
    status = application.status
    decided = status in DECIDED
    due = issue_due_on(application)

    if status == S.DRAFT:
        submitted = Step("submitted", "current", note=_("Upload the documents, then submit."))
    else:
        submitted = Step("submitted", "done", first.get(EventKind.SUBMITTED))

    review_at = min(
        (first[k] for k in (EventKind.UNDER_REVIEW, EventKind.NEEDS_SUPPLEMENT) if k in first),
        default=None,
    )
    if status == S.NEEDS_SUPPLEMENT:
        review = Step(
            "review",
            "current",
            review_at,
            _("The officer asks you to add something: see the message above."),
        )
    elif decided:
        review = Step("review", "done", review_at)
    elif status == S.DRAFT:
        review = Step("review", "waiting")
    elif review_at is None or status == S.RESUBMITTED:
        review = Step(
            "review", "current", review_at, _("Waiting for the community officer to check it.")
        )
    else:
        review = Step("review", "current", review_at, _("The community officer is checking it."))

    visited_at = last.get(EventKind.VISITED)
    if visited_at is not None:
        visit = Step("visit", "done", visited_at)
    elif decided:
        visit = Step("visit", "skipped", note=_("No visit was needed."))
    else:
        visit = Step(
            "visit", "waiting", note=_("If needed, the community officer calls and visits you.")
        )

    if status == S.APPROVED:
        decision = Step("decided", "done", application.decided_at, _("Approved."))
    elif status == S.REJECTED:
        decision = Step("decided", "refused", application.decided_at, _("Not approved."))
    else:
        decision = Step("decided", "waiting")

    decided_on = timezone.localdate(application.decided_at) if application.decided_at else None
    return {
        "steps": [submitted, review, visit, decision],
        "due": due,
        # Decided after the last day, or still open after it.
        "overdue": due is not None and (decided_on or timezone.localdate()) > due,
    }


@dataclass(frozen=True)
class CertificateRow:
    """A certificate on the portal's home, with what it allows towards the permit:
    apply (possible now), wait (until eligible_from), open (a permit application is on its
    way) or holder (a permit is held already: endorse it instead)."""

    certificate: ResidenceCertificate
    permit: str
    eligible_from: date


def portal_overview(*, user: User) -> dict[str, Any]:
    """The citizen's own applications, certificates and permits, and only the next steps
    that are possible: a new registration unless one is open, the permit from a
    certificate six months old unless a permit is held or applied for."""
    applications = list(
        PermitApplication.objects.restrict(user).filter(applicant=user).select_related("community")
    )
    certificates = list(ResidenceCertificate.objects.restrict(user).filter(holder=user))
    permits = list(ResidencePermit.objects.restrict(user).filter(holder=user))
    open_kinds = {a.kind for a in applications if a.status not in DECIDED}
    holds_permit = any(p.revoked_at is None for p in permits)
    now = timezone.now()
    rows = []
    for certificate in certificates:
        eligible_from = permit_eligible_from(certificate)
        if holds_permit:
            offer = "holder"
        elif ApplicationKind.PERMIT in open_kinds:
            offer = "open"
        elif now < eligible_from:
            offer = "wait"
        else:
            offer = "apply"
        rows.append(CertificateRow(certificate, offer, timezone.localdate(eligible_from)))
    return {
        "applications": applications,
        "certificate_rows": rows,
        "permits": permits,
        "can_register": ApplicationKind.REGISTRATION not in open_kinds,
    }
