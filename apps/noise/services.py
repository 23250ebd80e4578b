"""Every write of the noise app (design.md habit 1): sensors and their device keys, the
ingestion of reading batches with the event state machine, and events turned incidents.

The state machine, per sensor, over readings in time order:
- no open event: a reading over the limit of its own period (day 06–22, night 22–06, local
  time) starts a run; when the run has lasted the bureau's open delay, an event opens
  (from the run's first reading) and the sensor's contacts are notified. A reading at or
  below the limit ends the run.
- open event: the peak follows the loudest reading; a reading at or below the limit starts
  a quiet spell, a reading over it ends the spell; when the spell has lasted the close
  delay the event closes at the spell's start (hysteresis: a short dip does not close it,
  a short burst does not open one).
An event may become an incident when it has lasted the bureau's minutes or repeats at its
sensor within a week (selectors.incident_grounds); the bureau may have either rule convert
by itself, checked for every event a batch opens, closes or keeps open.
The run and the spell are kept on the sensor, so batches may split them anywhere. A batch
locks its sensor, so two batches of one sensor are processed one after the other.
Readings older than the newest already processed (a late, out-of-order batch) are stored
for the curve but do not drive the machine: its past decisions have been announced.
"""

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cases.choices import IncidentSource
from apps.cases.models import IncidentCategory
from apps.cases.services import incident_report
from apps.core.errors import Conflict, DomainError, OutOfScope
from apps.core.limits import CLOCK_SKEW
from apps.core.notifications import notify
from apps.core.scoping import CHANGE, is_in_scope
from apps.core.timefmt import when

from .complaints import NOISE_CATEGORY_MARK
from .models import MAX_DB, MIN_DB, NoiseEvent, NoiseReading, NoiseSensor
from .selectors import (
    converts_by_itself,
    incident_grounds,
    lasted,
    limits,
    noise_settings,
    period_at,
    repeats_in_week,
)

logger = logging.getLogger(__name__)
MAX_BATCH = 2000
# A sensor silent this long has not shown the level "staying" over the limit: a run
# started before the silence does not count towards opening an event.
MAX_GAP = timedelta(minutes=5)
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


def sensor_create(*, by, contacts=(), **fields) -> tuple[NoiseSensor, str]:
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


def _locked_sensor(sensor: NoiseSensor, by) -> NoiseSensor:
    found = (
        NoiseSensor.objects.restrict(by, CHANGE).select_for_update().filter(pk=sensor.pk).first()
    )
    if found is None:
        raise OutOfScope(_("Not found."))
    return found


def sensor_rotate_key(*, sensor: NoiseSensor, by) -> str:
    """Issue a new device key (the old one stops working at once); returns it, once."""
    with transaction.atomic():
        sensor = _locked_sensor(sensor, by)
        key = _new_key(sensor)
        sensor.save(update_fields=["key_hash", "key_revoked_at", "updated_at"])
    return key


def sensor_revoke_key(*, sensor: NoiseSensor, by) -> NoiseSensor:
    """Revoke the device key (a stolen or replaced device): its batches are refused."""
    with transaction.atomic():
        sensor = _locked_sensor(sensor, by)
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


def _clean_batch(readings) -> dict[datetime, Decimal]:
    """The batch as {time: level}, or a DomainError naming the first bad reading (nothing
    of a bad batch is saved)."""
    if not readings:
        raise DomainError(_("The batch has no readings."), code="invalid")
    if len(readings) > MAX_BATCH:
        raise DomainError(_("At most %(n)d readings per batch.") % {"n": MAX_BATCH}, code="invalid")
    latest_allowed = timezone.now() + CLOCK_SKEW
    batch = {}
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


def readings_ingest(*, sensor: NoiseSensor, readings) -> IngestResult:
    """Store a batch of readings (re-sent ones are ignored) and advance the sensor's events;
    the result tells the sensor whether to play the warning."""
    batch = _clean_batch(readings)
    with transaction.atomic():
        sensor = (
            NoiseSensor.objects.select_for_update()
            .select_related("station")
            .get(pk=sensor.pk, is_active=True)
        )
        NoiseReading.objects.bulk_create(
            [NoiseReading(sensor=sensor, at=at, db_a=db) for at, db in batch.items()],
            ignore_conflicts=True,
            batch_size=1000,
        )
        new = sorted(
            (at, db)
            for at, db in batch.items()
            if sensor.last_reading_at is None or at > sensor.last_reading_at
        )
        config = noise_settings(sensor.station.bureau_id)
        limit_row = limits()[sensor.zone_class]
        event = NoiseEvent.objects.filter(sensor=sensor, closed_at__isnull=True).first()
        if event is not None:
            event.sensor = sensor  # the locked row, whose clock advances below
        opened, closed = [], []
        for at, db in new:
            period = period_at(at)
            limit = limit_row.for_period(period)
            over = db > limit
            if sensor.last_reading_at and at - sensor.last_reading_at > MAX_GAP:
                sensor.over_since = sensor.run_peak = None
            if event is None:
                if not over:
                    sensor.over_since = sensor.run_peak = None
                else:
                    if sensor.over_since is None:
                        sensor.over_since, sensor.run_peak = at, db
                    sensor.run_peak = max(sensor.run_peak, db)
                    if at - sensor.over_since >= config.open_delay:
                        event = NoiseEvent.objects.create(
                            sensor=sensor,
                            opened_at=sensor.over_since,
                            peak=sensor.run_peak,
                            limit=limit,
                            period=period,
                        )
                        opened.append(event)
                        sensor.over_since = sensor.run_peak = sensor.under_since = None
            elif over:
                sensor.under_since = None
                event.peak = max(event.peak, db)
            else:
                sensor.under_since = sensor.under_since or at
                if at - sensor.under_since >= config.close_delay:
                    event.closed_at = sensor.under_since
                    event.save(update_fields=["closed_at", "peak"])
                    closed.append(event)
                    event = sensor.under_since = None
            sensor.last_reading_at, sensor.last_db_a = at, db
        if event is not None:
            event.save(update_fields=["peak"])
        sensor.save(
            update_fields=[
                "last_reading_at",
                "last_db_a",
                "over_since",
                "run_peak",
                "under_since",
            ]
        )
        for opened_event in opened:
            _notify_contacts(sensor, opened_event)
        if config.auto_incident_on_duration or config.auto_incident_on_repeat:
            touched = {e.pk: e for e in (*opened, *closed, event) if e is not None}
            for candidate in touched.values():
                _auto_incident(sensor, candidate, config)
    return IngestResult(
        received=len(readings),
        processed=len(new),
        play_warning=event is not None,
        text=config.warning_text if event is not None else "",
        opened=opened,
        closed=closed,
    )


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


def _auto_incident(sensor: NoiseSensor, event: NoiseEvent, config) -> None:
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


def _check_qualifies(event: NoiseEvent, config) -> None:
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


def noise_event_to_incident(*, event: NoiseEvent, by):
    """Open a sensor incident (警情) for the event, at the sensor's place, in the bureau's
    noise category when it has one; the event links to it. Only an event that qualifies
    (selectors.incident_grounds) may; converting twice is a conflict."""
    with transaction.atomic():
        event = (
            NoiseEvent.objects.restrict(by, CHANGE).select_for_update().filter(pk=event.pk).first()
        )
        if event is None:
            raise OutOfScope(_("Not found."))
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
