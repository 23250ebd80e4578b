"""Patrols (巡逻): who walked or drove where and when, the GPS track the tablet recorded, the
loudspeaker broadcasts, what they found on the way, the command room's camera checks, and the
monthly assessment of each community and officer (月考核、季通报、半年排名).

Every row belongs to its patrol's (or its own) station, so `restrict()` scopes it without
joining further than the patrol.
"""

import uuid
from datetime import time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.limits import PLACE_MAX_LENGTH, LongTextField, clean_times
from apps.core.models import SameStationMixin, TimeStampedModel
from apps.core.names import validate_name
from apps.core.plates import normalize_plate, validate_plate
from apps.core.scoping import Scope, ScopedManager
from apps.core.timefmt import when
from apps.core.uploads import private_storage

from .choices import (
    AssessmentSubject,
    FindingKind,
    FindingStatus,
    ParticipantKind,
    PatrolMode,
    PatrolStatus,
    PointFlag,
    VehicleKind,
    VideoPatrolKind,
)

STATION_SCOPE = Scope(station="station_id", bureau="station__bureau_id")
PATROL_SCOPE = Scope(station="patrol__station_id", bureau="patrol__station__bureau_id")


def _weight(label, default):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )


class PatrolSettings(models.Model):
    """A sub-bureau's patrol rules, edited by its admin: the loudspeakers' quiet hours, what
    counts as an impossible speed, when a village counts as covered, and the weights of the
    monthly assessment (points per unit of each measure)."""

    bureau = models.OneToOneField(
        "stations.Bureau",
        on_delete=models.CASCADE,
        related_name="patrol_settings",
        verbose_name=_("sub-bureau"),
    )
    broadcast_quiet_from = models.TimeField(
        _("loudspeakers quiet from"),
        default=time(21, 0),
        help_text=_("Broadcasts are refused from this hour …"),
    )
    broadcast_quiet_until = models.TimeField(
        _("loudspeakers quiet until"),
        default=time(7, 0),
        help_text=_("… until this morning hour."),
    )
    max_speed_kmh = models.PositiveSmallIntegerField(
        _("impossible speed above (km/h)"),
        default=150,
        validators=[MinValueValidator(10), MaxValueValidator(500)],
    )
    coverage_radius_m = models.PositiveIntegerField(
        _("a village is covered within (metres)"),
        default=500,
        validators=[MinValueValidator(50), MaxValueValidator(5000)],
    )
    night_starts = models.TimeField(_("night patrols start after"), default=time(20, 0))
    weight_patrol_hours = _weight(_("points per patrol hour"), "1.00")
    weight_coverage = _weight(_("points for covering every village"), "30.00")
    weight_night_patrols = _weight(_("points per night patrol"), "2.00")
    weight_findings_raised = _weight(_("points per finding raised"), "1.00")
    weight_findings_handled = _weight(_("points per finding handled"), "2.00")
    weight_incidents = _weight(_("points deducted per incident in the area"), "0.50")

    objects = ScopedManager()
    # Like the other bureaus' settings: read by the bureau's stations, changed by its admin.
    scope = Scope(bureau="bureau_id", station_staff_view_via_bureau=True)

    class Meta:
        verbose_name = _("patrol settings")
        verbose_name_plural = _("patrol settings")

    def __str__(self):
        return str(self.bureau)


class Vehicle(SameStationMixin, TimeStampedModel):
    """A vehicle the station patrols with (西彭's four electric patrol cars with their
    loudspeakers, a police car, a motorcycle …), kept at a post or at the station HQ (no
    post). It is in use while a patrol under way has it: at most one at a time."""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="vehicles",
        verbose_name=_("station"),
    )
    post = models.ForeignKey(
        "stations.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vehicles",
        verbose_name=_("post"),
        help_text=_("Empty: kept at the station HQ."),
    )
    # Blank only for a bicycle (it has no plate); stored as 渝A·1234警 (apps.core.plates).
    plate = models.CharField(
        _("number plate"), max_length=12, blank=True, validators=[validate_plate]
    )
    kind = models.CharField(_("kind"), max_length=12, choices=VehicleKind)
    has_loudspeaker = models.BooleanField(_("has a loudspeaker"), default=False)
    is_active = models.BooleanField(_("in service"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedManager()
    scope = STATION_SCOPE
    same_station = {"post": _("The post belongs to another station.")}

    class Meta:
        verbose_name = _("patrol vehicle")
        verbose_name_plural = _("patrol vehicles")
        ordering = ["station_id", "post_id", "kind", "plate", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "plate"],
                condition=~models.Q(plate=""),
                name="patrols_vehicle_unique_plate",
                violation_error_message=_("The station already has a vehicle with this plate."),
            ),
            models.CheckConstraint(
                condition=~models.Q(plate="") | models.Q(kind=VehicleKind.BICYCLE),
                name="patrols_vehicle_plate_unless_bicycle",
                violation_error_message=_("Give the number plate (only a bicycle has none)."),
            ),
        ]

    def __str__(self):
        if self.plate:
            return self.plate
        return f"{self.get_kind_display()} {self.note[:20]}".strip()

    def get_absolute_url(self):
        return reverse("patrols:vehicle_detail", args=[self.pk])

    def clean(self):
        self.plate = normalize_plate(self.plate)
        super().clean()
        if not self.plate and self.kind and self.kind != VehicleKind.BICYCLE:
            raise ValidationError({"plate": _("Give the number plate (only a bicycle has none).")})
        if self.plate and self.station_id:
            taken = Vehicle.objects.filter(station_id=self.station_id, plate=self.plate)
            if taken.exclude(pk=self.pk).exists():
                raise ValidationError(
                    {"plate": _("The station already has a vehicle with this plate.")}
                )

    def save(self, *args, **kwargs):
        self.plate = normalize_plate(self.plate)
        super().save(*args, **kwargs)


class Patrol(SameStationMixin, TimeStampedModel):
    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="patrols",
        verbose_name=_("station"),
    )
    post = models.ForeignKey(
        "stations.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patrols",
        verbose_name=_("post"),
    )
    mode = models.CharField(_("mode"), max_length=15, choices=PatrolMode)
    status = models.CharField(
        _("status"), max_length=10, choices=PatrolStatus, default=PatrolStatus.PLANNED
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="patrols", verbose_name=_("officers")
    )
    communities = models.ManyToManyField(
        "stations.Community",
        blank=True,
        related_name="planned_patrols",
        verbose_name=_("planned area"),
    )
    route = models.CharField(_("route"), max_length=300, blank=True)
    planned_start = models.DateTimeField(_("planned start"))
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    loudspeaker = models.BooleanField(_("loudspeaker patrol"), default=False)
    vehicle = models.ForeignKey(
        Vehicle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patrols",
        verbose_name=_("vehicle"),
    )
    note = LongTextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Derived from the valid track points when points arrive (services.track_ingest).
    distance_m = models.PositiveIntegerField(_("distance (m)"), default=0)
    covered = models.ManyToManyField(
        "stations.Community",
        blank=True,
        related_name="covered_by_patrols",
        verbose_name=_("villages covered"),
    )
    # The last valid position, for the command room's map without reading the track.
    last_latitude = models.FloatField(_("last latitude"), null=True, blank=True)
    last_longitude = models.FloatField(_("last longitude"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last position at"), null=True, blank=True)

    objects = ScopedManager()
    scope = STATION_SCOPE
    same_station = {
        "post": _("The post belongs to another station."),
        "vehicle": _("The vehicle belongs to another station."),
    }

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-planned_start", "-pk"]
        constraints = [
            # A vehicle is out on one patrol at a time (the services say so in words first).
            models.UniqueConstraint(
                fields=["vehicle"],
                condition=models.Q(status="active"),
                name="patrols_vehicle_one_active_patrol",
                violation_error_message=_("The vehicle is already out on another patrol."),
            )
        ]
        indexes = [
            models.Index(fields=["station", "-planned_start"]),
            # The bureau's list, newest first, page by page (keyset pagination).
            models.Index(fields=["-planned_start", "-id"], name="patrols_newest_first"),
            models.Index(fields=["status"]),
        ]

    def __str__(self):
        return f"{self.get_mode_display()} {when(self.planned_start)}"

    def get_absolute_url(self):
        return reverse("patrols:patrol_detail", args=[self.pk])

    def clean(self):
        super().clean()
        clean_times(self, past=["started_at", "ended_at"], planned=["planned_start", "planned_end"])

    @property
    def duration(self):
        """How long the patrol was (or has been) under way; None before it starts."""
        return under_way(self.started_at, self.ended_at, timezone.now())


def under_way(started_at, ended_at, now):
    """How long a patrol that started at `started_at` was under way by its end, or by `now`
    while it goes on; None before it starts."""
    if not started_at:
        return None
    return (ended_at or now) - started_at


class PatrolParticipant(models.Model):
    """A joint-force member who walked with the officers (security guard, grid worker …)."""

    patrol = models.ForeignKey(
        Patrol, on_delete=models.CASCADE, related_name="participants", verbose_name=_("patrol")
    )
    kind = models.CharField(_("kind"), max_length=15, choices=ParticipantKind)
    name = models.CharField(
        pgettext_lazy("person", "name"), max_length=50, validators=[validate_name]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = ScopedManager()
    scope = PATROL_SCOPE

    class Meta:
        verbose_name = _("joint-force participant")
        verbose_name_plural = _("joint-force participants")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class TrackBatch(models.Model):
    """One upload from the tablet. The client id makes a retried upload a no-op."""

    patrol = models.ForeignKey(
        Patrol, on_delete=models.CASCADE, related_name="batches", verbose_name=_("patrol")
    )
    client_id = models.UUIDField(_("client id"))
    received_at = models.DateTimeField(pgettext_lazy("data", "received at"), auto_now_add=True)
    points = models.PositiveIntegerField(_("points"), default=0)
    new_points = models.PositiveIntegerField(_("new points"), default=0)

    objects = ScopedManager()
    scope = PATROL_SCOPE

    class Meta:
        verbose_name = _("track batch")
        verbose_name_plural = _("track batches")
        constraints = [
            models.UniqueConstraint(
                fields=["patrol", "client_id"], name="patrols_batch_unique_client"
            )
        ]

    def __str__(self):
        return f"{self.client_id} ({self.points})"


class TrackPoint(models.Model):
    """One GPS fix. Kept lean (floats, a small flag) because there are tens of millions."""

    id = models.BigAutoField(primary_key=True)
    patrol = models.ForeignKey(
        Patrol, on_delete=models.CASCADE, related_name="points", verbose_name=_("patrol")
    )
    client_id = models.UUIDField(_("client id"))
    recorded_at = models.DateTimeField(_("recorded at"))
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    speed_kmh = models.FloatField(_("speed (km/h)"), null=True, blank=True)
    flag = models.PositiveSmallIntegerField(_("flag"), choices=PointFlag, default=PointFlag.OK)

    objects = ScopedManager()
    scope = PATROL_SCOPE

    class Meta:
        verbose_name = _("track point")
        verbose_name_plural = _("track points")
        ordering = ["recorded_at", "id"]
        constraints = [
            # With the time: the table is partitioned by it (apps.core.partitions), and a
            # tablet's retried point carries its time as well as its id.
            models.UniqueConstraint(
                fields=["patrol", "client_id", "recorded_at"], name="patrols_point_unique_client"
            )
        ]
        indexes = [models.Index(fields=["patrol", "recorded_at"])]

    def __str__(self):
        return f"{when(self.recorded_at, 'clock')} {self.latitude:.5f},{self.longitude:.5f}"


class Broadcast(models.Model):
    """A loudspeaker broadcast (有声巡逻), logged with time and place."""

    patrol = models.ForeignKey(
        Patrol, on_delete=models.CASCADE, related_name="broadcasts", verbose_name=_("patrol")
    )
    client_id = models.UUIDField(_("client id"), default=uuid.uuid4)
    at = models.DateTimeField(_("time"))
    message = models.CharField(_("message"), max_length=200)
    place = models.CharField(_("place"), max_length=PLACE_MAX_LENGTH, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    objects = ScopedManager()
    scope = PATROL_SCOPE

    class Meta:
        verbose_name = _("loudspeaker broadcast")
        verbose_name_plural = _("loudspeaker broadcasts")
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patrol", "client_id"], name="patrols_broadcast_unique_client"
            )
        ]

    def __str__(self):
        return self.message


class Finding(SameStationMixin, TimeStampedModel):
    """Something seen on patrol or on camera that may become an incident or a dispute."""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="patrol_findings",
        verbose_name=_("station"),
    )
    patrol = models.ForeignKey(
        Patrol,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("patrol"),
    )
    client_id = models.UUIDField(_("client id"), default=uuid.uuid4, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind)
    # False for an enterprise-protection visit where nothing was wrong: the visit is on
    # record, but it is not a finding raised or handled in the counts and the assessment.
    trouble = models.BooleanField(_("something was found"), default=True)
    description = LongTextField(_("description"))
    found_at = models.DateTimeField(_("found at"))
    place = models.CharField(_("place"), max_length=PLACE_MAX_LENGTH, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    community = models.ForeignKey(
        "stations.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patrol_findings",
        verbose_name=_("village / community"),
    )
    # Enterprise-protection visits record the enterprise (a registry unit).
    unit = models.ForeignKey(
        "registry.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patrol_findings",
        verbose_name=_("enterprise"),
    )
    photo = models.FileField(
        _("photo"), storage=private_storage, max_length=200, blank=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus, default=FindingStatus.OPEN
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handling_note = LongTextField(_("how it was handled"), blank=True)
    incident = models.OneToOneField(
        "cases.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patrol_finding",
        verbose_name=_("incident"),
    )
    dispute = models.OneToOneField(
        "mediation.Dispute",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patrol_finding",
        verbose_name=_("dispute"),
    )
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("found by"),
    )

    objects = ScopedManager()
    scope = STATION_SCOPE
    same_station = {
        "patrol": _("The patrol belongs to another station."),
        "community": _("The village belongs to another station."),
        "unit": _("The enterprise belongs to another station."),
    }

    class Meta:
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")
        ordering = ["-found_at", "-pk"]
        indexes = [models.Index(fields=["station", "-found_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description[:30]}"

    def get_absolute_url(self):
        return reverse("patrols:finding_detail", args=[self.pk])

    def clean(self):
        super().clean()
        clean_times(self, past=["found_at"])


class VideoPatrol(SameStationMixin, TimeStampedModel):
    """A camera check from the command room (鼠标巡逻 / 视频站岗)."""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="video_patrols",
        verbose_name=_("station"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=VideoPatrolKind)
    camera = models.CharField(_("camera"), max_length=100)
    checked_at = models.DateTimeField(_("checked at"))
    observation = LongTextField(_("observation"))
    finding = models.OneToOneField(
        Finding,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="video_patrol",
        verbose_name=_("finding"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("officer"),
    )

    objects = ScopedManager()
    scope = STATION_SCOPE
    same_station = {"finding": _("The finding belongs to another station.")}

    class Meta:
        verbose_name = _("video patrol")
        verbose_name_plural = _("video patrols")
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["station", "-checked_at"])]

    def __str__(self):
        return f"{self.camera} {when(self.checked_at)}"

    def clean(self):
        super().clean()
        clean_times(self, past=["checked_at"])


class AssessmentScore(models.Model):
    """One month's measures and score of a community or an officer, written by the
    assessment task (idempotent: re-running a month replaces its rows)."""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.CASCADE,
        related_name="patrol_scores",
        verbose_name=_("station"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    subject = models.CharField(_("subject"), max_length=10, choices=AssessmentSubject)
    community = models.ForeignKey(
        "stations.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="patrol_scores",
        verbose_name=_("village / community"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="patrol_scores",
        verbose_name=_("officer"),
    )
    patrol_hours = models.DecimalField(_("patrol hours"), max_digits=8, decimal_places=2)
    patrols = models.PositiveIntegerField(_("patrols"))
    night_patrols = models.PositiveIntegerField(_("night patrols"))
    villages_covered = models.PositiveIntegerField(_("villages covered"))
    villages_total = models.PositiveIntegerField(_("villages in the area"))
    findings_raised = models.PositiveIntegerField(_("findings raised"))
    findings_handled = models.PositiveIntegerField(_("findings handled"))
    incidents = models.PositiveIntegerField(_("incidents in the area"))
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank in the bureau"))
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    objects = ScopedManager()
    scope = STATION_SCOPE

    class Meta:
        verbose_name = _("patrol assessment score")
        verbose_name_plural = _("patrol assessment scores")
        ordering = ["-month", "subject", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "community"],
                condition=models.Q(subject="community"),
                name="patrols_score_unique_community_month",
            ),
            models.UniqueConstraint(
                fields=["month", "officer"],
                condition=models.Q(subject="officer"),
                name="patrols_score_unique_officer_month",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(subject="community", community__isnull=False, officer__isnull=True)
                    | models.Q(subject="officer", officer__isnull=False, community__isnull=True)
                ),
                name="patrols_score_one_subject",
            ),
        ]
        indexes = [models.Index(fields=["station", "month"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.community or self.officer}: {self.score}"
