"""Reads for the review queue and the counts of the day, already restricted."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
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


def counts_per_post_and_day(*, user, start: date, end: date) -> list[dict]:
    """For the statistics: per post and day from `start` to `end` (inclusive), the
    applications submitted, certificates and permits issued, and enterprise workers
    registered. Counted in SQL, one grouped query per figure."""
    since = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    figures = {
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
    rows: dict[tuple, dict] = {}
    for name, queryset in figures.items():
        for row in queryset.values("post_id", "day").annotate(n=Count("id")).order_by():
            key = (row["post_id"], row["day"])
            rows.setdefault(key, {"post_id": key[0], "day": key[1]} | dict.fromkeys(figures, 0))
            rows[key][name] = row["n"]
    return sorted(rows.values(), key=lambda r: (r["day"], r["post_id"] or 0))
