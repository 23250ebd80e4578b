from typing import TYPE_CHECKING, Any, NoReturn

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.db.models.options import Options
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from .models import AccessLog, Notification, QueuedTask, personal_field_label
from .scoping import CHANGE, VIEW, ScopedQuerySet, scoped_rows
from .services import personal_data_reveal, save_in_scope
from .views import signed_in

if TYPE_CHECKING:
    from django_stubs_ext import FieldsetSpec

    # Generic in the stubs only: Django's admin classes take no subscript at run time.
    _ModelAdmin = admin.ModelAdmin[models.Model]
    _TabularInline = admin.TabularInline[models.Model, models.Model]
else:
    _ModelAdmin = admin.ModelAdmin
    _TabularInline = admin.TabularInline


class ScopedAdmin(_ModelAdmin):
    """Admin over `restrict()`: a sub-bureau admin sees and edits their bureau only, related
    choices are limited the same way, and another bureau's record is a plain 404."""

    # Shown in full only on the change page, to users allowed to, and each view is logged.
    personal_data_fields: tuple[str, ...] = ()

    def get_personal_data_fields(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> tuple[str, ...]:
        return self.personal_data_fields

    def _hidden_personal_data(
        self, request: HttpRequest, obj: models.Model | None
    ) -> tuple[str, ...]:
        if request.user.has_perm("core.view_personal_data"):
            return ()
        return self.get_personal_data_fields(request, obj)

    def get_queryset(self, request: HttpRequest) -> ScopedQuerySet[models.Model]:
        return scoped_rows(self.model).restrict(request.user, VIEW)

    def get_exclude(self, request: HttpRequest, obj: models.Model | None = None) -> list[str]:
        excluded = list(super().get_exclude(request, obj) or [])
        return excluded + list(self._hidden_personal_data(request, obj))

    def get_fieldsets(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> "FieldsetSpec":
        # Declared fieldsets name the hidden fields too: drop them there as well, or the
        # page would look for a form field that is not there.
        hidden = self._hidden_personal_data(request, obj)
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if (
            request.method == "GET"
            and response.status_code == 200
            and request.user.has_perm("core.view_personal_data")
        ):
            obj = self.get_object(request, object_id)
            for field in self.get_personal_data_fields(request, obj):
                # The page was shown (200), so the record exists.
                assert obj is not None
                personal_data_reveal(by=signed_in(request), obj=obj, field=field, request=request)
        return response

    def _restrict_choices(
        self,
        db_field: "models.ForeignKey[Any, Any] | models.ManyToManyField[Any, Any]",
        request: HttpRequest,
        kwargs: dict[str, Any],
    ) -> dict[str, Any]:
        related = db_field.related_model
        if isinstance(related, type) and hasattr(related, "scope") and "queryset" not in kwargs:
            kwargs["queryset"] = scoped_rows(related).restrict(request.user, CHANGE)
        return kwargs

    def formfield_for_foreignkey(
        self, db_field: "models.ForeignKey[Any, Any]", request: HttpRequest, **kwargs: Any
    ) -> "forms.ModelChoiceField[models.Model] | None":
        kwargs = self._restrict_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: "models.ManyToManyField[Any, Any]", request: HttpRequest, **kwargs: Any
    ) -> "forms.ModelMultipleChoiceField[models.Model] | None":
        kwargs = self._restrict_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None:
            rows = scoped_rows(self.model).restrict(request.user, CHANGE)
            return rows.filter(pk=obj.pk).exists()
        return allowed

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        def save() -> models.Model:
            super(ScopedAdmin, self).save_model(request, obj, form, change)
            return obj

        save_in_scope(by=signed_in(request), save=save)

    def _get_obj_does_not_exist_redirect(
        self, request: HttpRequest, opts: "Options[Any]", object_id: str
    ) -> NoReturn:
        # Django redirects to the index with "does not exist"; out of scope must be a 404.
        raise Http404


class ReadOnlyAdminMixin:
    """Records that only the services, the tablets or the sensors write (or that are
    evidence): admin shows them and never adds, edits or deletes one."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class ReadOnlyScopedAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    pass


class ReadOnlyInline(_TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class AccessedFieldFilter(admin.SimpleListFilter):
    """The fields viewed, under their people's names (身份证号, not id_number)."""

    title = _("field")
    parameter_name = "field"

    def lookups(
        self, request: HttpRequest, model_admin: "admin.ModelAdmin[Any]"
    ) -> list[tuple[str, str]]:
        rows = model_admin.get_queryset(request).order_by().values_list("subject_type", "field")
        return sorted(
            {(field, personal_field_label(kind, field)) for kind, field in rows.distinct()}
        )

    def queryset(self, request: HttpRequest, queryset: "QuerySet[Any]") -> "QuerySet[Any]":
        return queryset if self.value() is None else queryset.filter(field=self.value())


class RecordTypeFilter(admin.SimpleListFilter):
    title = _("record type")
    parameter_name = "subject_type"

    def lookups(
        self, request: HttpRequest, model_admin: "admin.ModelAdmin[Any]"
    ) -> list[tuple[str, str]]:
        rows = model_admin.get_queryset(request).order_by().values_list("subject_type")
        return [
            (kind, AccessLog(subject_type=kind).subject_type_label) for (kind,) in rows.distinct()
        ]

    def queryset(self, request: HttpRequest, queryset: "QuerySet[Any]") -> "QuerySet[Any]":
        return queryset if self.value() is None else queryset.filter(subject_type=self.value())


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyScopedAdmin):
    """Read-only: the access log is evidence, nobody edits or deletes it here."""

    list_display = ["at", "user", "station", "subject_label", "field_name", "page", "ip_address"]
    list_filter = [AccessedFieldFilter, RecordTypeFilter]
    search_fields = ["subject_label", "user__username"]
    date_hierarchy = "at"
    list_select_related = ["user", "station"]
    show_full_result_count = False

    @admin.display(description=_("field"), ordering="field")
    def field_name(self, entry: AccessLog) -> str:
        return entry.field_label


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, _ModelAdmin):
    """Superusers only (a notification has no station to scope it by): support can see what
    was sent to whom, never edit it."""

    list_display = ["created_at", "recipient", "title", "read_at", "external", "sent_at"]
    list_filter = ["external"]
    raw_id_fields = ["recipient"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return request.user.is_superuser


@admin.register(QueuedTask)
class QueuedTaskAdmin(ReadOnlyAdminMixin, _ModelAdmin):
    """Read-only (superusers and sub-bureau admins): which background tasks went out, and
    which still wait for the broker, with the reason. Arguments are ids, never personal
    data."""

    list_display = ["created_at", "task_name", "args", "attempts", "sent_at", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "task_name"]
    search_fields = ["task_name", "=task_id"]
    date_hierarchy = "created_at"
    show_full_result_count = False


# The libraries' admin pages, worded as the workbench words its own.
from . import library_admin  # noqa: E402, F401
