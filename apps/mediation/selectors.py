"""Read-side queries of the mediation app, all through station scoping."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import User

from .choices import CONCLUDING_OUTCOMES, ConfirmationStatus, DisputeStatus, Outcome, SessionMode
from .models import (
    CONFIRMATION_WINDOW,
    Agreement,
    Dispute,
    FollowUp,
    LawyerSlot,
    Mediator,
    confirmation_deadline,
)
from .workflow import MEDIATOR_STEPS, NEXT_STEP, OPEN_STATUSES

RESOLVED = Q(disputes__outcome=Outcome.AGREEMENT)
CONCLUDED = Q(disputes__outcome__in=CONCLUDING_OUTCOMES)


def with_stats(mediators: QuerySet[Mediator]) -> QuerySet[Mediator]:
    """Mediators with workload (open disputes), resolved, concluded and resolution_rate
    (resolved ÷ concluded, None before anything is concluded); counted in one query."""
    return mediators.annotate(
        workload=Count("disputes", filter=Q(disputes__status__in=OPEN_STATUSES)),
        resolved=Count("disputes", filter=RESOLVED),
        concluded=Count("disputes", filter=CONCLUDED),
    ).order_by(*(Mediator._meta.ordering or ()), "id")  # an aggregate drops Meta.ordering


def resolution_rate(resolved: int, concluded: int) -> float | None:
    return resolved / concluded if concluded else None


def mediator_stats(user: User) -> list[Mediator]:
    rows = list(with_stats(Mediator.objects.restrict(user)).select_related("station"))
    for mediator in rows:
        # with_stats' annotations, which its QuerySet[Mediator] does not name.
        counts = mediator.resolved, mediator.concluded  # type: ignore[attr-defined]
        mediator.resolution_rate = resolution_rate(*counts)
    return rows


def overdue_assessments(user: User) -> QuerySet[Dispute]:
    """Disputes still waiting for assessment after their deadline, the most late first."""
    return (
        Dispute.objects.restrict(user)
        .filter(status=DisputeStatus.RECEIVED, assess_by__lt=timezone.now())
        .select_related("community")
        .order_by("assess_by")
    )


def follow_ups_for(user: User, *, mine: bool = True) -> QuerySet[FollowUp]:
    """Follow-up visits still to do: the officer's own, or all the station's."""
    rows = FollowUp.objects.restrict(user).filter(done_at=None).select_related("dispute", "officer")
    return rows.filter(officer=user) if mine else rows


def dispute_counts(
    user: User, *, since: date | None = None, until: date | None = None
) -> dict[str, Any]:
    """Figures for statistics: received, resolved, concluded, rate, and by source, category
    and mediator."""
    rows = Dispute.objects.restrict(user)
    if since:
        rows = rows.filter(received_at__date__gte=since)
    if until:
        rows = rows.filter(received_at__date__lt=until)
    totals = rows.aggregate(
        received=Count("id"),
        resolved=Count("id", filter=Q(outcome=Outcome.AGREEMENT)),
        concluded=Count("id", filter=Q(outcome__in=CONCLUDING_OUTCOMES)),
    )
    totals["resolution_rate"] = resolution_rate(totals["resolved"], totals["concluded"])
    for field in ("source", "category", "mediator__name"):
        # Unassigned disputes count under the empty name.
        totals[f"by_{field.split('__')[0]}"] = {
            row[field] or "": row["n"]
            for row in rows.values(field).annotate(n=Count("id")).order_by(field)
        }
    return totals


# How far ahead the mediator's home looks for sessions and follow-up visits, and how close
# a confirmation deadline must be to be marked as closing.
WORK_DAYS_AHEAD = 7
CLOSING_DAYS = 7


@dataclass
class PlannedSession:
    at: datetime
    dispute: Dispute | None
    where: str


@dataclass
class MediatorWork:
    """A mediator's own work for their home page."""

    disputes: list[Dispute]  # each with .next_step
    sessions: list[PlannedSession]
    follow_ups: list[FollowUp]
    windows: list[Agreement]  # each with .deadline, .days_left and .closing


def mediator_work(user: User) -> MediatorWork:
    """The disputes assigned to the user as mediator whose next step is theirs, the sessions
    planned in the coming week (and, for a lawyer, the booked slots), the follow-up visits
    due within the week or overdue, and the agreements whose judicial-confirmation window
    is still open, soonest deadline first. A handful of queries whatever the numbers."""
    now = timezone.now()
    today = timezone.localdate(now)
    horizon = now + timedelta(days=WORK_DAYS_AHEAD)
    mine = Dispute.objects.restrict(user).filter(mediator__user=user)
    disputes = list(
        mine.filter(status__in=MEDIATOR_STEPS)
        .select_related("community")
        .order_by(F("next_session_at").asc(nulls_last=True), "assigned_at", "id")[:100]
    )
    for dispute in disputes:
        dispute.next_step = NEXT_STEP[dispute.status]
    start_of_today = timezone.make_aware(datetime.combine(today, time.min))
    sessions = [
        PlannedSession(
            at=d.next_session_at,
            dispute=d,
            where=d.next_session_place
            if d.next_session_mode == SessionMode.IN_PERSON
            else str(SessionMode.ONLINE.label),
        )
        for d in mine.filter(next_session_at__gte=start_of_today, next_session_at__lt=horizon)
        if d.next_session_at is not None
    ]
    sessions += [
        PlannedSession(at=slot.starts_at, dispute=slot.dispute, where=slot.place)
        for slot in LawyerSlot.objects.restrict(user)
        .filter(mediator__user=user, booked_at__isnull=False)
        .filter(starts_at__gte=start_of_today, starts_at__lt=horizon)
        .select_related("dispute")
    ]
    sessions.sort(key=lambda session: session.at)
    follow_ups = list(
        FollowUp.objects.restrict(user)
        .filter(dispute__mediator__user=user, done_at=None)
        .filter(due_on__lte=today + timedelta(days=WORK_DAYS_AHEAD))
        .select_related("dispute", "officer")
    )
    windows = []
    for agreement in (
        Agreement.objects.restrict(user)
        .filter(dispute__mediator__user=user, in_force=True)
        .filter(confirmation=ConfirmationStatus.NONE)
        # No window opened before this is still open (the deadline itself is asked below).
        # Only an agreement in effect opens the window (人民调解法 art. 33).
        .filter(effective_at__gte=now - CONFIRMATION_WINDOW - timedelta(days=1))
        .select_related("dispute")
    ):
        if agreement.effective_at is None:
            continue
        agreement.deadline = confirmation_deadline(agreement.effective_at)
        agreement.days_left = (agreement.deadline - today).days
        agreement.closing = agreement.days_left <= CLOSING_DAYS
        if agreement.days_left >= 0:
            windows.append(agreement)
    windows.sort(key=lambda agreement: agreement.deadline)
    return MediatorWork(
        disputes=disputes, sessions=sessions, follow_ups=follow_ups, windows=windows
    )


def is_mediator(user: User) -> bool:
    """Whether the user mediates (a mediator's account, or an officer listed as one)."""
    return Mediator.objects.filter(user=user, is_active=True).exists()
