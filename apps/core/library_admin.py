"""The libraries' admin pages, worded as the workbench words its own pages.

django-auditlog and django-celery-beat head some columns with plain English strings (no
gettext), write English sentences ("2 changes: name, code", "At 01:30 AM") or list code
names ("dutyshift"); these admins replace just those columns. What the libraries do mark
for translation but leave untranslated in Chinese is translated in the workbench's
catalogue (apps/core/library_texts.py).
"""

from typing import Any

from auditlog.admin import LogEntryAdmin
from auditlog.filters import ResourceTypeFilter
from auditlog.models import LogEntry
from cron_descriptor import FormatException, MissingFieldException, Options, get_description
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import CrontabScheduleAdmin, PeriodicTaskAdmin
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from apps.core.timefmt import when

# --- django-auditlog: the change history ----------------------------------------------------


def _model_name(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(capfirst(model._meta.verbose_name)) if model else content_type.model


def _field_name(model: type[models.Model] | None, name: str) -> str:
    """A changed field as people call it: its verbose name, or for the records that point
    at this one (a new address's "residences"), their kind's."""
    if model is None:  # a record type whose model is gone
        return name
    try:
        field = model._meta.get_field(name)
    except (AttributeError, FieldDoesNotExist):
        return name
    if field.auto_created and not field.concrete:
        # A reverse relation: its related model is a class, never "self" or None.
        return str(field.related_model._meta.verbose_name_plural)  # type: ignore[union-attr]
    # A field auditlog records: a model field (relations' reverse sides are handled above).
    return str(field.verbose_name)  # type: ignore[union-attr]


# django-auditlog and django-celery-beat ship no types: their classes are Any to mypy.
class ChangedRecordTypeFilter(ResourceTypeFilter):  # type: ignore[misc]
    def lookups(
        self, request: HttpRequest, model_admin: "admin.ModelAdmin[Any]"
    ) -> list[tuple[int, str]]:
        ids = model_admin.get_queryset(request).order_by().values_list("content_type", flat=True)
        types = ContentType.objects.filter(pk__in=ids.distinct())
        return sorted(((kind.pk, _model_name(kind)) for kind in types), key=lambda row: row[1])


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ChangeHistoryAdmin(LogEntryAdmin):  # type: ignore[misc]
    list_display = ["created", "record", "action", "changed_fields", "changed_by"]
    list_filter = ["action", ChangedRecordTypeFilter]
    readonly_fields = ["created", "record", "action", "changed_by", "msg"]
    fieldsets = [
        (None, {"fields": ["created", "changed_by", "record"]}),
        (_("Changes"), {"fields": ["action", "msg"]}),
    ]

    @admin.display(description=_("Created"), ordering="timestamp")
    def created(self, entry: LogEntry) -> str:
        return when(entry.timestamp, "seconds")  # (its own gives admin an aware datetime)

    @admin.display(description=_("record"))
    def record(self, entry: LogEntry) -> str:
        kind = entry.content_type
        text = f"{_model_name(kind)} · {entry.object_repr}"
        try:
            url = reverse(
                f"admin:{kind.app_label}_{kind.model}_change",
                args=[entry.object_pk if entry.object_id is None else entry.object_id],
            )
        except NoReverseMatch:
            return text
        return format_html('<a href="{}">{}</a>', url, text)

    @admin.display(description=_("changed fields"))
    def changed_fields(self, entry: LogEntry) -> str:
        if entry.action in (LogEntry.Action.DELETE, LogEntry.Action.ACCESS):
            return ""
        model = entry.content_type.model_class()
        return "、".join(_field_name(model, name) for name in entry.changes_dict)

    @admin.display(description=_("changed by"))
    def changed_by(self, entry: LogEntry) -> object:
        return entry.actor or _("the system")


# --- django-celery-beat: the scheduled jobs -------------------------------------------------


def _cron_in_words(crontab: CrontabSchedule) -> str:
    """ "30 1 * * *" as 在 01:30 (cron-descriptor's Chinese, on the 24-hour clock)."""
    options = Options()
    options.locale_code, options.use_24hour_time_format = "zh_CN", True
    fields = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")
    expression = " ".join(getattr(crontab, name) for name in fields)
    try:
        return f"{get_description(expression, options)} ({crontab.timezone})"
    except (FormatException, MissingFieldException):
        return str(crontab)


class TaskFilter(admin.SimpleListFilter):
    """The library's own filter is headed "Task Name", a plain English string."""

    title = _("task")
    parameter_name = "task"

    def lookups(
        self, request: HttpRequest, model_admin: "admin.ModelAdmin[Any]"
    ) -> list[tuple[str, str]]:
        tasks = model_admin.get_queryset(request).order_by("task").values_list("task", flat=True)
        return [(task, task) for task in tasks.distinct()]

    def queryset(
        self, request: HttpRequest, queryset: "models.QuerySet[Any]"
    ) -> "models.QuerySet[Any]":
        return queryset if self.value() is None else queryset.filter(task=self.value())


admin.site.unregister(PeriodicTask)
admin.site.unregister(CrontabSchedule)


@admin.register(PeriodicTask)
class ScheduledJobAdmin(PeriodicTaskAdmin):  # type: ignore[misc]
    list_display = ["name", "enabled", "schedule", "start_time", "last_run_at", "one_off"]
    list_filter = ["enabled", "one_off", TaskFilter, "start_time", "last_run_at"]
    readonly_fields = ["last_run_at", "crontab_translation"]

    @admin.display(description=_("Schedule"))
    def schedule(self, task: PeriodicTask) -> str:
        if task.crontab:
            return _cron_in_words(task.crontab)
        scheduler: str = task.scheduler
        return scheduler

    @admin.display(description=_("schedule in words"))
    def crontab_translation(self, task: PeriodicTask) -> str:
        return _cron_in_words(task.crontab) if task.crontab else ""


@admin.register(CrontabSchedule)
class CronScheduleAdmin(CrontabScheduleAdmin):  # type: ignore[misc]
    list_display = ["__str__", "in_words"]
    fields = [
        "in_words",
        "minute",
        "hour",
        "day_of_month",
        "month_of_year",
        "day_of_week",
        "timezone",
    ]
    readonly_fields = ["in_words"]

    @admin.display(description=_("schedule in words"))
    def in_words(self, crontab: CrontabSchedule) -> str:
        return _cron_in_words(crontab)
