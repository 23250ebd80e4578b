"""Admin of the statistics store: the facts read-only with filters, the runs as a log, and
the action (on sub-bureaus) that recomputes a range of days through an intermediate form.
Scoped like every admin: a sub-bureau admin sees and recomputes their own bureau only."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyScopedAdmin
from apps.core.errors import DomainError
from apps.core.forms import DateInput

from . import services
from .metrics import BY_NAME, METRICS
from .models import DailyFact, StatsRun


class MetricFilter(admin.SimpleListFilter):
    title = _("metric")
    parameter_name = "metric"

    def lookups(self, request, model_admin):
        return [(metric.name, metric.label) for metric in METRICS]

    def queryset(self, request, queryset):
        return queryset.filter(metric=self.value()) if self.value() else queryset


@admin.register(DailyFact)
class DailyFactAdmin(ReadOnlyScopedAdmin):
    list_display = ["day", "unit_kind", "unit_id", "station", "metric_label", "dimension", "value"]
    fields = [
        "day",
        "unit_kind",
        "unit_id",
        "bureau",
        "station",
        "metric_label",
        "dimension",
        "value",
    ]
    list_filter = ["unit_kind", MetricFilter, "bureau", "station"]
    date_hierarchy = "day"
    list_select_related = ["station"]
    show_full_result_count = False

    @admin.display(description=_("metric"), ordering="metric")
    def metric_label(self, fact):
        metric = BY_NAME.get(fact.metric)
        return metric.label if metric else fact.metric


@admin.register(StatsRun)
class StatsRunAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "bureau",
        "first_day",
        "last_day",
        "incremental",
        "status",
        "days",
        "rows",
        "started_at",
        "finished_at",
    ]
    list_filter = ["status", "incremental", "bureau"]
    list_select_related = ["bureau"]
    readonly_fields = ["error"]


class RecomputeForm(forms.Form):
    first_day = forms.DateField(label=_("First day"), widget=DateInput)
    last_day = forms.DateField(label=_("Last day"), widget=DateInput)


@admin.action(description=_("Recompute statistics for a range of days"))
def recompute_statistics(modeladmin, request, queryset):
    """An action of the sub-bureau admin: asks for the range, then queues one run per
    chosen bureau (scope and permission checked by the service)."""
    form = RecomputeForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        for bureau in queryset:
            try:
                run = services.recompute_start(
                    by=request.user,
                    bureau=bureau,
                    first_day=form.cleaned_data["first_day"],
                    last_day=form.cleaned_data["last_day"],
                )
            except DomainError as exc:
                modeladmin.message_user(request, f"{bureau}: {exc.message}", messages.ERROR)
                continue
            modeladmin.message_user(
                request,
                _("%(bureau)s: recomputation queued (run %(run)s).")
                % {"bureau": bureau, "run": run.pk},
            )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Recompute statistics"),
        "form": form,
        "queryset": queryset,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "action": "recompute_statistics",
    }
    return TemplateResponse(request, "admin/stats/recompute.html", context)
