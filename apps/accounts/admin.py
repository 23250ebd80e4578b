from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.admin import ScopedAdmin
from apps.core.masking import mask_phone
from apps.core.timefmt import when

from .choices import UserKind
from .models import DeviceToken, PhoneCode, User

# Django stores a permission's name in English when it creates it ("Can add incident").
MODEL_PERMISSIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission) -> str:
    """A permission as the admin's lists offer it, in the reader's language: the app, then
    what it allows (a model's four from its verbose name, others by their declared name)."""
    kind = permission.content_type
    model = kind.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is not None and action in MODEL_PERMISSIONS and model_name == kind.model:
        allows = MODEL_PERMISSIONS[action] % {"model": model._meta.verbose_name}
    else:
        allows = gettext(permission.name)
    return f"{apps.get_app_config(kind.app_label).verbose_name} | {allows}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


def _permissions_field(db_field, kwargs):
    if db_field.name in ("permissions", "user_permissions"):
        kwargs["form_class"] = PermissionsField
    return kwargs


class _ShownAccount:
    """The user as the password page shows them: the account name as `shown_username`."""

    def __init__(self, user):
        self.pk, self._user = user.pk, user

    def get_username(self):
        return self._user.shown_username

    def __str__(self):
        return str(self._user)


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    list_display = [
        "login",
        "full_name",
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
        (_("Where"), {"fields": ["bureau", "station", "post", "desk_extension"]}),
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

    @admin.display(description=_("username"), ordering="username")
    def login(self, user):
        return user.shown_username

    @admin.display(description=_("full name"), ordering="last_name")
    def full_name(self, user):
        return user.get_full_name()

    def user_change_password(self, request, id, form_url=""):
        # The page names the account (in its title and a hidden field for password
        # managers): a citizen's account name is their phone, shown masked there too.
        response = super().user_change_password(request, id, form_url)
        if isinstance(response, TemplateResponse) and response.context_data:
            user = response.context_data["original"]
            response.context_data["title"] = str(response.context_data["title"]).replace(
                user.username, user.shown_username
            )
            response.context_data["original"] = _ShownAccount(user)
        return response

    def get_personal_data_fields(self, request, obj=None):
        # A citizen's account name is their mobile number.
        if obj is not None and obj.kind == UserKind.CITIZEN:
            return (*self.personal_data_fields, "username")
        return self.personal_data_fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **_permissions_field(db_field, kwargs)
        )

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


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(DjangoGroupAdmin):
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **_permissions_field(db_field, kwargs)
        )


@admin.register(DeviceToken)
class DeviceTokenAdmin(ScopedAdmin):
    list_display = ["holder", "device", "created_at", "expires_at"]
    search_fields = ["user__username", "device"]
    list_select_related = ["user"]
    fields = ["holder", "device", "created_at", "expires_at"]
    readonly_fields = fields

    # django-rest-knox's fields have no verbose names (admin would head them in English);
    # admin writes a method's datetime with str() on the detail page: written here.
    @admin.display(description=_("user"), ordering="user__username")
    def holder(self, token):
        return token.user

    @admin.display(description=_("created at"), ordering="created")
    def created_at(self, token):
        return when(token.created, "seconds")

    @admin.display(description=_("expires at"), ordering="expiry")
    def expires_at(self, token):
        return when(token.expiry, "seconds")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PhoneCode)
class PhoneCodeAdmin(admin.ModelAdmin):
    """For the superuser's investigations of abuse: who asked for codes and for what, never
    the codes (only their keyed hashes are kept anyway)."""

    list_display = ["masked_phone", "purpose", "created_at", "attempts", "used_at"]
    list_filter = ["purpose"]
    fields = ["masked_phone", "purpose", "created_at", "attempts", "used_at"]
    readonly_fields = fields

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

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
