"""The workbench's Django admin site: its own permission, and an optional second factor.

Being staff is not enough: admin holds every bureau's records, so it needs the permission
`accounts.use_admin` (the sub-bureau admin role has it). With ADMIN_REQUIRE_OTP the session
must also have passed a one-time code from the user's authenticator app (django-otp); a
logged-in admin who has not is sent to the code page rather than to a second login.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.shortcuts import redirect
from django.urls import reverse

USE_ADMIN = "accounts.use_admin"


def may_use_admin(user) -> bool:
    """Active staff with the admin permission: the first factor of admin access."""
    return user.is_active and user.is_staff and user.has_perm(USE_ADMIN)


def needs_second_factor(user) -> bool:
    return settings.ADMIN_REQUIRE_OTP and not user.is_verified()


class WorkbenchAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return may_use_admin(request.user) and not needs_second_factor(request.user)

    def login(self, request, extra_context=None):
        user = request.user
        if user.is_authenticated and may_use_admin(user) and needs_second_factor(user):
            next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
            return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': next_url})}")
        return super().login(request, extra_context)


class WorkbenchAdminConfig(AdminConfig):
    default_site = "policestation.admin.WorkbenchAdminSite"
