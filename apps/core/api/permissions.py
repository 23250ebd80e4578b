from rest_framework import permissions


class ModelPermissions(permissions.DjangoModelPermissions):
    """Role permissions for the API: reading needs the model's view permission too."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        # A method the endpoint does not offer is a 405 for any logged-in user, not a 403
        # about a permission that could not help.
        if request.method.lower() not in view.http_method_names:
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)


class ActionPermissions(ModelPermissions):
    """For viewsets with action endpoints: POST creates with the add permission, and every
    other POST (a state change such as dispatch or close) needs the change permission."""

    def has_permission(self, request, view):
        if request.method == "POST" and getattr(view, "action", "create") != "create":
            if not (request.user and request.user.is_authenticated):
                return False
            model = view.get_queryset().model
            opts = model._meta
            return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        return super().has_permission(request, view)
