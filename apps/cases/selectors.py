"""Reads that cross relations, already restricted: dispatch suggestions, caller history,
the command board, an officer's jobs, overdue cases and the roster week."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from apps.accounts.choices import UserKind
from apps.accounts.models import User
from apps.core.geo import haversine_km, haversine_km_sql
from apps.stations.choices import AreaKind
from apps.stations.models import Bureau, Post, Station

from .choices import CaseStatus, IncidentStatus
from .models import Case, DispatchSettings, DutyShift, Incident, IncidentCategory, IncomingCall


def dispatch_settings(bureau_id: int) -> DispatchSettings:
    """The bureau's settings, or the defaults when its admin has not saved any."""
    found = DispatchSettings.objects.filter(bureau_id=bureau_id).first()
    return found or DispatchSettings(bureau_id=bureau_id)


def station_dispatch_settings(station: Station) -> DispatchSettings:
    """dispatch_settings() of the station's bureau, without a query when they were loaded
    with the station (select_related("station__bureau__dispatch_settings")), as the
    suggestion endpoint the desk polls while typing does."""
    if Station._meta.get_field("bureau").is_cached(station):
        bureau = station.bureau
        if Bureau._meta.get_field("dispatch_settings").is_cached(bureau):
            return getattr(bureau, "dispatch_settings", None) or DispatchSettings(
                bureau_id=bureau.pk
            )
    return dispatch_settings(station.bureau_id)


def travel_minutes(distance_km: float, area: str, settings: DispatchSettings) -> float:
    speed = settings.rural_speed_kmh if area == AreaKind.RURAL else settings.urban_speed_kmh
    return distance_km * float(settings.road_factor) / speed * 60


def job_takers(settings: DispatchSettings) -> QuerySet[User]:
    """The users who may hold a post's job (domain.md): 民警 with a login, and 辅警 where
    the bureau allows it. Joint-force members (网格员, 楼栋长, guards) have no login and go
    along, but never hold the job. The one place of this rule: the suggestion, the offer to
    the post and the take all ask it."""
    kinds = [UserKind.OFFICER]
    if settings.auxiliaries_take_jobs:
        kinds.append(UserKind.AUXILIARY)
    takers: QuerySet[User] = User.objects.filter(is_active=True, kind__in=kinds)
    return takers


def _on_shift(at: datetime) -> QuerySet[DutyShift]:
    return DutyShift.objects.filter(starts_at__lte=at, ends_at__gt=at)


def post_takers(*, post: Post, at: datetime | None = None) -> QuerySet[User]:
    """Who may take a job sent to `post`: its officers, and whoever the roster puts on duty
    there now (a colleague covering the post's weekend)."""
    settings = station_dispatch_settings(post.station)
    rostered = _on_shift(at or timezone.now()).filter(post=post).values("staff__user_id")
    return job_takers(settings).filter(
        Q(post=post) | Q(pk__in=rostered), station_id=post.station_id
    )


@dataclass
class Suggestion:
    post: Post
    distance_km: float
    travel_minutes: float
    minutes_saved: float  # against sending a car from the station HQ; negative if HQ is nearer
    on_duty: list[DutyShift] = field(
        default_factory=list
    )  # shifts now of people who can take the job
    joint_forces: list[DutyShift] = field(default_factory=list)  # shifts now of those who go along
    other_station: bool = False  # a neighbouring station's post (cross-station dispatch)


@dataclass
class Ranking:
    suggestions: list[Suggestion]
    hq_distance_km: float
    hq_minutes: float


def rank_posts(
    *,
    station: Station,
    latitude: float | Decimal,
    longitude: float | Decimal,
    user: User,
    limit: int = 5,
    at: datetime | None = None,
) -> Ranking:
    """The active posts nearest to a point with the travel estimate, the minutes saved
    against the station HQ and who is on duty there: first the posts where someone who can
    take the job is on duty, then the others, each group by straight-line distance (ties by
    id). Joint-force members on duty are listed apart; they never make a post "manned".

    The candidates are the station's posts that the user may see, or every post of the
    bureau when the bureau's settings allow cross-station dispatch. The database orders
    them and returns the first `limit` with their shifts: two queries, whatever the number
    of posts.
    """
    settings = station_dispatch_settings(station)
    if settings.cross_station_dispatch:
        candidates = Post.objects.filter(station__bureau_id=station.bureau_id)
    else:
        candidates = Post.objects.restrict(user).filter(station=station)
    at = at or timezone.now()
    takers = job_takers(settings)
    nearest = (
        candidates.filter(is_active=True)
        .annotate(
            distance=haversine_km_sql(latitude, longitude, Post._meta.db_table),
            manned=Exists(
                _on_shift(at).filter(post=OuterRef("pk"), staff__user__in=takers.values("pk"))
            ),
        )
        .order_by(F("manned").desc(), "distance", "pk")
        .select_related("station")
        .prefetch_related(
            Prefetch(
                "duty_shifts",
                queryset=_on_shift(at)
                .annotate(can_take=Exists(takers.filter(pk=OuterRef("staff__user_id"))))
                .select_related("staff")
                .order_by("role", "staff__name"),
                to_attr="on_duty_now",
            )
        )[:limit]
    )
    hq_distance = haversine_km(
        float(latitude), float(longitude), float(station.latitude), float(station.longitude)
    )
    hq_minutes = travel_minutes(hq_distance, station.area, settings)
    suggestions = []
    for post in nearest:
        # The same formula in Python, so the figures shown do not depend on the database's
        # floating point.
        distance = haversine_km(
            float(latitude), float(longitude), float(post.latitude), float(post.longitude)
        )
        minutes = travel_minutes(distance, post.area, settings)
        suggestions.append(
            Suggestion(
                post=post,
                distance_km=round(distance, 2),
                travel_minutes=round(minutes, 1),
                minutes_saved=round(hq_minutes - minutes, 1),
                on_duty=[shift for shift in post.on_duty_now if shift.can_take],
                joint_forces=[shift for shift in post.on_duty_now if not shift.can_take],
                other_station=post.station_id != station.pk,
            )
        )
    return Ranking(suggestions, round(hq_distance, 2), round(hq_minutes, 1))


def caller_calls(
    *, station: Station, phone: str, person_id: int | None = None, at: datetime | None = None
) -> tuple[int, bool]:
    """How often this number (or registry person) called the station within the bureau's
    repeat-caller window, and whether that makes a repeat caller. Counts past calls only."""
    settings = dispatch_settings(station.bureau_id)
    at = at or timezone.now()
    since = at - timedelta(days=settings.repeat_caller_days)
    match = Q()
    if phone:
        match |= Q(caller_phone=phone)
    if person_id:
        match |= Q(caller_person_id=person_id)
    if not match:
        return 0, False
    calls = Incident.objects.filter(
        match, station=station, received_at__gte=since, received_at__lte=at
    ).count()
    return calls, calls + 1 >= settings.repeat_caller_calls


# Calls closed as invalid or nuisance (Disposition.INVALID) within the repeat-caller window
# from which the desk is warned of a nuisance caller.
NUISANCE_CALLS = 2
RINGING_FOR = timedelta(minutes=2)  # a call the desk's page has not opened, still news


@dataclass
class CallerHistory:
    calls: int  # within the bureau's repeat-caller window
    repeat: bool
    nuisance: int  # of those, closed as invalid or nuisance calls
    window: int  # days
    recent: list[Incident]
    persons: list[Any]
    disputes: list[Any]

    @property
    def is_nuisance(self) -> bool:
        return self.nuisance >= NUISANCE_CALLS


def caller_history(*, user: User, station: Station, phone: str) -> CallerHistory:
    """What the desk should know the moment a number calls: its earlier calls to the
    station, the registry's persons and the open disputes whose party has that number, and
    whether it is a repeat or a nuisance caller. Each list is what the user may see."""
    from apps.mediation.models import Dispute
    from apps.mediation.workflow import OPEN_STATUSES
    from apps.registry.models import Person

    from .choices import Disposition

    settings = dispatch_settings(station.bureau_id)
    calls, repeat = caller_calls(station=station, phone=phone)
    since = timezone.now() - timedelta(days=settings.repeat_caller_days)
    from_number = Incident.objects.restrict(user).filter(station=station, caller_phone=phone)
    return CallerHistory(
        calls=calls,
        repeat=repeat,
        nuisance=from_number.filter(
            received_at__gte=since, disposition=Disposition.INVALID
        ).count(),
        window=settings.repeat_caller_days,
        recent=list(from_number.select_related("category").order_by("-received_at")[:5]),
        persons=list(Person.objects.restrict(user).filter(phone=phone).order_by("name")[:5]),
        disputes=list(
            Dispute.objects.restrict(user)
            .filter(parties__phone=phone, status__in=OPEN_STATUSES)
            .distinct()
            .order_by("-id")[:5]
        ),
    )


def ringing_call(user: User) -> IncomingCall | None:
    """The newest call ringing at the user's desk that their page has not opened yet."""
    return (
        IncomingCall.objects.restrict(user)
        .filter(desk=user, opened_at=None, rang_at__gte=timezone.now() - RINGING_FOR)
        .order_by("-rang_at")
        .first()
    )


def repeat_callers(
    *, user: User, station: Station, days: int, calls: int
) -> QuerySet[Incident, dict[str, Any]]:
    """Numbers that called `calls` times or more within `days`, most frequent first."""
    since = timezone.now() - timedelta(days=days)
    return (
        Incident.objects.restrict(user)
        .filter(station=station, received_at__gte=since)
        .exclude(caller_phone="")
        .values("caller_phone")
        .annotate(
            calls=Count("id"),
            last_call=Max("received_at"),
            last_id=Max("id"),
            invalid=Count("id", filter=Q(disposition="invalid")),
        )
        .filter(calls__gte=calls)
        .order_by("-calls", "-last_call")
    )


BOARD_COLUMNS = (
    IncidentStatus.RECEIVED,
    IncidentStatus.ASSIGNED,
    IncidentStatus.DISPATCHED,
    IncidentStatus.EN_ROUTE,
    IncidentStatus.ARRIVED,
    IncidentStatus.HANDLED,
)


def board(*, user: User, limit_per_column: int = 30) -> dict[str, list[Incident]]:
    """Open incidents for the command room, by status column, urgent and oldest first.
    Bounded: one query, at most `limit_per_column` cards a column."""
    rows = (
        Incident.objects.restrict(user)
        .filter(status__in=BOARD_COLUMNS)
        .select_related("category", "post", "community")
        .order_by("priority", "received_at")[: limit_per_column * len(BOARD_COLUMNS)]
    )
    columns: dict[str, list[Incident]] = {status: [] for status in BOARD_COLUMNS}
    for incident in rows:
        if len(columns[incident.status]) < limit_per_column:
            columns[incident.status].append(incident)
    return columns


def my_jobs(*, user: User) -> QuerySet[Incident]:
    """The tablet's 我的出警任务: the jobs sent to a post this officer may take for (its
    officers, and whoever is on duty there now), waiting to be taken, and then the jobs
    the officer holds and has not finished. Jobs to take come first."""
    # A user of no bureau (the superuser) is offered jobs by the default settings.
    settings = dispatch_settings(user.bureau_id) if user.bureau_id else DispatchSettings()
    offered = Q(pk__in=[])
    if job_takers(settings).filter(pk=user.pk).exists():
        posts = Q(post_id__in=_on_shift(timezone.now()).filter(staff__user=user).values("post_id"))
        if user.post_id:
            posts |= Q(post_id=user.post_id)
        offered = Q(status=IncidentStatus.ASSIGNED) & posts
    held = Q(
        pk__in=Incident.officers.through.objects.filter(user_id=user.pk).values("incident_id"),
        status__in=[IncidentStatus.DISPATCHED, IncidentStatus.EN_ROUTE, IncidentStatus.ARRIVED],
    )
    return (
        Incident.objects.restrict(user)
        .filter(offered | held)
        .select_related("category", "post", "community")
        .annotate(
            waiting=models.Case(models.When(status=IncidentStatus.ASSIGNED, then=0), default=1)
        )
        .order_by("waiting", "priority", "received_at")
    )


def overdue_cases(*, user: User, within: timedelta = timedelta(0)) -> QuerySet[Case]:
    """Open cases whose deadline has passed (or passes within `within`), soonest first."""
    return (
        Case.objects.restrict(user)
        .exclude(status=CaseStatus.CLOSED)
        .filter(deadline__lt=timezone.now() + within, paused_since__isnull=True)
        .select_related("lead_officer", "station")
        .order_by("deadline")
    )


# What awaits the sub-bureau on a case: a proposed extension or a reconsideration (复议) to
# decide.
AWAITING_DECISION = Q(extensions__approved__isnull=True, extensions__isnull=False) | Q(
    reconsiderations__overturned__isnull=True, reconsiderations__isnull=False
)


def awaiting_decision(*, user: User) -> QuerySet[Case]:
    """The cases in the user's scope with a decision waiting for the sub-bureau, oldest
    deadline first: the legal unit's home."""
    pks = Case.objects.restrict(user).filter(AWAITING_DECISION).values("pk")
    return Case.objects.filter(pk__in=pks).select_related("station").order_by("deadline", "pk")


def roster_week(*, user: User, station: Station, monday: date) -> QuerySet[DutyShift]:
    """The shifts of one week at a station, with the staff and posts they need."""
    start = timezone.make_aware(datetime.combine(monday, datetime.min.time()))
    return (
        DutyShift.objects.restrict(user)
        .filter(station=station, starts_at__lt=start + timedelta(days=7), ends_at__gt=start)
        .select_related("staff", "post")
        .order_by("starts_at", "staff__name")
    )


def categories_for(*, user: User, bureau_id: int) -> QuerySet[IncidentCategory]:
    """Minor categories in use, with their major category, for intake pickers."""
    return (
        IncidentCategory.objects.restrict(user)
        .filter(bureau_id=bureau_id, parent__isnull=False, is_active=True)
        .select_related("parent")
        .order_by("code")
    )
