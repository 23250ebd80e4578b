"""Thin generic HTML views over scoped models.

Each page checks the role permission first (403 when missing) and then looks records up
through `Model.objects.restrict(user, action)` (404 when out of scope). Writes go through
`save_in_scope`, one transaction.
"""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import generic
from django.views.decorators.http import require_POST
from django_filters.views import FilterView

from . import services
from .errors import DomainError, OutOfScope
from .filters import AccessLogFilter, ScopedFilterSet
from .models import AccessLog, Notification
from .notifications import notifications_mark_read
from .pagination import NoCountPaginator
from .scoping import CHANGE, VIEW, ScopedQuerySet, scoped_rows
from .services import personal_data_reveal, save_in_scope

if TYPE_CHECKING:
    from rest_framework.request import Request

    from apps.accounts.models import User

    # Django's generic views are generic only in the stubs (no subscript at run time). The
    # mixins below are only ever mixed into views: these are the views' methods they call.
    _DetailView = generic.DetailView[models.Model]
    _CreateView = generic.CreateView[models.Model, forms.ModelForm[models.Model]]
    _UpdateView = generic.UpdateView[models.Model, forms.ModelForm[models.Model]]
    _ContextBase = generic.base.ContextMixin
    _FormBase = generic.edit.ModelFormMixin[models.Model, forms.ModelForm[models.Model]]
else:
    _DetailView, _CreateView, _UpdateView = (
        generic.DetailView,
        generic.CreateView,
        generic.UpdateView,
    )
    _ContextBase = _FormBase = object


def signed_in(request: "HttpRequest | Request") -> "User":
    """The user of a request that login_required (or LoginRequiredMixin) let through: signed
    in, so never AnonymousUser."""
    return cast("User", request.user)


def safe_next(request: HttpRequest) -> str:
    """The page a form asks to return to (`next`, posted or in the query), if it is on this
    site; "" otherwise, so that a crafted link cannot send an officer elsewhere."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def form_errors(form: forms.BaseForm) -> str:
    """A bound form's errors as one sentence, for an action whose page shows a message."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def require_perm(request: HttpRequest, perm: str) -> None:
    """For function views: a role without the permission gets 403 (records out of scope are
    404 through `restrict`, separately)."""
    if not request.user.has_perm(perm):
        raise PermissionDenied


class ScopedMixin(LoginRequiredMixin, PermissionRequiredMixin, _ContextBase):
    if TYPE_CHECKING:
        # Each page names its model; this base has none.
        model: type[models.Model]
        request: HttpRequest
    else:
        model = None
    action = VIEW  # which scope the page reads in
    permission_action = "view"  # which model permission the page needs
    select_related: tuple[str, ...] = ()
    raise_exception = True  # logged-in users without the role permission get 403

    def handle_no_permission(self) -> HttpResponseRedirect:
        if not self.request.user.is_authenticated:
            self.raise_exception = False
        return super().handle_no_permission()

    def get_permission_required(self) -> list[str]:
        opts = self.model._meta
        return [f"{opts.app_label}.{self.permission_action}_{opts.model_name}"]

    def get_queryset(self) -> ScopedQuerySet[models.Model]:
        qs = scoped_rows(self.model).restrict(self.request.user, self.action)
        # select_related() with no names would join every foreign key.
        return qs.select_related(*self.select_related) if self.select_related else qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["opts"] = self.model._meta
        return context


class ScopedListView(ScopedMixin, FilterView):  # type: ignore[misc]  # django-filter: no types
    """A list page: filterset (with `q`), pagination, and `columns` rendered by core/list.html."""

    paginate_by = 50
    template_name = "core/list.html"
    columns: list[tuple[str, str]] = []
    create_url_name: str | None = None
    # The topic (apps.live.events.TOPICS) whose events refresh the rows in place, if any.
    live_topic: str | None = None
    reads_replica = True  # a list may be a few seconds behind (core.replicas)

    def get_filterset(self, filterset_class: type[ScopedFilterSet]) -> ScopedFilterSet:
        filterset: ScopedFilterSet = super().get_filterset(filterset_class)
        filterset.narrow_choices_to_station()
        return filterset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["columns"] = self.columns
        context["live_topic"] = self.live_topic
        opts = self.model._meta
        if self.create_url_name and self.request.user.has_perm(
            f"{opts.app_label}.add_{opts.model_name}"
        ):
            context["create_url_name"] = self.create_url_name
        return context


class ScopedDetailView(ScopedMixin, _DetailView):
    template_name = "core/detail.html"
    fields: list[str] = []
    update_url_name: str | None = None
    # Personal data shown masked, each with a "show in full (logged)" button:
    # (field, mask kind, URL name of the RevealPersonalDataView).
    masked_fields: list[tuple[str, str, str]] = []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["fields"] = self.fields
        context["masked_fields"] = [
            (field, kind, reverse(url_name, args=[self.object.pk, field]))
            for field, kind, url_name in self.masked_fields
        ]
        opts = self.model._meta
        if self.update_url_name and self.request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        ):
            context["update_url_name"] = self.update_url_name
        return context


class ScopedFormMixin(ScopedMixin, _FormBase):
    template_name: str | None = "core/form.html"
    action = CHANGE
    cancel_url_name = "home"  # where "Cancel" leads on a new record's form

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form: "forms.ModelForm[models.Model]") -> HttpResponse:
        try:
            self.object = save_in_scope(by=signed_in(self.request), save=form.save)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        # Not super().form_valid(): ModelFormMixin would save the form a second time.
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self) -> str:
        # Every model with a form page has its own page.
        url: str = self.object.get_absolute_url()  # type: ignore[attr-defined]
        return url

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = reverse(self.cancel_url_name)
        return context


# A new record's view has no object until its form is saved (the stubs' `Model | None`).
class ScopedCreateView(ScopedFormMixin, _CreateView):  # type: ignore[misc]
    permission_action = "add"


class ScopedUpdateView(ScopedFormMixin, _UpdateView):
    permission_action = "change"


class RevealPersonalDataView(ScopedMixin, generic.View):
    """POST: the full value of one personal-data field, as an htmx fragment; logs the view."""

    fields: tuple[str, ...] = ()

    def post(self, request: HttpRequest, pk: int, field: str) -> HttpResponse:
        if field not in self.fields:
            raise Http404
        obj = self.get_queryset().get_or_404(pk)
        try:
            value = personal_data_reveal(
                by=signed_in(request), obj=obj, field=field, request=request
            )
        except OutOfScope as exc:
            raise Http404 from exc
        return HttpResponse(f'<span class="revealed">{escape(value)}</span>')


class AccessLogList(ScopedListView):
    """Who looked at which personal data, for leaders, sub-bureau admins and auditors; the
    auditor also deletes the entries past the retention here."""

    model = AccessLog
    template_name = "core/accesslog_list.html"
    filterset_class = AccessLogFilter
    paginator_class = NoCountPaginator
    select_related = ("user", "station")
    columns = [
        ("at", _("Time")),
        ("user", _("User")),
        ("subject_label", _("Record")),
        ("field_label", _("Field")),
        ("page", _("Page")),
        ("ip_address", _("IP address")),
    ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["retention_days"] = settings.ACCESS_LOG_RETENTION_DAYS
        return context


@login_required
@require_POST
def access_log_purge(request: HttpRequest) -> HttpResponseRedirect:
    require_perm(request, "core.delete_accesslog")
    deleted = services.access_log_purge(by=signed_in(request))
    messages.success(
        request,
        ngettext(
            "%(n)d entry older than %(days)d days deleted.",
            "%(n)d entries older than %(days)d days deleted.",
            deleted,
        )
        % {"n": deleted, "days": settings.ACCESS_LOG_RETENTION_DAYS},
    )
    return redirect("accesslog_list")


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The message centre: the user's own notifications, newest first, unread ones marked."""
    user = signed_in(request)
    rows = Notification.objects.restrict(user).filter(recipient=user)
    page = NoCountPaginator(rows, 30).page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page_obj": page})


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponseRedirect:
    """Mark one (`id`) or all of the user's notifications read, then follow its link."""
    pk = request.POST.get("id")
    notifications_mark_read(user=signed_in(request), ids=[pk] if pk and pk.isdigit() else None)
    target = ""
    if pk and pk.isdigit():
        notification = Notification.objects.restrict(request.user).filter(pk=pk).first()
        target = notification.url if notification else ""
    # Only a local path: a stored link must never send the user to another site.
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("notification_list")
