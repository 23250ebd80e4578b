"""Incidents (警情) from call to close, their category taxonomy with handling procedures, the
duty roster that says who can be sent, and cases (刑事/治安) with deadlines and evidence.

Every row carries its owning station (directly or through its incident or case) so that
`restrict()` scopes it; the taxonomy and the dispatch settings belong to a sub-bureau, as
its 110 command centre does.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.limits import PLACE_MAX_LENGTH, LongTextField, clean_times
from apps.core.models import SameStationMixin, TimelineEntry, TimeStampedModel
from apps.core.names import validate_name
from apps.core.scoping import Scope, ScopedManager
from apps.core.timefmt import when
from apps.core.uploads import private_storage

from .choices import (
    CaseKind,
    CaseOutcome,
    CaseStatus,
    CategoryKind,
    Disposition,
    EvidenceKind,
    ExtensionKind,
    IncidentSource,
    IncidentStatus,
    InjuryGrade,
    PartyRole,
    Priority,
    ShiftRole,
    SuspensionKind,
)

BUREAU_SCOPE = Scope(bureau="bureau_id", station_staff_view_via_bureau=True)
STATION_SCOPE = Scope(station="station_id", bureau="station__bureau_id")
# The time limits of cases are dated rules of law: apps/cases/law.py.


class DispatchSettings(models.Model):
    """A sub-bureau's dispatch and intake thresholds, edited by its admin."""

    bureau = models.OneToOneField(
        "stations.Bureau",
        on_delete=models.CASCADE,
        related_name="dispatch_settings",
        verbose_name=_("sub-bureau"),
    )
    # Calibrated on the seeds: 西彭 HQ to 迎新村 is 6.7 km straight and ~40 minutes by car,
    # the park post 3.4 km and ~20 minutes (winding village roads).
    urban_speed_kmh = models.PositiveSmallIntegerField(
        _("urban speed (km/h)"), default=20, validators=[MinValueValidator(5)]
    )
    rural_speed_kmh = models.PositiveSmallIntegerField(
        _("rural speed (km/h)"), default=15, validators=[MinValueValidator(5)]
    )
    road_factor = models.DecimalField(
        _("road factor"),
        max_digits=3,
        decimal_places=2,
        default=1.4,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("Road distance as a multiple of the straight line."),
    )
    repeat_caller_calls = models.PositiveSmallIntegerField(
        _("repeat caller: calls"), default=3, validators=[MinValueValidator(2)]
    )
    repeat_caller_days = models.PositiveSmallIntegerField(
        _("repeat caller: within days"), default=30, validators=[MinValueValidator(1)]
    )
    cross_station_dispatch = models.BooleanField(
        _("suggest posts of neighbouring stations"), default=False
    )
    # Who holds a post's job (domain.md): its 民警 with a login, and its 辅警 only where the
    # bureau allows it; joint-force members go along but never hold the job.
    auxiliaries_take_jobs = models.BooleanField(
        _("auxiliary police may take a post's job"), default=False
    )

    objects = ScopedManager()
    scope = BUREAU_SCOPE

    class Meta:
        verbose_name = _("dispatch settings")
        verbose_name_plural = _("dispatch settings")

    def __str__(self):
        return str(self.bureau)


class IncidentCategory(TimeStampedModel):
    """A major (大类) or minor (小类) incident category of a sub-bureau's taxonomy (职责细分).
    Minor categories carry the standard handling procedure as ordered steps."""

    bureau = models.ForeignKey(
        "stations.Bureau",
        on_delete=models.CASCADE,
        related_name="incident_categories",
        verbose_name=_("sub-bureau"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("major category"),
    )
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=CategoryKind)
    default_priority = models.PositiveSmallIntegerField(
        _("default priority"), choices=Priority, default=Priority.NORMAL
    )
    is_active = models.BooleanField(_("in use"), default=True)

    objects = ScopedManager()
    scope = BUREAU_SCOPE

    class Meta:
        verbose_name = _("incident category")
        verbose_name_plural = _("incident categories")
        ordering = ["bureau_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "code"], name="cases_category_unique_code")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_major(self) -> bool:
        return self.parent_id is None


class ProcedureStep(models.Model):
    """One step of a minor category's standard handling procedure (处置流程)."""

    category = models.ForeignKey(
        IncidentCategory,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=_("category"),
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("step"), max_length=100)

    objects = ScopedManager()
    scope = Scope(bureau="category__bureau_id", station_staff_view_via_bureau=True)

    class Meta:
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")
        ordering = ["category_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["category", "order"], name="cases_step_unique_order")
        ]

    def __str__(self):
        return self.text


class Incident(SameStationMixin, models.Model):
    """An incident (警情): from receipt through dispatch and arrival to its disposition."""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("station"),
    )
    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=10, choices=IncidentSource)
    category = models.ForeignKey(
        IncidentCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=pgettext_lazy("incident", "category"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority, default=Priority.NORMAL
    )
    caller_phone = models.CharField(_("caller's phone"), max_length=20, blank=True)
    caller_name = models.CharField(
        _("caller's name"), max_length=50, blank=True, validators=[validate_name]
    )
    caller_person = models.ForeignKey(
        "registry.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents_called",
        verbose_name=_("caller (registry)"),
    )
    place_text = models.CharField(_("place"), max_length=PLACE_MAX_LENGTH)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    community = models.ForeignKey(
        "stations.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("village / community"),
    )
    address = models.ForeignKey(
        "registry.Address",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("standard address"),
    )
    description = LongTextField(_("description"), blank=True)

    status = models.CharField(
        _("status"), max_length=12, choices=IncidentStatus, default=IncidentStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    en_route_at = models.DateTimeField(_("on the way at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received by"),
    )

    post = models.ForeignKey(
        "stations.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("assigned post"),
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="incident_jobs",
        verbose_name=_("dispatched officers"),
    )
    suggested_post = models.ForeignKey(
        "stations.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggested post"),
    )
    override_reason = models.CharField(_("reason for another post"), max_length=200, blank=True)
    distance_km = models.DecimalField(
        _("distance (km)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    minutes_saved = models.DecimalField(
        _("minutes saved"), max_digits=6, decimal_places=1, null=True, blank=True
    )

    checklist = models.JSONField(_("handling checklist"), default=list, blank=True)
    outcome = LongTextField(_("handling result"), blank=True)
    disposition = models.CharField(_("disposition"), max_length=10, choices=Disposition, blank=True)
    case = models.ForeignKey(
        "Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("case"),
    )
    # Intake flags: how often this number called within the bureau's window, this call included.
    caller_recent_calls = models.PositiveSmallIntegerField(_("calls in window"), default=1)
    is_repeat_caller = models.BooleanField(_("repeat caller"), default=False)
    client_id = models.UUIDField(_("client id"), default=uuid.uuid4, unique=True, editable=False)

    objects = ScopedManager()
    scope = STATION_SCOPE
    same_station = {
        "post": _("The post belongs to another station."),
        "community": _("The village / community belongs to another station."),
        "address": _("The address belongs to another station."),
    }

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["station", "-received_at", "-id"]),
            models.Index(fields=["station", "status", "-received_at"]),
            models.Index(fields=["post", "status"]),
            models.Index(fields=["caller_phone", "received_at"]),
            # The statistics' response-time percentiles of a station or post over a range
            # (apps.stats.compute.response_percentiles) read these alone, without the rows:
            # a station-year's page took 290 ms at a million incidents, most of it here.
            *(
                models.Index(
                    fields=[unit, "received_at"],
                    include=["arrived_at"],
                    condition=models.Q(arrived_at__isnull=False),
                    name=f"cases_arrived_{unit}",
                )
                for unit in ("station", "post")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180)
                & models.Q(longitude__lte=180),
                name="cases_incident_coordinates",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=IncidentStatus.CLOSED) | ~models.Q(disposition=""),
                name="cases_incident_closed_has_disposition",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("cases:incident_detail", args=[self.pk])

    @staticmethod
    def _minutes(start, end) -> float | None:
        return round((end - start).total_seconds() / 60, 1) if start and end else None

    @property
    def processing_minutes(self):
        """Call processing: from receipt to a post being assigned."""
        return self._minutes(self.received_at, self.assigned_at)

    @property
    def travel_minutes(self):
        return self._minutes(self.en_route_at or self.dispatched_at, self.arrived_at)

    @property
    def response_minutes(self):
        """Response time as the bureau reports it: arrival minus receipt."""
        return self._minutes(self.received_at, self.arrived_at)


class IncidentEvent(TimelineEntry):
    """One entry of an incident's timeline. A tablet's retried submission carries the same
    client id and is acknowledged without acting twice."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        DISPATCHED = "dispatched", _("Dispatched")
        TAKEN = "taken", _("Job taken")
        STATUS = "status", _("Status")
        CHECKLIST = "checklist", _("Checklist")
        NOTE = "note", _("Note")
        ATTACHMENT = "attachment", _("Attachment")
        CLOSED = "closed", _("Closed")

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="events", verbose_name=_("incident")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    status = models.CharField(_("status"), max_length=12, choices=IncidentStatus, blank=True)
    text = models.CharField(_("text"), max_length=500, blank=True)
    # A retried submission finds its first entry by this id (services.incidents._repeat,
    # under the incident's row lock); unique with the time, as the table is partitioned by
    # it (apps.core.partitions).
    client_id = models.UUIDField(_("client id"), null=True, blank=True)

    objects = ScopedManager()
    scope = Scope(station="incident__station_id", bureau="incident__station__bureau_id")

    class Meta:
        verbose_name = _("incident event")
        verbose_name_plural = _("incident events")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["client_id", "at"], name="cases_event_unique_client")
        ]
        indexes = [models.Index(fields=["client_id"], name="cases_event_client_id")]

    def __str__(self):
        return f"{self.incident} · {self.get_kind_display()}"

    @property
    def label(self) -> str:
        """What the timeline says happened: the status reached when the entry moved the
        incident (so "received → received" never shows), else the kind of entry."""
        if self.status and self.kind != self.Kind.TAKEN:
            return self.get_status_display()
        return self.get_kind_display()


class IncidentAttachment(models.Model):
    """A photo or document taken at the scene, checked by content and stored privately."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("incident")
    )
    file = models.FileField(_("file"), storage=private_storage, max_length=200, editable=False)
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedManager()
    scope = Scope(station="incident__station_id", bureau="incident__station__bureau_id")

    class Meta:
        verbose_name = _("incident attachment")
        verbose_name_plural = _("incident attachments")
        ordering = ["incident_id", "uploaded_at", "id"]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("cases:attachment_file", args=[self.pk])


class Case(SameStationMixin, TimeStampedModel):
    """A criminal (刑事) or public-security (治安) case, numbered per station and year."""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("station"),
    )
    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind)
    title = models.CharField(_("title"), max_length=120)
    summary = LongTextField(_("summary"), blank=True)
    category = models.ForeignKey(
        IncidentCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=pgettext_lazy("case", "category"),
    )
    status = models.CharField(
        _("status"), max_length=14, choices=CaseStatus, default=CaseStatus.ACCEPTED
    )
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_led",
        verbose_name=_("lead officer"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=CaseOutcome, blank=True)
    outcome_note = LongTextField(_("outcome details"), blank=True)
    # The time limit running now: a public-security case's handling deadline (law.py,
    # suspended periods and approved extensions included), or a criminal matter's filing
    # decision while it is still accepted; empty once nothing is due.
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    # Set while a period that does not count (鉴定, 听证 under the rule) is open: the clock
    # stands still, so the case is neither overdue nor reminded.
    paused_since = models.DateTimeField(_("time limit paused since"), null=True, blank=True)
    injury_grade = models.CharField(
        _("injury grade"), max_length=10, choices=InjuryGrade, blank=True
    )
    not_filed_at = models.DateTimeField(_("not filed at"), null=True, blank=True)
    not_filed_reasons = LongTextField(_("reasons for not filing"), blank=True)
    # The day the deadline reminder last went out, so that a re-run sends it once a day.
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ScopedManager()
    scope = STATION_SCOPE
    same_station = {"lead_officer": _("The officer belongs to another station.")}

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-accepted_at", "-id"]
        indexes = [
            models.Index(fields=["station", "-accepted_at"]),
            models.Index(fields=["station", "status", "deadline"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=CaseStatus.CLOSED) | ~models.Q(outcome=""),
                name="cases_case_closed_has_outcome",
            ),
        ]
        permissions = [
            ("propose_extension", _("Can propose a deadline extension")),
            ("approve_extension", _("Can approve a deadline extension")),
            ("decide_reconsideration", _("Can decide a reconsideration")),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.deadline
            and self.paused_since is None
            and self.status != CaseStatus.CLOSED
            and self.deadline < timezone.now()
        )

    @property
    def is_filing_review(self) -> bool:
        return self.kind == CaseKind.CRIMINAL and self.status == CaseStatus.ACCEPTED


class CaseExtension(models.Model):
    """A request to extend a time limit: proposed at the station, decided by the superior
    organ (the sub-bureau's legal affairs unit)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ExtensionKind)
    # For a filing review: the days from acceptance asked for (law.FILING_EXTENSIONS).
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.CharField(_("reason"), max_length=200)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    approved = models.BooleanField(_("approved"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)

    objects = ScopedManager()
    scope = Scope(station="case__station_id", bureau="case__station__bureau_id")

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["case_id", "proposed_at", "id"]
        constraints = [
            # One pending proposal per case at a time.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(approved__isnull=True),
                name="cases_extension_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.case} · {self.get_kind_display()}"


class CaseSuspension(models.Model):
    """A period of forensic appraisal (鉴定) or hearing (听证): recorded from start to end;
    whether it counts towards the time limit is the rule's (law.py)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="suspensions", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SuspensionKind)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = ScopedManager()
    scope = Scope(station="case__station_id", bureau="case__station__bureau_id")

    class Meta:
        verbose_name = _("suspended period")
        verbose_name_plural = _("suspended periods")
        ordering = ["case_id", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ended_at__isnull=True),
                name="cases_suspension_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="cases_suspension_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.case} · {self.get_kind_display()}"


class Reconsideration(models.Model):
    """A complainant's request for reconsideration (复议) of a refusal to file, and the
    organ's decision (公安机关办理刑事案件程序规定 第180条)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="reconsiderations", verbose_name=_("case")
    )
    applicant = models.CharField(_("applicant"), max_length=50)
    reason = LongTextField(_("reason"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # True: the refusal is overturned and the case is filed; False: the refusal stands.
    overturned = models.BooleanField(_("refusal overturned"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = LongTextField(_("decision"), blank=True)

    objects = ScopedManager()
    scope = Scope(station="case__station_id", bureau="case__station__bureau_id")

    class Meta:
        verbose_name = _("reconsideration")
        verbose_name_plural = _("reconsiderations")
        ordering = ["case_id", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(overturned__isnull=True),
                name="cases_reconsideration_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.case} · {self.applicant}"


class CaseParty(models.Model):
    """A person involved in a case, linked to the registry when known."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="parties", verbose_name=_("case")
    )
    role = models.CharField(_("role"), max_length=10, choices=PartyRole)
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_parties",
        verbose_name=_("person (registry)"),
    )
    name = models.CharField(
        pgettext_lazy("person", "name"), max_length=50, validators=[validate_name]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedManager()
    scope = Scope(station="case__station_id", bureau="case__station__bureau_id")

    class Meta:
        verbose_name = _("case party")
        verbose_name_plural = _("case parties")
        ordering = ["case_id", "role", "id"]

    def __str__(self):
        return f"{self.name} · {self.get_role_display()}"


class CaseEvidence(models.Model):
    """An evidence file, checked by content and stored privately; served only in scope."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind)
    description = models.CharField(_("description"), max_length=200, blank=True)
    file = models.FileField(_("file"), storage=private_storage, max_length=200, editable=False)
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedManager()
    scope = Scope(station="case__station_id", bureau="case__station__bureau_id")

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["case_id", "uploaded_at", "id"]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("cases:evidence_file", args=[self.pk])


class CaseEvent(TimelineEntry):
    """One entry of a case's timeline: every transition, extension, party and evidence."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case")
    )
    status = models.CharField(_("status"), max_length=14, choices=CaseStatus, blank=True)
    text = models.CharField(_("text"), max_length=500)

    objects = ScopedManager()
    scope = Scope(station="case__station_id", bureau="case__station__bureau_id")

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.case} · {self.text}"


class DutyShift(SameStationMixin, models.Model):
    """One person on duty at a post (or the station) for a time (值班表)."""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="duty_shifts",
        verbose_name=_("station"),
    )
    post = models.ForeignKey(
        "stations.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_shifts",
        verbose_name=_("post"),
    )
    staff = models.ForeignKey(
        "stations.StaffAssignment",
        on_delete=models.CASCADE,
        related_name="duty_shifts",
        verbose_name=_("on duty"),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    role = models.CharField(_("role"), max_length=10, choices=ShiftRole, default=ShiftRole.ON_DUTY)
    note = models.CharField(_("note"), max_length=100, blank=True)

    objects = ScopedManager()
    scope = STATION_SCOPE
    same_station = {
        "post": _("The post belongs to another station."),
        "staff": _("This person works at another station."),
    }

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["post", "starts_at", "ends_at"]),
            models.Index(fields=["station", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="cases_shift_ends_after_start",
                violation_error_message=_("A shift must end after it starts."),
            ),
            models.UniqueConstraint(fields=["staff", "starts_at"], name="cases_shift_unique_start"),
        ]

    def __str__(self):
        return f"{self.staff.name} · {when(self.starts_at, 'short')}"

    def get_absolute_url(self) -> str:
        return reverse("cases:shift_update", args=[self.pk])

    def clean(self):
        super().clean()
        clean_times(self, planned=["starts_at", "ends_at"])

    @property
    def is_all_day(self) -> bool:
        """From midnight to midnight, local time (a weekend duty group's day): reads 全天."""
        starts = timezone.localtime(self.starts_at)
        return starts.hour == starts.minute == 0 and self.ends_at - self.starts_at == timedelta(
            days=1
        )


class IncomingCall(models.Model):
    """A call ringing at a desk, as the telephone system reported it (its webhook): the desk
    officer's page opens the intake form with the caller's history, the number masked until
    revealed (logged)."""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="incoming_calls",
        verbose_name=_("station"),
    )
    desk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="incoming_calls",
        verbose_name=_("desk officer"),
    )
    extension = models.CharField(_("extension"), max_length=10)
    phone = models.CharField(_("caller's phone"), max_length=20)
    rang_at = models.DateTimeField(_("rang at"), default=timezone.now)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    incident = models.ForeignKey(
        Incident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incoming_calls",
        verbose_name=_("incident"),
    )

    objects = ScopedManager()
    scope = STATION_SCOPE

    class Meta:
        verbose_name = _("incoming call")
        verbose_name_plural = _("incoming calls")
        ordering = ["-rang_at", "-id"]
        indexes = [models.Index(fields=["desk", "-rang_at"])]

    def __str__(self):
        return f"{self.extension} · {when(self.rang_at, 'short')}"
