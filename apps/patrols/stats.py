"""Patrol counts for the statistics: one aggregate query per figure, for
a time range and a unit (a station, a post or a village; none: everything).

The same definitions as the monthly assessment (apps.patrols.assessment): finished patrols
that started in the range; night patrols started at or after the bureau's `night_starts`
(default 20:00) or before 06:00, local time; villages covered are the distinct villages of
the unit that the range's finished patrols covered; findings raised were found in the
range, handled ones were handled in it; noise events opened in the range; noise complaints
are incidents received in the range that apps.noise.complaints calls complaints (a noise
category, not opened by a sensor; the statistics store reads the same rule).

Units: a station's patrols, findings, sensors and incidents carry it; a post's patrols are
those of the post, its findings and incidents those in its villages (community.post) or
assigned to it, its sensors those it is responsible for; a village's patrols are those
that planned or covered it.
"""

from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import ExtractHour, ExtractMinute
from django.utils import timezone

from apps.cases.models import Incident
from apps.noise.complaints import NOISE_COMPLAINT
from apps.noise.models import NoiseEvent
from apps.stations.models import Community

from .choices import FindingStatus, PatrolStatus
from .models import Finding, Patrol, PatrolSettings


def _night_starts(station, post, community) -> time:
    unit_station = station or (post.station if post else None)
    if unit_station is None and community is not None:
        unit_station = community.station
    if unit_station is not None:
        found = PatrolSettings.objects.filter(bureau_id=unit_station.bureau_id).first()
        if found:
            return found.night_starts
    return PatrolSettings._meta.get_field("night_starts").default


def patrol_counts(
    *, start: datetime, end: datetime, station=None, post=None, community=None
) -> dict:
    """Patrol hours, patrols, night patrols, villages covered, findings raised and handled,
    noise events and noise complaints of the unit from `start` (inclusive) to `end`."""
    patrols = Patrol.objects.filter(
        status=PatrolStatus.FINISHED,
        started_at__gte=start,
        started_at__lt=end,
        ended_at__isnull=False,
    )
    findings = Finding.objects.filter(trouble=True)  # a visit with nothing found is not one
    events = NoiseEvent.objects.filter(opened_at__gte=start, opened_at__lt=end)
    complaints = Incident.objects.filter(
        NOISE_COMPLAINT, received_at__gte=start, received_at__lt=end
    )
    if station is not None:
        patrols = patrols.filter(station=station)
        findings = findings.filter(station=station)
        events = events.filter(sensor__station=station)
        complaints = complaints.filter(station=station)
    if post is not None:
        patrols = patrols.filter(post=post)
        findings = findings.filter(community__post=post)
        events = events.filter(sensor__post=post)
        complaints = complaints.filter(Q(post=post) | Q(community__post=post))
    if community is not None:
        patrols = patrols.filter(
            Q(
                pk__in=Patrol.communities.through.objects.filter(community=community).values(
                    "patrol_id"
                )
            )
            | Q(
                pk__in=Patrol.covered.through.objects.filter(community=community).values(
                    "patrol_id"
                )
            )
        )
        findings = findings.filter(community=community)
        events = events.filter(sensor__community=community)
        complaints = complaints.filter(community=community)

    night = _night_starts(station, post, community)
    tz = timezone.get_current_timezone()
    minute = ExtractHour("started_at", tzinfo=tz) * 60 + ExtractMinute("started_at", tzinfo=tz)
    totals = patrols.annotate(minute_of_day=minute).aggregate(
        patrols=Count("pk"),
        duration=Sum(
            ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
        ),
        night_patrols=Count(
            "pk",
            filter=Q(minute_of_day__gte=night.hour * 60 + night.minute)
            | Q(minute_of_day__lt=6 * 60),
        ),
    )
    villages = Community.objects.all()
    if station is not None:
        villages = villages.filter(station=station)
    if post is not None:
        villages = villages.filter(post=post)
    if community is not None:
        villages = villages.filter(pk=community.pk)
    covered = villages.filter(covered_by_patrols__in=patrols.values("pk")).distinct().count()
    seconds = totals["duration"].total_seconds() if totals["duration"] else 0
    found = findings.aggregate(
        raised=Count("pk", filter=Q(found_at__gte=start, found_at__lt=end)),
        handled=Count(
            "pk",
            filter=Q(status=FindingStatus.HANDLED, handled_at__gte=start, handled_at__lt=end),
        ),
    )
    return {
        "patrol_hours": (Decimal(round(seconds)) / 3600).quantize(Decimal("0.01"), ROUND_HALF_UP),
        "patrols": totals["patrols"],
        "night_patrols": totals["night_patrols"],
        "villages_covered": covered,
        "findings_raised": found["raised"],
        "findings_handled": found["handled"],
        "noise_events": events.count(),
        "noise_complaints": complaints.count(),
    }
