"""Reads for the review queue and the counts of the day, already restricted."""

from datetime import datetime, time

from django.db.models import Count, Q
from django.utils import timezone

from .choices import ApplicationStatus
from .models import PermitApplication, ResidenceCertificate, ResidencePermit
from .workflow import QUEUED

S = ApplicationStatus


def review_queue(*, user, status: str = ""):
    """The applications waiting at the user's post (or station, for staff without a post),
    longest waiting first."""
    rows = PermitApplication.objects.restrict(user).select_related("community", "post")
    if user.post_id:
        rows = rows.filter(post_id=user.post_id)
    rows = rows.filter(status=status) if status in S.values else rows.filter(status__in=QUEUED)
    return rows.order_by("queued_at", "id")


def today_counts(*, user) -> dict:
    """What the user's post (or station) did today: waiting, decided, issued."""
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    applications = PermitApplication.objects.restrict(user)
    if user.post_id:
        applications = applications.filter(post_id=user.post_id)
    counts = applications.aggregate(
        waiting=Count("id", filter=Q(status__in=QUEUED)),
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
