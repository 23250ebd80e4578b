"""The organisation: sub-bureau → station → post, police districts, communities, staff and
the service-window log. Every row below the bureau carries its owning station, so
that `restrict()` can scope it without joins."""

import uuid
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.models import SameStationMixin, TimeStampedModel
from apps.core.names import validate_name
from apps.core.scoping import Scope, ScopedManager, ScopedQuerySet
from apps.core.timefmt import when

from .boundaries import validate_boundary
from .choices import (
    AppointmentTitle,
    AreaKind,
    CommunityKind,
    PostKind,
    ServiceKind,
    StaffKind,
    StationUnit,
)


def _coordinate_fields():
    return (
        models.DecimalField(
            _("latitude"),
            max_digits=9,
            decimal_places=6,
            validators=[MinValueValidator(-90), MaxValueValidator(90)],
        ),
        models.DecimalField(
            _("longitude"),
            max_digits=9,
            decimal_places=6,
            validators=[MinValueValidator(-180), MaxValueValidator(180)],
        ),
    )


def _coordinate_constraints(prefix: str):
    return [
        models.CheckConstraint(
            condition=models.Q(latitude__gte=-90, latitude__lte=90)
            & models.Q(longitude__gte=-180, longitude__lte=180),
            name=f"{prefix}_coordinates_in_range",
        )
    ]


class Bureau(TimeStampedModel):
    """A district sub-bureau (区分局) of the city bureau, e.g. 九龙坡区分局."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    city_bureau = models.CharField(_("city bureau"), max_length=100, default="重庆市公安局")
    code = models.CharField(_("code"), max_length=20, unique=True)

    objects = ScopedManager()
    scope = Scope(bureau="pk", station_staff_view_via_bureau=True)

    class Meta:
        verbose_name = _("sub-bureau")
        verbose_name_plural = _("sub-bureaus")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stations:bureau_detail", args=[self.pk])


class Station(TimeStampedModel):
    """A police station (派出所) with its command room and two teams (一室两队)."""

    bureau = models.ForeignKey(
        Bureau, on_delete=models.PROTECT, related_name="stations", verbose_name=_("sub-bureau")
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20, unique=True)
    # The station's 公安机关机构代码 (GA 380): the official numbers of its records start
    # with it (apps/stations/numbers.py).
    organ_code = models.CharField(
        _("organ code"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{12}\Z", _("The organ code has twelve digits."))],
        help_text=_(
            "The station's public-security organ code (公安机关机构代码, GA 380), twelve "
            "digits. Incident, case, dispute and permit numbers start with it."
        ),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("duty phone"), max_length=30, blank=True)
    latitude, longitude = _coordinate_fields()
    area_km2 = models.DecimalField(
        _("area (km²)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    area = models.CharField(
        _("area for travel estimates"), max_length=10, choices=AreaKind, default=AreaKind.URBAN
    )

    objects = ScopedManager()
    scope = Scope(station="pk", bureau="bureau_id")

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["bureau_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "name"], name="stations_station_unique_name"),
            *_coordinate_constraints("stations_station"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stations:station_detail", args=[self.pk])


class Post(TimeStampedModel):
    """A police post (警务站, older 警务室): a micro station pushed out into the community."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="posts", verbose_name=_("station")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=PostKind, default=PostKind.POST)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    latitude, longitude = _coordinate_fields()
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    is_active = models.BooleanField(_("in service"), default=True)
    area = models.CharField(
        _("area for travel estimates"), max_length=10, choices=AreaKind, default=AreaKind.URBAN
    )

    objects = ScopedManager()
    scope = Scope(station="station_id", bureau="station__bureau_id")

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["station_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["station", "name"], name="stations_post_unique_name"),
            *_coordinate_constraints("stations_post"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stations:post_detail", args=[self.pk])


class PoliceDistrict(SameStationMixin, TimeStampedModel):
    """A police district (警区): neighbouring villages/communities under one responsible team."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="districts", verbose_name=_("station")
    )
    post = models.ForeignKey(
        Post,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="districts",
        verbose_name=_("post"),
    )
    name = models.CharField(_("name"), max_length=100)
    responsible_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="districts",
        verbose_name=_("responsible officers"),
    )
    real_population = models.PositiveIntegerField(_("real population"), null=True, blank=True)

    objects = ScopedManager()
    scope = Scope(station="station_id", bureau="station__bureau_id")
    same_station = {"post": _("The post belongs to another station.")}

    class Meta:
        verbose_name = _("police district")
        verbose_name_plural = _("police districts")
        ordering = ["station_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "name"], name="stations_district_unique_name"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stations:district_detail", args=[self.pk])


class Community(SameStationMixin, TimeStampedModel):
    """A village (村), residents' committee (居委会) or community (社区) in a station's area."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="communities", verbose_name=_("station")
    )
    district = models.ForeignKey(
        PoliceDistrict,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communities",
        verbose_name=_("police district"),
    )
    post = models.ForeignKey(
        Post,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communities",
        verbose_name=_("responsible post"),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=CommunityKind)
    latitude, longitude = _coordinate_fields()
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # GeoJSON Polygon/MultiPolygon (WGS 84), imported from a file in admin
    # (services.community_boundaries_import): the maps' base layer.
    boundary = models.JSONField(
        _("boundary"),
        null=True,
        blank=True,
        validators=[validate_boundary],
        help_text=_("A GeoJSON Polygon or MultiPolygon in WGS 84; imported from a file."),
    )

    objects = ScopedManager()
    scope = Scope(station="station_id", bureau="station__bureau_id")
    same_station = {
        "district": _("The police district belongs to another station."),
        "post": _("The post belongs to another station."),
    }

    class Meta:
        verbose_name = _("village / community")
        verbose_name_plural = _("villages / communities")
        ordering = ["station_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "name"], name="stations_community_unique_name"
            ),
            *_coordinate_constraints("stations_community"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stations:community_detail", args=[self.pk])


class StaffAssignment(SameStationMixin, TimeStampedModel):
    """Who works where: officers (with a login) and joint-force members (without one)."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="staff", verbose_name=_("station")
    )
    post = models.ForeignKey(
        Post,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("post"),
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("village / community"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("user account"),
    )
    name = models.CharField(
        pgettext_lazy("person", "name"), max_length=50, validators=[validate_name]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StaffKind)
    unit = models.CharField(_("unit"), max_length=20, choices=StationUnit, blank=True)
    duty = models.CharField(_("duty"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    started_on = models.DateField(_("since"), default=timezone.localdate)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = ScopedManager()
    scope = Scope(station="station_id", bureau="station__bureau_id")
    same_station = {
        "post": _("The post belongs to another station."),
        "community": _("The village / community belongs to another station."),
        "user": _("This user account belongs to another station."),
    }

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        ordering = ["station_id", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="stations_staff_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("stations:staff_detail", args=[self.pk])


class CommunityAppointment(SameStationMixin, TimeStampedModel):
    """A police officer appointed to a village or residents' committee of the station's area,
    serving there as e.g. deputy secretary of its party branch (兼任村党支部副书记), so that
    the village's disputes reach the police at once. 西彭 appointed 28 party-member officers
    to its 28 村居 in September 2019. One officer may hold several villages; a village has at
    most one current holder of each title."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("station")
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("village / community"),
    )
    officer = models.ForeignKey(
        StaffAssignment,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("police officer"),
        limit_choices_to={"kind": StaffKind.OFFICER},
    )
    title = models.CharField(
        _("appointed as"),
        max_length=40,
        choices=AppointmentTitle,
        default=AppointmentTitle.BRANCH_DEPUTY_SECRETARY,
    )
    started_on = models.DateField(_("since"), default=timezone.localdate)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedManager()
    scope = Scope(station="station_id", bureau="station__bureau_id")
    same_station = {
        "community": _("The village / community belongs to another station."),
        "officer": _("The officer belongs to another station."),
    }

    class Meta:
        verbose_name = _("village appointment")
        verbose_name_plural = _("village appointments")
        ordering = ["station_id", "community_id", "-started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="stations_appointment_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
            models.UniqueConstraint(
                fields=["community", "title"],
                condition=models.Q(ended_on__isnull=True),
                name="stations_appointment_one_current_holder",
                violation_error_message=_(
                    "The village already has a police officer in this post; end that"
                    " appointment first."
                ),
            ),
        ]
        indexes = [models.Index(fields=["officer", "-started_on"])]

    def __str__(self):
        return f"{self.officer.name} · {self.community} {self.get_title_display()}"

    def clean(self):
        super().clean()
        if self.officer_id and self.officer.kind != StaffKind.OFFICER:
            raise ValidationError(
                {"officer": _("Only a police officer (民警) can be appointed to a village.")}
            )

    def get_absolute_url(self):
        return reverse("stations:community_detail", args=[self.community_id])


class ServiceLogQuerySet(ScopedQuerySet):
    def on_day(self, day: date):
        # A range on the raw column, so that the (station, -occurred_at) index serves it.
        start = timezone.make_aware(datetime.combine(day, time.min))
        return self.filter(occurred_at__gte=start, occurred_at__lt=start + timedelta(days=1))


class ServiceLog(SameStationMixin, models.Model):
    """One service at the window (服务窗口): a consultation, a registration, a permit …"""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="service_logs", verbose_name=_("station")
    )
    post = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_logs",
        verbose_name=_("post"),
    )
    kind = models.CharField(_("service"), max_length=30, choices=ServiceKind)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # Sent by the form or the tablet: a double submit or a retry is acknowledged, not doubled.
    client_id = models.UUIDField(_("client id"), default=uuid.uuid4, unique=True, editable=False)

    objects = ServiceLogQuerySet.as_manager()
    scope = Scope(station="station_id", bureau="station__bureau_id")
    same_station = {"post": _("The post belongs to another station.")}

    class Meta:
        verbose_name = _("service window entry")
        verbose_name_plural = _("service window log")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["station", "-occurred_at"]),
            models.Index(fields=["post", "-occurred_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {when(self.occurred_at)}"

    def get_absolute_url(self):
        return reverse("stations:servicelog_list")
