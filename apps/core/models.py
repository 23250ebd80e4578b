import uuid
from typing import TYPE_CHECKING, Any, NoReturn

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import NotAllowed
from .scoping import Scope, ScopedManager, ScopedQuerySet

if TYPE_CHECKING:
    # The mixin is only ever mixed into models: their clean() is the next in line.
    _MixinBase = models.Model
else:
    _MixinBase = object


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class TimelineEntry(models.Model):
    """When and by whom one entry of a record's timeline (incident, case, dispute) happened;
    `by` is empty for what the system did itself."""

    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        abstract = True


class SameStationMixin(_MixinBase):
    """Records that point at other station-owned records (a post, an address, an officer)
    must point within their own station. `same_station` maps each such field to the message
    shown when it does not; clean() checks them all, for forms, serializers and admin."""

    same_station: dict[str, str] = {}
    station_id: int | None

    def clean(self) -> None:
        super().clean()
        errors = {}
        for field, message in self.same_station.items():
            related_id = getattr(self, f"{field}_id")
            if (
                related_id
                and self.station_id
                and getattr(self, field).station_id != self.station_id
            ):
                errors[field] = message
        if errors:
            raise ValidationError(errors)


class AppendOnly(NotAllowed):
    code = "append_only"


class AccessLogQuerySet(ScopedQuerySet["AccessLog"]):
    """No update and no delete: entries leave only through the auditor's purge of those
    past the retention (services.access_log_purge), which calls `_purge`."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly(_("The personal-data access log cannot be changed."))

    def delete(self) -> NoReturn:
        raise AppendOnly(_("Only the auditor's purge removes access-log entries."))

    def _purge(self) -> int:
        return models.QuerySet.delete(self)[0]


def personal_field_label(subject_type: str, field: str) -> str:
    """ "registry.person", "id_number" -> 身份证号: a logged field's verbose name."""
    try:
        return str(apps.get_model(subject_type)._meta.get_field(field).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return field


class AccessLog(models.Model):
    """One full view of a piece of personal data: who saw which field of whom, when, where.

    Append-only, with the time in the key columns so that the table can be partitioned by
    time later. It never stores the value itself, only what was looked at. An entry is
    never changed, and deleted only by the auditor's purge once past the retention
    (ACCESS_LOG_RETENTION_DAYS, at least six months); on PostgreSQL a trigger refuses
    UPDATE, and DELETE of entries younger than six months, whoever sends them
    (migration 0003).
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("station"),
    )
    subject_type = models.CharField(_("record type"), max_length=100)
    subject_id = models.CharField(_("record id"), max_length=64)
    subject_label = models.CharField(_("record"), max_length=200)
    field = models.CharField(_("field"), max_length=50)
    page = models.CharField(_("page"), max_length=300)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = models.Manager.from_queryset(AccessLogQuerySet)()
    scope = Scope(station="station_id", bureau="station__bureau_id")

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "-at"])]
        permissions = [("view_personal_data", _("Can view personal data in full"))]

    def __str__(self) -> str:
        return f"{self.user} · {self.subject_label} · {self.field_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly(_("The personal-data access log cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly(_("Only the auditor's purge removes access-log entries."))

    @property
    def field_label(self) -> str:
        """The viewed field as people call it (its verbose name), not its code name."""
        return personal_field_label(self.subject_type, self.field)

    @property
    def subject_type_label(self) -> str:
        try:
            return str(apps.get_model(self.subject_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.subject_type


class Notification(models.Model):
    """A message to one user: shown in their message centre and, when asked, also sent
    through the configured external sender (SMS, push). Only the recipient sees it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Whether the external sender (SMS/push) should carry it too, and when it did.
    external = models.BooleanField(_("also sent by SMS/push"), default=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = ScopedManager()
    scope = Scope(owner="recipient_id")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class QueuedTask(models.Model):
    """A Celery task asked for by a change, written in the change's own transaction (a
    transactional outbox, apps.core.outbox): sent once the change commits and, if the
    broker could not take it then, sent again by the periodic flush until it does. A row
    may be sent twice (sent, then the mark lost): every task is idempotent."""

    task_id = models.UUIDField(_("task id"), default=uuid.uuid4, unique=True, editable=False)
    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The flush reads only the rows still waiting, oldest first.
            models.Index(
                fields=["created_at"],
                name="core_queuedtask_waiting",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id}"


class NumberSequence(models.Model):
    """The last number given out per station, series (apps.stations.numbers.SERIES_DIGITS:
    incidents, cases, disputes, residence documents) and year. Taken under a row lock in
    the same transaction as the record it numbers (services.next_number), so numbers have
    no gaps and no repeats."""

    station = models.ForeignKey("stations.Station", on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "series", "year"], name="core_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series}{self.year}: {self.last}"
