"""Noise sensors on camera poles (歇台子's square-dance loudspeakers): the GB 3096-2008 limits
per zone class, each sub-bureau's event settings, the sensors with their hashed device keys,
their readings and the events (over the limit for a while) they raise.

Readings and events belong to their sensor's station, so `restrict()` scopes them through
the sensor; the limits are the national standard's table, one for everybody.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.models import SameStationMixin, TimeStampedModel
from apps.core.scoping import Scope, ScopedManager
from apps.core.timefmt import when

from .choices import EventTrigger, Period, ZoneClass

# What a sound level meter on a pole can honestly report: below 20 dB(A) is the meter's
# own noise floor, above 140 dB(A) is past the threshold of pain (a fault, not a dance).
MIN_DB = Decimal("20")
MAX_DB = Decimal("140")
# GB 3096-2008 table 1: (day, night) limits in dB(A) per zone class. Seeded into NoiseLimit
# by a data migration, where admins may edit them; a class without a row uses these.
STANDARD_LIMITS = {
    "0": (50, 40),
    "1": (55, 45),
    "2": (60, 50),
    "3": (65, 55),
    "4a": (70, 55),
    "4b": (70, 60),
}
# 噪声污染防治法 (2022) 第88条: night is 22:00–06:00; the government may set other hours, for a
# night of eight hours.
NIGHT_HOURS = 8
# GB 3096-2008 §5.2 (and 噪声污染防治法): at night a sudden noise's maximum level may exceed
# the limit by at most 15 dB(A); more than that raises an event at once.
NIGHT_LMAX_MARGIN = 15
SENSOR_SCOPE = Scope(station="sensor__station_id", bureau="sensor__station__bureau_id")


class NoiseLimit(models.Model):
    """The day and night limits of one zone class (GB 3096-2008 table 1), in dB(A)."""

    zone_class = models.CharField(_("zone class"), max_length=2, choices=ZoneClass, unique=True)
    day_limit = models.PositiveSmallIntegerField(
        _("day limit, dB(A)"), validators=[MinValueValidator(20), MaxValueValidator(140)]
    )
    night_limit = models.PositiveSmallIntegerField(
        _("night limit, dB(A)"), validators=[MinValueValidator(20), MaxValueValidator(140)]
    )

    class Meta:
        verbose_name = _("noise limit")
        verbose_name_plural = _("noise limits")
        ordering = ["zone_class"]

    def __str__(self):
        return f"{self.get_zone_class_display()}: {self.day_limit}/{self.night_limit}"

    def for_period(self, period: str) -> int:
        return self.day_limit if period == Period.DAY else self.night_limit


AUTOMATIC_HELP = _(
    "The incident is taken in the name of the first contact of the sensor who works at its "
    "station and may take incidents."
)


class NoiseSettings(models.Model):
    """A sub-bureau's noise-event thresholds, edited by its admin."""

    bureau = models.OneToOneField(
        "stations.Bureau",
        on_delete=models.CASCADE,
        related_name="noise_settings",
        verbose_name=_("sub-bureau"),
    )
    open_after_seconds = models.PositiveIntegerField(
        _("open an event after (seconds over the limit)"),
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(3600)],
    )
    close_after_seconds = models.PositiveIntegerField(
        _("close an event after (seconds below the limit)"),
        default=300,
        validators=[MinValueValidator(0), MaxValueValidator(7200)],
    )
    warning_text = models.CharField(
        _("warning played by the sensor"),
        max_length=200,
        default="音量超过国家标准限值，请调低音量",
    )
    # When an event may become an incident: when it has lasted long
    # enough, or when it is the Nth at its sensor within 7 days; each rule may also convert
    # by itself. apps.noise.selectors.incident_grounds applies them.
    incident_after_minutes = models.PositiveIntegerField(
        _("an event may become an incident after (minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
    )
    auto_incident_on_duration = models.BooleanField(
        _("automatically when it has lasted that long"),
        default=False,
        help_text=AUTOMATIC_HELP,
    )
    repeat_threshold = models.PositiveSmallIntegerField(
        _("an event may become an incident when it is the nth at its sensor in 7 days"),
        null=True,
        blank=True,
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(50)],
        help_text=_("Empty: repeats alone never make an incident."),
    )
    auto_incident_on_repeat = models.BooleanField(
        _("automatically when it repeats that often"),
        default=False,
        help_text=AUTOMATIC_HELP,
    )

    # GB 3096-2008 judges the equivalent continuous level (LAeq) over a measurement period,
    # not single samples: the rolling window it is computed over.
    laeq_window_minutes = models.PositiveSmallIntegerField(
        _("LAeq window (minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            "Readings are energy-averaged over this rolling window and the average is compared "
            "with the limit."
        ),
    )
    # GB 3096-2008 §3.6–3.7 and 噪声污染防治法 第88条: day 06:00–22:00 and night 22:00–06:00
    # unless the local government sets other hours (a night of eight hours).
    day_starts = models.TimeField(_("day starts at"), default=time(6, 0))
    night_starts = models.TimeField(
        _("night starts at"),
        default=time(22, 0),
        help_text=_(
            "As set by the local government; local (Beijing) time. The night lasts eight hours."
        ),
    )

    objects = ScopedManager()
    scope = Scope(bureau="bureau_id", station_staff_view_via_bureau=True)

    class Meta:
        verbose_name = _("noise settings")
        verbose_name_plural = _("noise settings")

    def __str__(self):
        return str(self.bureau)

    def clean(self):
        super().clean()
        if self.day_starts and self.night_starts:
            if self.day_starts >= self.night_starts:
                raise ValidationError(
                    {"night_starts": _("Night must start later in the day than day does.")}
                )
            # 噪声污染防治法 第88条: the government may move the night, not shorten it.
            day = datetime.combine(date.min, self.night_starts) - datetime.combine(
                date.min, self.day_starts
            )
            if day != timedelta(hours=24 - NIGHT_HOURS):
                raise ValidationError(
                    {"night_starts": _("The night lasts eight hours (噪声污染防治法 art. 88).")}
                )

    @property
    def laeq_window(self) -> timedelta:
        return timedelta(minutes=self.laeq_window_minutes)

    @property
    def open_delay(self) -> timedelta:
        return timedelta(seconds=self.open_after_seconds)

    @property
    def close_delay(self) -> timedelta:
        return timedelta(seconds=self.close_after_seconds)


class NoiseSensor(SameStationMixin, TimeStampedModel):
    """A decibel meter on a pole. It authenticates with a device key of which only the
    SHA-256 is kept; the run counters below carry the event state machine between batches."""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="noise_sensors",
        verbose_name=_("station"),
    )
    post = models.ForeignKey(
        "stations.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="noise_sensors",
        verbose_name=_("responsible post"),
    )
    community = models.ForeignKey(
        "stations.Community",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="noise_sensors",
        verbose_name=_("village / community"),
    )
    name = models.CharField(_("name"), max_length=100)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    zone_class = models.CharField(_("zone class"), max_length=2, choices=ZoneClass)
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="noise_sensors",
        verbose_name=_("contacts to notify"),
        help_text=_("The property manager and the community officer, for instance."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    key_hash = models.CharField(_("device key hash"), max_length=64, blank=True, editable=False)
    key_revoked_at = models.DateTimeField(_("key revoked at"), null=True, blank=True)
    # State machine between batches: the newest reading processed, since when the level
    # has been over the limit without an open event (and the run's peak), and since when
    # it has been below the limit while an event is open.
    last_reading_at = models.DateTimeField(_("last reading at"), null=True, blank=True)
    last_db_a = models.DecimalField(
        _("last level, dB(A)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    # The run of readings the event rules follow (services.readings_ingest).
    over_since = models.DateTimeField(
        _("over the limit since"), null=True, blank=True, editable=False
    )
    run_peak = models.DecimalField(
        _("peak of the run, dB(A)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        editable=False,
    )
    under_since = models.DateTimeField(
        _("back below the limit since"), null=True, blank=True, editable=False
    )
    # The end of the newest reading over the limit: where an event closes (the rolling
    # LAeq stays over the limit for a while after the noise has stopped).
    loud_until = models.DateTimeField(
        _("over the limit until"), null=True, blank=True, editable=False
    )

    objects = ScopedManager()
    scope = Scope(station="station_id", bureau="station__bureau_id")
    # Set on the rows selectors.sensors_live reads (no columns).
    limit_now: int | None
    is_over: bool
    same_station = {
        "post": _("The post belongs to another station."),
        "community": _("The village / community belongs to another station."),
    }

    class Meta:
        verbose_name = _("noise sensor")
        verbose_name_plural = _("noise sensors")
        ordering = ["station_id", "name"]
        indexes = [models.Index(fields=["key_hash"])]

    def __str__(self):
        return self.name


class NoiseReading(models.Model):
    """One level measured by a sensor; (sensor, at) is unique so a re-sent batch adds nothing."""

    sensor = models.ForeignKey(
        NoiseSensor, on_delete=models.CASCADE, related_name="readings", verbose_name=_("sensor")
    )
    at = models.DateTimeField(_("measured at"))
    db_a = models.DecimalField(
        _("level, dB(A)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(MIN_DB), MaxValueValidator(MAX_DB)],
    )

    objects = ScopedManager()
    scope = SENSOR_SCOPE

    class Meta:
        verbose_name = _("noise reading")
        verbose_name_plural = _("noise readings")
        constraints = [
            models.UniqueConstraint(fields=["sensor", "at"], name="noise_reading_unique_time"),
            models.CheckConstraint(
                condition=models.Q(db_a__gte=MIN_DB, db_a__lte=MAX_DB),
                name="noise_reading_db_range",
            ),
        ]

    def __str__(self):
        return f"{self.sensor_id} {when(self.at, 'seconds')} {self.db_a}"


class NoiseStep(models.Model):
    """The loudest reading of a sensor in each 5 minutes, kept by the ingest as it stores
    readings: what the day's curve draws, 288 rows a sensor a day, where reading the day's
    readings themselves (86,400 a sensor at one a second) made every view of the noise page
    aggregate them again (issue 21, item 4)."""

    sensor = models.ForeignKey(
        NoiseSensor, on_delete=models.CASCADE, related_name="steps", verbose_name=_("sensor")
    )
    at = models.DateTimeField(_("step from"))
    level = models.DecimalField(_("loudest, dB(A)"), max_digits=4, decimal_places=1)

    objects = ScopedManager()
    scope = SENSOR_SCOPE

    class Meta:
        verbose_name = _("noise step")
        verbose_name_plural = _("noise steps")
        constraints = [
            models.UniqueConstraint(fields=["sensor", "at"], name="noise_step_unique_time")
        ]

    def __str__(self):
        return f"{self.sensor_id} {when(self.at, 'datetime')} {self.level}"


class NoiseEvent(models.Model):
    """A stretch of time a sensor stayed over its limit; open while `closed_at` is empty."""

    sensor = models.ForeignKey(
        NoiseSensor, on_delete=models.CASCADE, related_name="events", verbose_name=_("sensor")
    )
    opened_at = models.DateTimeField(_("over the limit since"))
    closed_at = models.DateTimeField(_("back below the limit at"), null=True, blank=True)
    peak = models.DecimalField(_("Lmax, dB(A)"), max_digits=4, decimal_places=1)
    laeq = models.DecimalField(
        _("LAeq, dB(A)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("The highest rolling LAeq while the event was open."),
    )
    limit = models.PositiveSmallIntegerField(_("limit, dB(A)"))
    period = models.CharField(_("period"), max_length=5, choices=Period)
    trigger = models.CharField(
        _("raised by"), max_length=5, choices=EventTrigger, default=EventTrigger.LAEQ
    )
    incident = models.OneToOneField(
        "cases.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="noise_event",
        verbose_name=_("incident"),
    )

    objects = ScopedManager()
    scope = SENSOR_SCOPE
    # Set on the rows selectors.open_events reads (no columns).
    rules: NoiseSettings
    grounds: list[str]

    class Meta:
        verbose_name = _("noise event")
        verbose_name_plural = _("noise events")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["sensor", "-opened_at"])]
        constraints = [
            # At most one open event per sensor: the state machine relies on it.
            models.UniqueConstraint(
                fields=["sensor"],
                condition=models.Q(closed_at__isnull=True),
                name="noise_event_one_open_per_sensor",
            )
        ]

    def __str__(self):
        return f"{self.sensor} {when(self.opened_at)}"

    def get_absolute_url(self):
        return reverse("noise:event_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def duration(self) -> timedelta | None:
        """Over the limit from opening to closing; None while open (see selectors.lasted)."""
        return self.closed_at - self.opened_at if self.closed_at else None

    @property
    def excess(self) -> Decimal | None:
        """How far the LAeq went over the limit, dB(A)."""
        return None if self.laeq is None else self.laeq - self.limit

    @property
    def lmax_excess(self) -> Decimal:
        """How far the maximum level went over the limit, dB(A)."""
        return self.peak - self.limit
