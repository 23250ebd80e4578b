"""Every write of the noise app: sensors and their device keys, the
ingestion of reading batches with the event state machine, and events turned incidents.

The state machine, per sensor, over readings in time order. Each reading stands for its
level from its time until the next reading (at most MAX_HOLD); the rolling LAeq is the
energy mean of those levels over the bureau's window (10 minutes by default), weighted by
the time each stands for — GB 3096-2008 judges equivalent continuous levels, not samples.
Day and night are the bureau's hours (06:00–22:00 by default) at each reading's own local
time, so a buffered batch sent the next morning is judged by the night limit it fell in.
- no open event: when the rolling LAeq goes over the limit a run starts (from the reading
  that tipped it, if that reading was over the limit itself); when the run has lasted the
  bureau's open delay, an event opens from the run's start and the sensor's contacts are
  notified. The LAeq back at or below the limit ends the run. At night, a single reading
  more than 15 dB(A) over the limit (GB 3096-2008 §5.2, 噪声污染防治法) opens an event at
  once.
- open event: Lmax (`peak`) follows the loudest reading and `laeq` the highest rolling
  LAeq; the LAeq at or below the limit starts a quiet spell, over it ends the spell; when
  the spell has lasted the close delay the event closes where the last reading over the
  limit ended (the LAeq lags behind the noise by its window).
An event may become an incident when it has lasted the bureau's minutes or repeats at its
sensor within a week (selectors.incident_grounds); the bureau may have either rule convert
by itself, checked for every event a batch opens, closes or keeps open.
The run and the spell are kept on the sensor and the window is read back from the stored
readings, so batches may split them anywhere. A batch locks its sensor, so two batches of
one sensor are processed one after the other. Readings older than the newest already
processed (a buffer sent after live readings) do not move the live machine, whose past
decisions have been announced: their stretch is replayed by itself (_judge_late) and an
event it raises that overlaps none of the sensor's is recorded.
"""

import hashlib
import logging
import math
import secrets
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cases.choices import IncidentSource
from apps.cases.models import Incident, IncidentCategory
from apps.cases.services import incident_report
from apps.core.errors import Conflict, DomainError, OutOfScope
from apps.core.limits import CLOCK_SKEW
from apps.core.notifications import notify
from apps.core.rules import requires
from apps.core.scoping import CHANGE, is_in_scope
from apps.core.timefmt import when
from apps.live import events as live

from .choices import EventTrigger, Period
from .complaints import NOISE_CATEGORY_MARK
from .models import (
    MAX_DB,
    MIN_DB,
    NIGHT_LMAX_MARGIN,
    NoiseEvent,
    NoiseLimit,
    NoiseReading,
    NoiseSensor,
    NoiseSettings,
)
from .selectors import (
    LOCAL,
    converts_by_itself,
    incident_grounds,
    lasted,
    limits,
    noise_settings,
    repeats_in_week,
)
from .steps import store_steps

if TYPE_CHECKING:
    from apps.accounts.models import User

logger = logging.getLogger(__name__)
MAX_BATCH = 2000
# A sensor silent this long has not shown the level "staying" over the limit: a run
# started before the silence does not count towards opening an event.
MAX_GAP = timedelta(minutes=5)
# A reading stands for the level from its time until the next reading, at most this long
# (a sensor reports every few seconds; beyond this the level is unknown, not held).
MAX_HOLD = timedelta(seconds=60)
MAX_HOLD_SECONDS = MAX_HOLD.total_seconds()
MAX_GAP_SECONDS = MAX_GAP.total_seconds()
EVENT_NAMESPACE = uuid.UUID("6f1d3c52-8a77-4d3e-9f4e-2b0f5c1a9e10")


# --- sensors and device keys ----------------------------------------------------------------


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key(sensor: NoiseSensor) -> str:
    """A fresh key: returned once, only its hash kept, any previous key invalid from now."""
    key = secrets.token_urlsafe(32)
    sensor.key_hash = key_hash(key)
    sensor.key_revoked_at = None
    return key


def sensor_for_key(key: str) -> NoiseSensor | None:
    """The active sensor holding this key, if any (a revoked key matches nothing)."""
    if not key:
        return None
    return (
        NoiseSensor.objects.select_related("station")
        .filter(key_hash=key_hash(key), key_revoked_at__isnull=True, is_active=True)
        .first()
    )


def sensor_create(
    *, by: "User", contacts: Iterable["User"] = (), **fields: Any
) -> tuple[NoiseSensor, str]:
    """Register a sensor; returns it with its device key (shown once, then only hashed)."""
    sensor = NoiseSensor(**fields)
    key = _new_key(sensor)
    try:
        sensor.full_clean()
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="invalid") from exc
    with transaction.atomic():
        sensor.save()
        if not is_in_scope(sensor, by, CHANGE):
            raise OutOfScope(_("You can only save records of your own station."))
        sensor.contacts.set(contacts)
    return sensor, key


def sensor_rotate_key(*, sensor: NoiseSensor, by: "User") -> str:
    """Issue a new device key (the old one stops working at once); returns it, once."""
    with transaction.atomic():
        sensor = NoiseSensor.objects.lock_for(by, sensor.pk)
        key = _new_key(sensor)
        sensor.save(update_fields=["key_hash", "key_revoked_at", "updated_at"])
    return key


def sensor_revoke_key(*, sensor: NoiseSensor, by: "User") -> NoiseSensor:
    """Revoke the device key (a stolen or replaced device): its batches are refused."""
    with transaction.atomic():
        sensor = NoiseSensor.objects.lock_for(by, sensor.pk)
        if sensor.key_revoked_at is None:
            sensor.key_revoked_at = timezone.now()
            sensor.save(update_fields=["key_revoked_at", "updated_at"])
    return sensor


# --- readings and the event state machine ---------------------------------------------------


@dataclass
class IngestResult:
    received: int
    processed: int  # new readings that went through the state machine
    play_warning: bool
    text: str
    opened: list[NoiseEvent]
    closed: list[NoiseEvent]


def _clean_batch(readings: Sequence[Mapping[str, Any]]) -> dict[datetime, Decimal]:
    """The batch as {time: level}, or a DomainError naming the first bad reading (nothing
    of a bad batch is saved)."""
    if not readings:
        raise DomainError(_("The batch has no readings."), code="invalid")
    if len(readings) > MAX_BATCH:
        raise DomainError(_("At most %(n)d readings per batch.") % {"n": MAX_BATCH}, code="invalid")
    latest_allowed = timezone.now() + CLOCK_SKEW
    batch: dict[datetime, Decimal] = {}
    for i, reading in enumerate(readings):
        at, level = reading.get("at"), reading.get("db_a")
        if not isinstance(at, datetime) or timezone.is_naive(at):
            raise DomainError(
                _("Reading %(i)d: give the time with its time zone.") % {"i": i}, code="invalid"
            )
        if at > latest_allowed:
            raise DomainError(
                _("Reading %(i)d: the time is in the future.") % {"i": i}, code="invalid"
            )
        try:
            level = Decimal(str(level)).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            raise DomainError(
                _("Reading %(i)d: the level is not a number.") % {"i": i}, code="invalid"
            ) from None
        if not MIN_DB <= level <= MAX_DB:
            raise DomainError(
                _("Reading %(i)d: %(db)s dB(A) is outside %(min)s–%(max)s dB(A).")
                % {"i": i, "db": level, "min": MIN_DB, "max": MAX_DB},
                code="invalid",
            )
        batch.setdefault(at, level)  # a time repeated within the batch: the first wins
    return batch


# Beijing time has had no daylight saving since 1991: a fixed UTC+8 lets the machine tell
# day from night with arithmetic on epoch seconds (speed: every reading asks).
LOCAL_OFFSET = 8 * 3600
assert LOCAL.utcoffset(datetime(2026, 7, 1)) == timedelta(seconds=LOCAL_OFFSET)


def _epoch(at: datetime | None) -> float | None:
    return None if at is None else at.timestamp()


@overload
def _moment(t: float) -> datetime: ...
@overload
def _moment(t: None) -> None: ...
@overload
def _moment(t: float | None) -> datetime | None: ...
def _moment(t: float | None) -> datetime | None:
    return None if t is None else datetime.fromtimestamp(t, tz=UTC)


@overload
def _db(level: float) -> Decimal: ...
@overload
def _db(level: float | None) -> Decimal | None: ...
def _db(level: float | None) -> Decimal | None:
    return None if level is None else Decimal(f"{level:.1f}")


class _Periods:
    """Day or night and the limit of a moment (epoch seconds), by its own local time under
    the bureau's hours."""

    def __init__(self, config: NoiseSettings, limit_row: NoiseLimit) -> None:
        self.day_starts = config.day_starts.hour * 3600 + config.day_starts.minute * 60
        self.night_starts = config.night_starts.hour * 3600 + config.night_starts.minute * 60
        self.day = (Period.DAY, limit_row.day_limit)
        self.night = (Period.NIGHT, limit_row.night_limit)

    def limit_at(self, t: float) -> tuple[str, int]:
        clock = (t + LOCAL_OFFSET) % 86400
        return self.day if self.day_starts <= clock < self.night_starts else self.night


class _Window:
    """The rolling LAeq (GB 3096-2008 §3.3): the energy mean of the levels over the last
    `seconds`, each reading weighted by the time it stands for. Times are epoch seconds."""

    def __init__(self, seconds: float) -> None:
        self.span = seconds
        self.parts: deque[list[float]] = deque()  # [start, end, 10^(L/10)]
        self.energy = self.covered = 0.0
        self.full = False  # the readings reach back across the whole span

    def add(self, start: float, end: float, level: float) -> None:
        if end > start:
            power = 10 ** (level / 10)
            self.parts.append([start, end, power])
            self.energy += power * (end - start)
            self.covered += end - start

    def laeq(self, now: float) -> float | None:
        """LAeq over (now − span, now], of the time the readings cover; None if none."""
        cutoff, parts = now - self.span, self.parts
        self.full = bool(parts) and parts[0][0] <= cutoff
        while parts and parts[0][1] <= cutoff:
            start, end, power = parts.popleft()
            self.energy -= power * (end - start)
            self.covered -= end - start
        if parts and parts[0][0] < cutoff:
            first = parts[0]
            self.energy -= first[2] * (cutoff - first[0])
            self.covered -= cutoff - first[0]
            first[0] = cutoff
        if not parts or self.covered <= 0 or self.energy <= 0:
            self.parts.clear()
            self.energy = self.covered = 0.0
            self.full = False
            return None
        return 10 * math.log10(self.energy / self.covered)


@dataclass
class _Opening:
    """An event the machine decided to open (saved by `create` when live)."""

    opened_at: datetime
    peak: Decimal
    laeq: Decimal | None
    limit: int
    period: str
    trigger: str
    closed_at: datetime | None = None


# What a machine opens and follows: the saved event (live), or the opening itself (a late
# stretch replayed, saved afterwards if it overlaps nothing).
_Event = TypeVar("_Event", NoiseEvent, _Opening)


class _Machine(Generic[_Event]):
    """The event rules over a sensor's readings in time order (module docstring), on epoch
    seconds and float levels. Its state is the sensor's run fields (`load`/`store`), so that
    a batch carries on where the last one stopped; a late stretch is replayed with a fresh
    one."""

    def __init__(
        self,
        *,
        config: NoiseSettings,
        periods: _Periods,
        event: _Event | None,
        create: Callable[[_Opening], _Event],
    ) -> None:
        self.periods = periods
        self.event: _Event | None = event
        # Turns an _Opening into the event the machine then follows (saved, when live).
        self.create: Callable[[_Opening], _Event] = create
        self.window = _Window(config.laeq_window.total_seconds())
        self.open_delay = config.open_delay.total_seconds()
        self.close_delay = config.close_delay.total_seconds()
        # (epoch seconds, level, over its own limit)
        self.previous: tuple[float, float, bool] | None = None
        self.loud_since: float | None = None
        self.loud_peak: float | None = None
        self.last: float | None = None
        self.last_db: Decimal | None = None
        self.over_since: float | None = None
        self.run_peak: float | None = None
        self.under_since: float | None = None
        self.loud_until: float | None = None
        self.opened: list[_Event] = []
        self.closed: list[_Event] = []
        self.loud_now = False
        self.peak = float(event.peak) if event is not None else None
        self.partial = False
        self.changed = False  # the followed event's peak or LAeq moved

    def load(self, sensor: NoiseSensor) -> None:
        self.last, self.last_db = _epoch(sensor.last_reading_at), sensor.last_db_a
        self.over_since, self.under_since = _epoch(sensor.over_since), _epoch(sensor.under_since)
        self.loud_until = _epoch(sensor.loud_until)
        self.run_peak = None if sensor.run_peak is None else float(sensor.run_peak)

    def store(self, sensor: NoiseSensor) -> None:
        sensor.last_reading_at, sensor.last_db_a = _moment(self.last), self.last_db
        sensor.over_since, sensor.under_since = _moment(self.over_since), _moment(self.under_since)
        sensor.loud_until, sensor.run_peak = _moment(self.loud_until), _db(self.run_peak)

    def prime(self, t: float, level: float) -> None:
        """A reading already judged: it only fills the window."""
        self._hold_previous(t)
        self._remember(t, level, self.periods.limit_at(t)[1])

    def _remember(self, t: float, level: float, limit: int) -> None:
        over = level > limit
        self.previous = (t, level, over)
        # The stretch of consecutive readings over their limit, and its loudest.
        if not over:
            self.loud_since = self.loud_peak = None
        elif self.loud_since is None:
            self.loud_since, self.loud_peak = t, level
        elif level > self.loud_peak:  # type: ignore[operator]  # set with loud_since
            self.loud_peak = level
        self.loud_now = over

    def _hold_previous(self, t: float) -> None:
        if self.previous is not None:
            start, level, over = self.previous
            end = min(t, start + MAX_HOLD_SECONDS)
            self.window.add(start, end, level)
            if over:
                self.loud_until = end

    def step(self, t: float, db: Decimal) -> None:
        level_now = float(db)
        period, limit = self.periods.limit_at(t)
        self._hold_previous(t)
        laeq = self.window.laeq(t)
        laeq = None if laeq is None else round(laeq, 1)
        over = laeq is not None and laeq > limit
        if self.last is not None and t - self.last > MAX_GAP_SECONDS:
            self.over_since = self.run_peak = None
        if self.event is None:
            if period == Period.NIGHT and level_now > limit + NIGHT_LMAX_MARGIN:
                # A sudden noise at night: its maximum level alone raises the event, at once.
                self._open(t, level_now, laeq, limit, period, EventTrigger.LMAX)
            elif not over:
                self.over_since = self.run_peak = None
            else:
                if self.over_since is None:
                    # From the start of the loud stretch that tipped the LAeq over (when the
                    # reading before was over its own limit), else from this reading.
                    tipped = self.previous is not None and self.previous[2]
                    self.over_since = self.loud_since if tipped else t
                    self.run_peak = self.loud_peak if tipped else level_now
                # A run that has started has its start and its peak (the loud stretch that
                # tipped it has both): neither is None from here.
                if level_now > self.run_peak:  # type: ignore[operator]
                    self.run_peak = level_now
                if t - self.over_since >= self.open_delay:  # type: ignore[operator]
                    self._open(
                        self.over_since,  # type: ignore[arg-type]
                        self.run_peak,  # type: ignore[arg-type]
                        laeq,
                        limit,
                        period,
                        EventTrigger.LAEQ,
                    )
        else:
            self._follow(self.event, t, level_now, laeq, over)
        self.last, self.last_db = t, db
        self._remember(t, level_now, limit)

    def _follow(
        self, event: _Event, t: float, level: float, laeq: float | None, over: bool
    ) -> None:
        if level > self.peak:  # type: ignore[operator]  # set with the event it follows
            self.peak, event.peak, self.changed = level, _db(level), True
        # The highest LAeq of a window the readings reach back across (at the sensor's
        # start only a partial one, until a full window has been seen).
        full = self.window.full
        counts = laeq is not None and (full or event.laeq is None)
        if counts and (event.laeq is None or self.partial or laeq > event.laeq):  # type: ignore[operator]  # counts: not None
            rounded = _db(laeq)
            self.changed = self.changed or rounded != event.laeq
            event.laeq, self.partial = rounded, not full
        if over:
            self.under_since = None
            return
        if self.under_since is None:
            self.under_since = t
        if t - self.under_since >= self.close_delay:
            # Closed where the noise stopped: the LAeq lags behind it by up to its window.
            loud_until = min(self.loud_until or self.under_since, self.under_since)
            event.closed_at = max(_moment(loud_until), event.opened_at)
            self.closed.append(event)
            self.event = self.under_since = None

    def _open(
        self,
        since: float,
        peak: float,
        laeq: float | None,
        limit: int,
        period: str,
        trigger: str,
    ) -> None:
        opening = _Opening(_moment(since), _db(peak), _db(laeq), limit, period, trigger)
        self.event = self.create(opening)
        self.opened.append(self.event)
        self.peak, self.partial = peak, not self.window.full
        self.over_since = self.run_peak = self.under_since = None


def _save_event(sensor: NoiseSensor, opening: _Opening) -> NoiseEvent:
    return NoiseEvent.objects.create(
        sensor=sensor,
        opened_at=opening.opened_at,
        closed_at=opening.closed_at,
        peak=opening.peak,
        laeq=opening.laeq,
        limit=opening.limit,
        period=opening.period,
        trigger=opening.trigger,
    )


INSERT_READINGS = (
    "INSERT INTO noise_noisereading (sensor_id, at, db_a) "
    "SELECT %s, r.at, r.db_a FROM unnest(%s::timestamptz[], %s::numeric[]) AS r(at, db_a) "
    "ON CONFLICT (sensor_id, at) DO NOTHING"
)
WINDOW_READINGS = (
    "SELECT extract(epoch FROM at)::float8, db_a::float8 FROM noise_noisereading "
    "WHERE sensor_id = %s AND at >= %s AND at < %s ORDER BY at"
)


def _store(sensor: NoiseSensor, batch: dict[datetime, Decimal]) -> None:
    """The batch's readings (those already stored are left as they are): on PostgreSQL in
    one statement of two arrays, without a model instance per reading (speed)."""
    if connection.vendor != "postgresql":
        NoiseReading.objects.bulk_create(
            [NoiseReading(sensor=sensor, at=at, db_a=db) for at, db in batch.items()],
            ignore_conflicts=True,
        )
        return
    with connection.cursor() as cursor:
        # Readings are measurements, resent by no one once acknowledged, but a server crash
        # may lose at most the last fraction of a second of them: this transaction does not
        # wait for its WAL flush (PostgreSQL's synchronous_commit, for this one only), which
        # is what ingestion at 20,000 readings/s needs. Consistency is unaffected.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(INSERT_READINGS, [sensor.pk, list(batch), list(batch.values())])


def _prime(
    machine: "_Machine[Any]", sensor: NoiseSensor, first: datetime, config: NoiseSettings
) -> None:
    """The stored readings the window needs before `first`, in time order (on PostgreSQL
    as epoch seconds and floats, which cost nothing to decode)."""
    since = first - config.laeq_window - MAX_HOLD
    if connection.vendor != "postgresql":
        rows = NoiseReading.objects.filter(sensor=sensor, at__gte=since, at__lt=first)
        for at, level in rows.order_by("at").values_list("at", "db_a"):
            machine.prime(at.timestamp(), float(level))
        return
    with connection.cursor() as cursor:
        cursor.execute(WINDOW_READINGS, [sensor.pk, since, first])
        for t, level in cursor.fetchall():
            machine.prime(t, level)


def readings_ingest(*, sensor: NoiseSensor, readings: Sequence[Mapping[str, Any]]) -> IngestResult:
    """Store a batch of readings (re-sent ones are ignored) and advance the sensor's events;
    the result tells the sensor whether to play the warning."""
    batch = _clean_batch(readings)
    with transaction.atomic():
        sensor = (
            NoiseSensor.objects.select_for_update()
            .select_related("station")
            .get(pk=sensor.pk, is_active=True)
        )
        _store(sensor, batch)
        store_steps(sensor, batch)
        newest = sensor.last_reading_at
        new = sorted((at, db) for at, db in batch.items() if newest is None or at > newest)
        late = sorted(at for at in batch if newest is not None and at <= newest)
        config = noise_settings(sensor.station.bureau_id)
        periods = _Periods(config, limits()[sensor.zone_class])
        event = NoiseEvent.objects.filter(sensor=sensor, closed_at__isnull=True).first()
        machine = _Machine(
            config=config,
            periods=periods,
            event=event,
            create=lambda opening: _save_event(sensor, opening),
        )
        machine.load(sensor)
        if new:
            _prime(machine, sensor, new[0][0], config)
        for at, db in new:
            machine.step(at.timestamp(), db)
        machine.store(sensor)
        opened, closed, event = machine.opened, machine.closed, machine.event
        for done in closed:
            done.save(update_fields=["closed_at", "peak", "laeq"])
        if event is not None and machine.changed:
            event.save(update_fields=["peak", "laeq"])
        if late:
            opened += _judge_late(sensor, late, config, periods)
        sensor.save(
            update_fields=[
                "last_reading_at",
                "last_db_a",
                "over_since",
                "run_peak",
                "under_since",
                "loud_until",
            ]
        )
        for opened_event in opened:
            _notify_contacts(sensor, opened_event)
            live.publish(
                "noise",
                opened_event,
                toast="noise",
                place=sensor.name,
                url=reverse("noise:event_detail", args=[opened_event.pk]),
            )
        if new or opened or closed:
            live.publish("noise", sensor)  # the dashboard's levels
        if config.auto_incident_on_duration or config.auto_incident_on_repeat:
            touched = {e.pk: e for e in (*opened, *closed, event) if e is not None}
            for candidate in touched.values():
                _auto_incident(sensor, candidate, config)
    if new:
        loud_now = machine.loud_now
    else:
        loud_now = (
            sensor.last_db_a is not None
            and sensor.last_reading_at is not None  # stored with its level
            and sensor.last_db_a > periods.limit_at(sensor.last_reading_at.timestamp())[1]
        )
    warn = event is not None and loud_now
    return IngestResult(
        received=len(readings),
        processed=len(new),
        play_warning=warn,
        text=config.warning_text if warn else "",
        opened=opened,
        closed=closed,
    )


def _judge_late(
    sensor: NoiseSensor, late: list[datetime], config: NoiseSettings, periods: _Periods
) -> list[NoiseEvent]:
    """Readings older than the newest processed (a sensor's buffer sent after live ones):
    the stretch they fall in is replayed from the stored readings with a fresh state, by the
    readings' own times, and any event it raises that overlaps none of the sensor's events
    is recorded, closed where its noise stopped (or at the stretch's end)."""
    first, last = late[0], late[-1]
    machine: _Machine[_Opening] = _Machine(
        config=config, periods=periods, event=None, create=lambda opening: opening
    )
    _prime(machine, sensor, first, config)
    stretch = NoiseReading.objects.filter(sensor=sensor, at__gte=first, at__lte=last)
    for at, db in stretch.order_by("at").values_list("at", "db_a"):
        machine.step(at.timestamp(), db)
    after = NoiseReading.objects.filter(sensor=sensor, at__gt=last).order_by("at").first()
    if after is not None:  # how long the stretch's last reading stands for
        machine.prime(after.at.timestamp(), float(after.db_a))
    raised = []
    for opening in machine.opened:
        closed_at = opening.closed_at or _moment(machine.loud_until) or last
        closed_at = max(closed_at, opening.opened_at)
        overlaps = NoiseEvent.objects.filter(sensor=sensor, opened_at__lte=closed_at).filter(
            Q(closed_at__isnull=True) | Q(closed_at__gte=opening.opened_at)
        )
        if overlaps.exists():
            continue
        opening.closed_at = closed_at
        raised.append(_save_event(sensor, opening))
    return raised


def _notify_contacts(sensor: NoiseSensor, event: NoiseEvent) -> None:
    """The property manager and the community officer: in the message centre and through
    the external sender (SMS/push), queued on commit."""
    notify(
        recipients=sensor.contacts.all(),
        title=_("Noise over the limit at %(place)s") % {"place": sensor.name},
        body=_("Since %(time)s, peak %(peak)s dB(A) against a limit of %(limit)s dB(A).")
        % {"time": when(event.opened_at, "time"), "peak": event.peak, "limit": event.limit},
        url=reverse("noise:dashboard"),
        external=True,
    )


# --- events to incidents --------------------------------------------------------------------


def _auto_incident(sensor: NoiseSensor, event: NoiseEvent, config: NoiseSettings) -> None:
    """The bureau's option: an event that qualifies on a rule set to convert by itself
    becomes an incident, taken in the name of the sensor's first contact at its station who
    may take incidents. A refusal is logged, never allowed to lose the sensor's batch."""
    if event.incident_id or not converts_by_itself(incident_grounds(event, config), config):
        return
    contacts = sensor.contacts.filter(station_id=sensor.station_id, is_active=True).order_by("pk")
    taker = next((user for user in contacts if user.has_perm("cases.add_incident")), None)
    if taker is None:
        logger.warning(
            "noise event %s: no contact of sensor %s may take incidents", event.pk, sensor.pk
        )
        return
    try:
        with transaction.atomic():
            event.incident = noise_event_to_incident(event=event, by=taker)
    except DomainError as exc:
        logger.warning("noise event %s: automatic incident refused: %s", event.pk, exc.message)


def _check_qualifies(event: NoiseEvent, config: NoiseSettings) -> None:
    if incident_grounds(event, config):
        return
    minutes = int(lasted(event).total_seconds() // 60)
    if not config.repeat_threshold:
        raise Conflict(
            _(
                "This noise event cannot become an incident yet: it has lasted %(lasted)d of "
                "the %(minutes)d minutes it takes."
            )
            % {"lasted": minutes, "minutes": config.incident_after_minutes},
            code="not_qualified",
        )
    raise Conflict(
        _(
            "This noise event cannot become an incident yet: it has lasted %(lasted)d of the "
            "%(minutes)d minutes it takes, and it is the sensor's event no. %(nth)d within 7 "
            "days, where no. %(repeats)d would qualify."
        )
        % {
            "lasted": minutes,
            "minutes": config.incident_after_minutes,
            "nth": repeats_in_week(event) + 1,
            "repeats": config.repeat_threshold,
        },
        code="not_qualified",
    )


@requires("noise.change_noiseevent", "cases.add_incident")
def noise_event_to_incident(*, event: NoiseEvent, by: "User") -> Incident:
    """Open a sensor incident (警情) for the event, at the sensor's place, in the bureau's
    noise category when it has one; the event links to it. Only an event that qualifies
    (selectors.incident_grounds) may; converting twice is a conflict."""
    with transaction.atomic():
        event = NoiseEvent.objects.lock_for(by, event.pk)
        if event.incident_id:
            raise Conflict(_("This noise event is already an incident."))
        sensor = NoiseSensor.objects.select_related("station", "community").get(pk=event.sensor_id)
        event.sensor = sensor
        _check_qualifies(event, noise_settings(sensor.station.bureau_id))
        category = (
            IncidentCategory.objects.filter(
                bureau_id=sensor.station.bureau_id,
                parent__isnull=False,
                is_active=True,
                name__contains=NOISE_CATEGORY_MARK,
            )
            .order_by("code")
            .first()
        )
        place = sensor.name
        if sensor.community and sensor.community.name not in place:
            place = f"{sensor.community.name} {place}"
        incident, _created = incident_report(
            by=by,
            source=IncidentSource.SENSOR,
            station=sensor.station,
            category=category,
            place_text=place,
            latitude=sensor.latitude,
            longitude=sensor.longitude,
            community=sensor.community,
            description=_(
                "Noise sensor %(sensor)s: over the %(period)s limit of %(limit)s dB(A) since "
                "%(time)s, peak %(peak)s dB(A)."
            )
            % {
                "sensor": sensor.name,
                "period": event.get_period_display(),
                "limit": event.limit,
                "time": when(event.opened_at),
                "peak": event.peak,
            },
            client_id=uuid.uuid5(EVENT_NAMESPACE, str(event.pk)),
        )
        event.incident = incident
        event.save(update_fields=["incident"])
    return incident
