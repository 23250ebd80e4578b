"""One way from a posted form or an API call to a service.

An app declares each step on a record once, in its `actions.py`: the service, the form (page)
and serializer (API) that read its input, the message a page shows on success. The role rule
is the service's own (`apps.core.rules.requires`); the declaration reads it from there.

    TAKE = Action(name="take", model=Incident, service=services.incident_take,
                  serializer=TakeSerializer, success=_("The job is yours: %(object)s."))

    urls.py:      path("incidents/<int:pk>/take/", action_view(TAKE), name="incident_take")
    api/views.py: take = api_action(TAKE)

Both ends then do the same: 403 without the service's permissions (before any lookup), the
record through `restrict(user, CHANGE)` (404 outside the scope), the input validated, one
service call (one transaction), its `DomainError` shown as a message on the page or as the
API's error shape — never half-saved.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action as drf_action
from rest_framework.fields import empty
from rest_framework.response import Response

from .errors import DomainError
from .rules import may, permissions_of
from .scoping import CHANGE, scoped_rows
from .views import form_errors, safe_next

# (record, validated input, request) -> the service's result
Call = Callable[[Any, dict[str, Any], Any], Any]


@dataclass(frozen=True)
class Action:
    """A step on one record of `model`, taken by `service`."""

    name: str
    model: type[Model]
    service: Callable[..., Any]
    # The service's keyword for the record; the model's name by default ("incident").
    target: str = ""
    form: type[forms.BaseForm] | None = None
    serializer: type[serializers.BaseSerializer[Any]] | None = None
    # The form's extra arguments, when its choices depend on the record.
    form_kwargs: Callable[[Any], dict[str, Any]] | None = None
    # When the input does not map one to one onto the service's keywords.
    call: Call | None = None
    # Shown on the page: a text formatted with the record (`object`), the result and the
    # input, or a function of (record, result) giving the text.
    success: Any = ""
    # Where the page goes next when no safe `next` was posted: a function of (record,
    # result); the record's page by default.
    redirect: Callable[[Any, Any], Any] | None = None
    # The answer to an htmx post, a function of (request, record, result): a partial that
    # replaces part of the page instead of a redirect (the message waits for the next page).
    htmx: Callable[[HttpRequest, Any, Any], HttpResponse] | None = None
    select_related: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not permissions_of(self.service):
            raise ImproperlyConfigured(
                f"Action {self.name!r}: {self.service.__qualname__} declares no @requires rule."
            )

    @property
    def permissions(self) -> tuple[str, ...]:
        return permissions_of(self.service)

    def run(self, record: Any, data: dict[str, Any], request: Any) -> Any:
        if self.call is not None:
            return self.call(record, data, request)
        target = self.target or str(self.model._meta.model_name)
        return self.service(**{target: record}, by=request.user, **data)

    def record(self, request: HttpRequest, pk: int) -> Any:
        queryset = scoped_rows(self.model).restrict(request.user, CHANGE)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset.get_or_404(pk)

    def submit(self, request: HttpRequest, record: Any) -> Any:
        """The page's half: validate the posted form, run the service."""
        data: dict[str, Any] = {}
        if self.form is not None:
            extra = self.form_kwargs(record) if self.form_kwargs else {}
            form = self.form(request.POST, request.FILES, **extra)
            if not form.is_valid():
                raise DomainError(form_errors(form))
            data = form.cleaned_data
        result = self.run(record, data, request)
        if callable(self.success):
            messages.success(request, self.success(record, result))
        elif self.success:
            messages.success(request, self.success % {"object": record, "result": result, **data})
        return result


def _respond(action: Action, request: HttpRequest, pk: int) -> HttpResponse:
    if not may(request.user, action.service):
        raise PermissionDenied
    record = action.record(request, pk)
    result = None
    try:
        result = action.submit(request, record)
    except DomainError as exc:
        messages.error(request, exc.message)
    if action.htmx is not None and getattr(request, "htmx", False):
        return action.htmx(request, record, result)
    if (target := safe_next(request)) or action.redirect is None:
        return redirect(target or record)
    return redirect(action.redirect(record, result))


def action_view(declared: Action | Mapping[str, Action]) -> Callable[..., HttpResponse]:
    """The page's POST endpoint for one action, or for a family of actions chosen by the
    URL's `name` (a mapping of names to actions)."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int, name: str = "") -> HttpResponse:
        if isinstance(declared, Action):
            return _respond(declared, request, pk)
        chosen = declared.get(name)
        if chosen is None:
            raise Http404
        return _respond(chosen, request, pk)

    return view


def actions_named(*declared: Action) -> dict[str, Action]:
    """A family of actions by name, for `action_view` under one URL pattern."""
    return {action.name: action for action in declared}


def api_action(
    declared: Action, *, url_path: str | None = None, responses: Any = empty, code: int = 200
) -> Any:
    """The API's endpoint for an action: `POST <list>/<pk>/<url_path>/` on a viewset with
    `ChangeableObjectMixin`, answering `code` with the record as the viewset serializes it
    (201 where the step creates something that hangs off the record). The schema shows the
    viewset's serializer as the answer unless `responses` says otherwise."""

    def endpoint(self: Any, request: Any, pk: Any = None) -> Response:
        record = self.get_changeable_object()
        data: dict[str, Any] = {}
        if declared.serializer is not None:
            context = {**self.get_serializer_context(), "record": record}
            given = declared.serializer(data=request.data, context=context)
            given.is_valid(raise_exception=True)
            data = dict(given.validated_data)
        result = declared.run(record, data, request)
        answer: Response = self.answer(
            result if isinstance(result, declared.model) else record, code
        )
        return answer

    endpoint.__name__ = declared.name
    endpoint.__doc__ = declared.service.__doc__
    endpoint.required_permissions = declared.permissions  # type: ignore[attr-defined]
    # In this order, as the decorators stand in a viewset: the schema reads the action's
    # attributes.
    endpoint = drf_action(detail=True, methods=["post"], url_path=url_path)(endpoint)
    return extend_schema(request=declared.serializer, responses=responses)(endpoint)
