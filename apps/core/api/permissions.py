from typing import TYPE_CHECKING, Any

from rest_framework import permissions

from ..scoping import scope_level

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from rest_framework.request import Request
    from rest_framework.views import APIView


class ModelPermissions(permissions.DjangoModelPermissions):
    """Role permissions for the API: reading needs the model's view permission too."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def _queryset(self, view: "APIView") -> "QuerySet[Any]":
        # The check reads only the model: the class's queryset names it, where DRF would
        # build the scoped queryset once more (the list builds its own).
        queryset = getattr(view, "queryset", None)
        return queryset if queryset is not None else super()._queryset(view)

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        # A method the endpoint does not offer is a 405 for any logged-in user, not a 403
        # about a permission that could not help.
        if (request.method or "").lower() not in view.http_method_names:
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)


class ActionPermissions(ModelPermissions):
    """For viewsets with action endpoints: POST creates with the add permission, and every
    other POST (a state change such as dispatch or close) needs the change permission.

    A viewset may name other permissions for some actions in `action_permissions` (an
    applicant's own steps need the add permission, not the officers' change). With
    `owners_read`, a user who belongs to no station or bureau (a citizen) reads without a
    view permission: `restrict()` gives them only the rows they own, while the officers'
    pages, which check the view permission, stay closed to them."""

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        if not (request.user and request.user.is_authenticated):
            return super().has_permission(request, view)
        if (
            request.method in permissions.SAFE_METHODS
            and getattr(view, "owners_read", False)
            and scope_level(request.user) == "own"
        ):
            return True
        action = getattr(view, "action", "create")
        if request.method == "POST" and action != "create":
            # An endpoint made by apps.core.actions.api_action carries its service's rule.
            handler = getattr(view, action, None) if action else None
            declared = getattr(handler, "required_permissions", None)
            if declared is not None:
                return request.user.has_perms(declared)
            named = getattr(view, "action_permissions", {}).get(action)
            if named is not None:
                return request.user.has_perms(named)
            model = self._queryset(view).model
            opts = model._meta
            return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        return super().has_permission(request, view)
