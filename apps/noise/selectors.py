"""Reads of the noise app: limits and settings as the state machine needs them, the rules
by which an event may become an incident, and the noise page's live levels and curves in a
fixed number of queries whatever the rows."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict
from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .choices import Period
from .models import (
    STANDARD_LIMITS,
    NoiseEvent,
    NoiseLimit,
    NoiseReading,
    NoiseSensor,
    NoiseSettings,
    NoiseStep,
)
from .steps import STEP_SECONDS, EpochSeconds

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from apps.accounts.models import User


class Repeats(TypedDict):
    repeats_in_week: int  # with_repeats


class Latest(TypedDict):
    latest_db: Decimal | None  # sensors_live
    latest_at: datetime | None


# GB 3096-2008 counts day and night in local time; Chongqing is on Beijing time.
LOCAL = ZoneInfo("Asia/Shanghai")
# The standard's hours (§3.6–3.7), where a bureau has not set its county's own.
DAY_STARTS, NIGHT_STARTS = time(6, 0), time(22, 0)
# "Repeats at the same place in a week": the events of a sensor counted back from each one.
REPEAT_WINDOW = timedelta(days=7)
# The grounds on which an event may become an incident (incident_grounds).
DURATION, REPEAT = "duration", "repeat"


def period_at(at: datetime, config: NoiseSettings | None = None) -> str:
    """The period of a moment by its own local (Beijing) time: day from the bureau's
    `day_starts` up to its `night_starts` (06:00–22:00 by default), night the rest (the
    night's first minute itself is night)."""
    clock = at.astimezone(LOCAL).time()
    day_starts = config.day_starts if config else DAY_STARTS
    night_starts = config.night_starts if config else NIGHT_STARTS
    return Period.DAY if day_starts <= clock < night_starts else Period.NIGHT


def limits() -> dict[str, NoiseLimit]:
    """Every zone class's limits: as edited by admins, else the standard's."""
    table = {
        zone_class: NoiseLimit(zone_class=zone_class, day_limit=day, night_limit=night)
        for zone_class, (day, night) in STANDARD_LIMITS.items()
    }
    table.update((limit.zone_class, limit) for limit in NoiseLimit.objects.all())
    return table


def noise_settings(bureau_id: int) -> NoiseSettings:
    """The bureau's settings, or the defaults when its admin has not saved any."""
    found = NoiseSettings.objects.filter(bureau_id=bureau_id).first()
    return found or NoiseSettings(bureau_id=bureau_id)


def sensors_live(*, user: "User") -> "list[WithAnnotations[NoiseSensor, Latest]]":
    """The user's sensors with their latest level, the limit now and whether it is over."""
    latest = NoiseReading.objects.filter(sensor=OuterRef("pk")).order_by("-at")
    sensors: list[WithAnnotations[NoiseSensor, Latest]] = list(
        NoiseSensor.objects.restrict(user)
        .filter(is_active=True)
        .select_related("station", "community")
        .annotate(latest_db=Subquery(latest.values("db_a")[:1]))
        .annotate(latest_at=Subquery(latest.values("at")[:1]))
    )
    table, now, configs = limits(), timezone.now(), BureauSettings()
    for sensor in sensors:
        limit = table.get(sensor.zone_class)
        period = period_at(now, configs[sensor.station.bureau_id])
        sensor.limit_now = limit.for_period(period) if limit else None
        sensor.is_over = (
            sensor.latest_db is not None
            and sensor.limit_now is not None
            and sensor.latest_db > sensor.limit_now
        )
    return sensors


def with_repeats(
    events: QuerySet[NoiseEvent],
) -> "QuerySet[WithAnnotations[NoiseEvent, Repeats]]":
    """The events, each annotated with `repeats_in_week`: how many events its sensor had
    in the REPEAT_WINDOW before it opened (0: the first there this week)."""
    earlier = (
        NoiseEvent.objects.filter(
            sensor=OuterRef("sensor"),
            opened_at__lt=OuterRef("opened_at"),
            opened_at__gte=OuterRef("opened_at") - REPEAT_WINDOW,
        )
        .order_by()
        .values("sensor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return events.annotate(repeats_in_week=Coalesce(Subquery(earlier), 0))


def repeats_in_week(event: NoiseEvent) -> int:
    """`repeats_in_week` of one event: its annotation, else one query."""
    annotated: int | None = getattr(event, "repeats_in_week", None)
    if annotated is not None:
        return annotated
    count: int = with_repeats(NoiseEvent.objects.filter(pk=event.pk)).values_list(
        "repeats_in_week", flat=True
    )[0]
    return count


def lasted(event: NoiseEvent) -> timedelta:
    """How long the event has been over the limit, on the sensor's clock: to its close, or
    while open to the sensor's newest reading (readings arrive in batches, and a silent
    sensor has not shown that the noise went on)."""
    end = event.closed_at or event.sensor.last_reading_at or event.opened_at
    return max(end - event.opened_at, timedelta(0))


def incident_grounds(event: NoiseEvent, config: NoiseSettings) -> list[str]:
    """Why the event may become an incident under its bureau's rules:
    DURATION when it has lasted `incident_after_minutes`, REPEAT when it is at least the
    `repeat_threshold`-th event at its sensor in 7 days. Empty: it may not (yet)."""
    grounds = []
    if lasted(event) >= timedelta(minutes=config.incident_after_minutes):
        grounds.append(DURATION)
    if config.repeat_threshold and repeats_in_week(event) + 1 >= config.repeat_threshold:
        grounds.append(REPEAT)
    return grounds


def converts_by_itself(grounds: list[str], config: NoiseSettings) -> bool:
    """Whether one of the grounds is a rule the bureau set to convert automatically."""
    return (DURATION in grounds and config.auto_incident_on_duration) or (
        REPEAT in grounds and config.auto_incident_on_repeat
    )


class BureauSettings(dict[int, NoiseSettings]):
    """noise_settings() per bureau id, each read once (a list of events of many bureaus)."""

    def __missing__(self, bureau_id: int) -> NoiseSettings:
        self[bureau_id] = noise_settings(bureau_id)
        return self[bureau_id]


def open_events(*, user: "User") -> "list[WithAnnotations[NoiseEvent, Repeats]]":
    """Open events with their repeats in the week, their bureau's settings (`rules`) and,
    as `grounds`, why each may become an incident: a place that repeats qualifies even when
    each event is short."""
    events = list(
        with_repeats(
            NoiseEvent.objects.restrict(user)
            .filter(closed_at__isnull=True)
            .select_related("sensor__station", "incident")
        ).order_by("-opened_at")
    )
    configs = BureauSettings()
    for event in events:
        event.rules = configs[event.sensor.station.bureau_id]
        event.grounds = incident_grounds(event, event.rules)
    return events


def past_week_events(*, user: "User", limit: int = 50) -> QuerySet[NoiseEvent]:
    """The week's closed events, newest first, with their repeats: where to look back at
    the evening's square dance, open its page and, if it qualifies, make it an incident."""
    return with_repeats(
        NoiseEvent.objects.restrict(user)
        .filter(closed_at__isnull=False, opened_at__gte=timezone.now() - REPEAT_WINDOW)
        .select_related("sensor", "incident")
    ).order_by("-opened_at")[:limit]


def day_curves(
    *, sensors: Sequence[NoiseSensor], day: date | None = None
) -> dict[int, dict[str, Any]]:
    """Per sensor (of those the caller may see: pass a scoped list), the loudest level of
    each step of the local day (one query for all sensors) with the limit of that step's
    first minute, and the hourly maxima for the table."""
    day = day or timezone.localtime(timezone.now(), LOCAL).date()
    start = datetime.combine(day, time.min, tzinfo=LOCAL)
    # The sensors come from a scoped query: filtering by their ids keeps the scope. The
    # steps are kept by the ingest (apps/noise/steps.py); their times as epoch seconds cost
    # nothing to decode.
    rows = (
        NoiseStep.objects.filter(
            sensor__in=[s.pk for s in sensors], at__gte=start, at__lt=start + timedelta(days=1)
        )
        .annotate(epoch=EpochSeconds("at"))
        .values_list("sensor_id", "epoch", "level")
    )
    first_step = int(start.timestamp()) // STEP_SECONDS
    loudest: dict[int, dict[int, float]] = defaultdict(dict)
    for sensor_id, epoch, db in rows:
        loudest[sensor_id][epoch // STEP_SECONDS - first_step] = float(db)
    table, configs = limits(), BureauSettings()
    periods: dict[tuple[int, int], str] = {}
    curves: dict[int, dict[str, Any]] = {}
    for sensor in sensors:
        steps = loudest.get(sensor.pk)
        if not steps:
            continue
        limit, config = table.get(sensor.zone_class), configs[sensor.station.bureau_id]
        curve = curves[sensor.pk] = {"labels": [], "values": [], "limits": [], "hours": {}}
        for step in sorted(steps):
            hour, minute = divmod(step * STEP_SECONDS // 60, 60)
            level, limit_then = steps[step], None
            if limit is not None:
                # A bureau's sensors share its day and night: each step's period once.
                key = (sensor.station.bureau_id, step)
                if key not in periods:
                    periods[key] = period_at(start.replace(hour=hour, minute=minute), config)
                limit_then = limit.for_period(periods[key])
            curve["labels"].append(f"{hour:02d}:{minute:02d}")
            curve["values"].append(level)
            curve["limits"].append(limit_then)
            hour_loudest = curve["hours"].get(hour, (0, None))[0]
            curve["hours"][hour] = (max(hour_loudest, level), limit_then)
        # For the table beside the chart: (hour, loudest level, limit, over it?).
        curve["hours"] = [
            (f"{hour:02d}:00", level, limit, limit is not None and level > limit)
            for hour, (level, limit) in curve["hours"].items()
        ]
    return curves
