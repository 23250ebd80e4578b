from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _
from rest_framework import generics, permissions, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from .. import replicas
from ..errors import OutOfScope
from ..scoping import CHANGE, VIEW, ScopedQuerySet, scoped_rows
from ..services import save_in_scope
from ..views import signed_in
from .lean import lean_list

if TYPE_CHECKING:
    # The mixin is only ever mixed into viewsets: these are the methods it calls.
    _ViewBase = generics.GenericAPIView[models.Model]
else:
    _ViewBase = object


def _model_of(view: "generics.GenericAPIView[models.Model]") -> type[models.Model]:
    """The model of a scoped viewset, from its `queryset` (which each of them names)."""
    assert view.queryset is not None
    return view.queryset.model


class ChangeableObjectMixin(_ViewBase):
    """For action endpoints (POST on a read-only viewset): the URL's record, if the user may
    also change it. A record one may see but not change is 404, like any out-of-scope one."""

    # A list (GET) may read a replica (core.replicas); False keeps one on the primary.
    reads_replica = True

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        listing = getattr(self, "action", None) == "list"  # a viewset's, set by its router
        if self.reads_replica and request.method == "GET" and listing:
            replicas.allow(request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The list through the lean read path (core.api.lean) when its serializer allows."""
        plan = lean_list(self.get_serializer_class())
        if plan is None:
            return super().list(request, *args, **kwargs)  # type: ignore[misc,no-any-return]
        ordering = getattr(self.paginator, "ordering", None) or ()
        if isinstance(ordering, str):
            ordering = (ordering,)
        rows = plan.rows(self.filter_queryset(self.get_queryset()), ordering)
        page = self.paginate_queryset(rows)
        if page is None:
            return Response(plan.render(rows, rows.db))
        return self.get_paginated_response(plan.render(page, rows.db))

    def get_changeable_object(self) -> models.Model:
        obj = self.get_object()
        model = _model_of(self)
        if not scoped_rows(model).restrict(self.request.user, CHANGE).filter(pk=obj.pk).exists():
            raise OutOfScope(_("Not found."))
        return obj

    def answer(self, record: models.Model, code: int = status.HTTP_200_OK) -> Response:
        """An action's answer: the record re-read as the list shows it."""
        record = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(record).data, status=code)


class ScopedModelViewSet(ChangeableObjectMixin, viewsets.ModelViewSet[models.Model]):
    """A viewset over `Model.objects.restrict(user, action)`: other stations' rows are 404.

    Writes go through `save_in_scope`, one transaction that refuses a result outside the
    writer's scope.
    """

    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self) -> ScopedQuerySet[models.Model]:
        action = VIEW if self.request.method in permissions.SAFE_METHODS else CHANGE
        qs = scoped_rows(_model_of(self)).restrict(self.request.user, action)
        if self.select_related:  # select_related() with no names would join every foreign key
            qs = qs.select_related(*self.select_related)
        return qs.prefetch_related(*self.prefetch_related)

    def perform_create(self, serializer: BaseSerializer[models.Model]) -> None:
        save_in_scope(by=signed_in(self.request), save=serializer.save)

    def perform_update(self, serializer: BaseSerializer[models.Model]) -> None:
        save_in_scope(by=signed_in(self.request), save=serializer.save)


class ScopedReadOnlyViewSet(ChangeableObjectMixin, viewsets.ReadOnlyModelViewSet[models.Model]):
    select_related: tuple[str, ...] = ()

    def get_queryset(self) -> ScopedQuerySet[models.Model]:
        qs = scoped_rows(_model_of(self)).restrict(self.request.user, VIEW)
        # select_related() with no names would join every foreign key.
        return qs.select_related(*self.select_related) if self.select_related else qs
