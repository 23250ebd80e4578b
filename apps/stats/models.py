"""The statistics store: one row per (day, unit, metric, dimension), filled by Celery tasks
with upserts, so re-running a day or a range gives the same rows. Units are a
post, a station or a sub-bureau; every row carries its bureau and (below the bureau) its
station, so `restrict()` scopes it like any other record."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import Scope, ScopedManager

from .metrics import BY_NAME


class UnitKind(models.TextChoices):
    POST = "post", _("Post")
    STATION = "station", _("Station")
    BUREAU = "bureau", _("Sub-bureau")


class DailyFact(models.Model):
    id = models.BigAutoField(primary_key=True)
    day = models.DateField(_("day"))
    unit_kind = models.CharField(_("unit kind"), max_length=7, choices=UnitKind)
    unit_id = models.PositiveIntegerField(_("unit id"))
    bureau = models.ForeignKey(
        "stations.Bureau", on_delete=models.CASCADE, related_name="+", verbose_name=_("sub-bureau")
    )
    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("station"),
    )
    metric = models.CharField(_("metric"), max_length=40)
    dimension = models.CharField(_("dimension"), max_length=60, blank=True, default="")
    value = models.FloatField(_("value"))
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    objects = ScopedManager()
    scope = Scope(station="station_id", bureau="bureau_id")

    class Meta:
        verbose_name = _("daily fact")
        verbose_name_plural = _("daily facts")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "unit_kind", "unit_id", "metric", "dimension"],
                name="stats_dailyfact_unique_key",
            )
        ]
        indexes = [
            models.Index(fields=["unit_kind", "unit_id", "metric", "day"]),
            models.Index(fields=["bureau", "metric", "day"]),
        ]

    def __str__(self):
        metric = BY_NAME.get(self.metric)
        label = metric.label if metric else self.metric
        return f"{self.day} {self.get_unit_kind_display()}:{self.unit_id} {label}={self.value}"


class StatsRun(models.Model):
    """One computation over a range of days for a bureau: what the nightly job and an
    on-demand recompute did, and the high-water mark the next incremental run starts from."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    bureau = models.ForeignKey(
        "stations.Bureau", on_delete=models.CASCADE, related_name="+", verbose_name=_("sub-bureau")
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    incremental = models.BooleanField(_("incremental"), default=False)
    task_id = models.CharField(_("task id"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Source records changed after this moment are picked up by the next incremental run.
    watermark = models.DateTimeField(_("changes seen up to"), null=True, blank=True)
    # The highest id of each append-only source when the run started (compute.SOURCES):
    # rows above it are new to the next incremental run whatever time they carry.
    marks = models.JSONField(_("source id marks"), default=dict, blank=True, editable=False)
    days = models.PositiveIntegerField(_("days computed"), default=0)
    rows = models.PositiveIntegerField(_("rows written"), default=0)
    error = models.TextField(_("error"), blank=True)
    # Written by the worker when it starts the run and then as days are written (at most
    # every HEARTBEAT_SECONDS): a running run whose heartbeat stops had its worker killed
    # (services.runs_recover). Empty while the task waits in the queue or the outbox.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # The failed run this one computes again (a restart from the page or by runs_recover),
    # and how many runs in a row runs_recover has started for the range.
    restart_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="restarts",
        verbose_name=_("restart of"),
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)

    objects = ScopedManager()
    scope = Scope(bureau="bureau_id")

    class Meta:
        verbose_name = _("statistics run")
        verbose_name_plural = _("statistics runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.bureau} {self.first_day}–{self.last_day} ({self.get_status_display()})"


class DirtyDay(models.Model):
    """A day of a bureau whose figures a change left stale where the nightly run's
    watermarks cannot see it: a source record deleted, or its day moved away (marked by
    apps.stats.signals). The nightly run recomputes it; computing a day clears its mark."""

    bureau = models.ForeignKey(
        "stations.Bureau", on_delete=models.CASCADE, related_name="+", verbose_name=_("sub-bureau")
    )
    day = models.DateField(_("day"))
    marked_at = models.DateTimeField(_("marked at"))

    class Meta:
        verbose_name = _("day to recompute")
        verbose_name_plural = _("days to recompute")
        constraints = [
            models.UniqueConstraint(fields=["bureau", "day"], name="stats_dirtyday_unique_day")
        ]

    def __str__(self):
        return f"{self.bureau_id} {self.day}"
