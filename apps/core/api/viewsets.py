from django.utils.translation import gettext as _
from rest_framework import permissions, status, viewsets
from rest_framework.response import Response

from ..errors import OutOfScope
from ..scoping import CHANGE, VIEW
from ..services import save_in_scope


class ChangeableObjectMixin:
    """For action endpoints (POST on a read-only viewset): the URL's record, if the user may
    also change it. A record one may see but not change is 404, like any out-of-scope one."""

    def get_changeable_object(self):
        obj = self.get_object()
        model = self.queryset.model
        if not model.objects.restrict(self.request.user, CHANGE).filter(pk=obj.pk).exists():
            raise OutOfScope(_("Not found."))
        return obj

    def answer(self, record, code=status.HTTP_200_OK):
        """An action's answer: the record re-read as the list shows it."""
        record = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(record).data, status=code)


class ScopedModelViewSet(ChangeableObjectMixin, viewsets.ModelViewSet):
    """A viewset over `Model.objects.restrict(user, action)`: other stations' rows are 404.

    Writes go through `save_in_scope`, one transaction that refuses a result outside the
    writer's scope.
    """

    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self):
        action = VIEW if self.request.method in permissions.SAFE_METHODS else CHANGE
        qs = self.queryset.model.objects.restrict(self.request.user, action)
        if self.select_related:  # select_related() with no names would join every foreign key
            qs = qs.select_related(*self.select_related)
        return qs.prefetch_related(*self.prefetch_related)

    def perform_create(self, serializer):
        save_in_scope(by=self.request.user, save=serializer.save)

    def perform_update(self, serializer):
        save_in_scope(by=self.request.user, save=serializer.save)


class ScopedReadOnlyViewSet(ChangeableObjectMixin, viewsets.ReadOnlyModelViewSet):
    select_related: tuple[str, ...] = ()

    def get_queryset(self):
        qs = self.queryset.model.objects.restrict(self.request.user, VIEW)
        # select_related() with no names would join every foreign key.
        return qs.select_related(*self.select_related) if self.select_related else qs
