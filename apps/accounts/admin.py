from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.admin import ScopedAdmin

from .models import DeviceToken, User


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    list_display = [
        "username",
        "get_full_name",
        "kind",
        "badge_number",
        "station",
        "post",
        "is_active",
    ]
    list_filter = ["kind", "is_active", "groups"]
    search_fields = ["username", "first_name", "last_name", "badge_number"]
    list_select_related = ["station", "post"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Person"),
            {"fields": ["last_name", "first_name", "kind", "badge_number", "phone", "email"]},
        ),
        (_("Where"), {"fields": ["bureau", "station", "post"]}),
        (
            _("Roles"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2"]}),
        (_("Where"), {"fields": ["kind", "bureau", "station", "post"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    personal_data_fields = ("phone",)

    def save_model(self, request, obj, form, change):
        # A sub-bureau admin's new account belongs to their bureau unless placed at a station.
        if not request.user.is_superuser and not obj.station_id and not obj.bureau_id:
            obj.bureau_id = request.user.bureau_id
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only superusers hand out superuser rights or permissions outside the roles.
            fields += ["is_superuser", "user_permissions"]
        return fields


@admin.register(DeviceToken)
class DeviceTokenAdmin(ScopedAdmin):
    list_display = ["user", "device", "created", "expiry"]
    search_fields = ["user__username", "device"]
    list_select_related = ["user"]
    fields = ["user", "device", "created", "expiry"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# django-otp's own admin shows the secret keys and draws QR codes with a library we do not
# ship; here a superuser only sees who has an authenticator app and removes a lost one.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
