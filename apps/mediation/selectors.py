"""Read-side queries of the mediation app, all through station scoping."""

from django.db.models import Count, Q
from django.utils import timezone

from .choices import DisputeStatus, Outcome
from .models import Dispute, FollowUp, Mediator
from .workflow import OPEN_STATUSES

RESOLVED = Q(disputes__outcome=Outcome.AGREEMENT)
# Concluded by mediation: an agreement or a failure. A withdrawal ends the dispute without
# a mediation result and counts in neither figure.
CONCLUDED = Q(disputes__outcome__in=[Outcome.AGREEMENT, Outcome.FAILED])


def with_stats(mediators):
    """Mediators with workload (open disputes), resolved, concluded and resolution_rate
    (resolved ÷ concluded, None before anything is concluded); counted in one query."""
    return mediators.annotate(
        workload=Count("disputes", filter=Q(disputes__status__in=OPEN_STATUSES)),
        resolved=Count("disputes", filter=RESOLVED),
        concluded=Count("disputes", filter=CONCLUDED),
    ).order_by(*Mediator._meta.ordering, "id")  # an aggregate drops Meta.ordering


def resolution_rate(resolved: int, concluded: int) -> float | None:
    return resolved / concluded if concluded else None


def mediator_stats(user) -> list[Mediator]:
    rows = list(with_stats(Mediator.objects.restrict(user)).select_related("station"))
    for mediator in rows:
        mediator.resolution_rate = resolution_rate(mediator.resolved, mediator.concluded)
    return rows


def overdue_assessments(user):
    """Disputes still waiting for assessment after their deadline, the most late first."""
    return (
        Dispute.objects.restrict(user)
        .filter(status=DisputeStatus.RECEIVED, assess_by__lt=timezone.now())
        .select_related("community")
        .order_by("assess_by")
    )


def follow_ups_for(user, *, mine: bool = True):
    """Follow-up visits still to do: the officer's own, or all the station's."""
    rows = FollowUp.objects.restrict(user).filter(done_at=None).select_related("dispute", "officer")
    return rows.filter(officer=user) if mine else rows


def dispute_counts(user, *, since=None, until=None) -> dict:
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
        concluded=Count("id", filter=Q(outcome__in=[Outcome.AGREEMENT, Outcome.FAILED])),
    )
    totals["resolution_rate"] = resolution_rate(totals["resolved"], totals["concluded"])
    for field in ("source", "category", "mediator__name"):
        # Unassigned disputes count under the empty name.
        totals[f"by_{field.split('__')[0]}"] = {
            row[field] or "": row["n"]
            for row in rows.values(field).annotate(n=Count("id")).order_by(field)
        }
    return totals
