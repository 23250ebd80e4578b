from base64 import b32encode

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.errors import DomainError
from apps.core.views import safe_next
from policestation.admin import may_use_admin

from .forms import LoginForm, OtpCodeForm
from .models import DeviceToken
from .services import device_token_revoke, otp_check, otp_device_confirm, otp_device_for_setup


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


def lockout_message(request=None) -> str:
    if getattr(request, "axes_address_blocked", False):
        return _("Too many failed logins from this network address. Try again in 15 minutes.")
    return _("Too many failed logins. This account is locked for 15 minutes on this computer.")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response: the login page with the message, or JSON for the API."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "locked_out", "message": lockout_message(request)}}, status=429
        )
    form = LoginForm(request, data=request.POST or None)
    # A citizen locked out on the portal (by password or by SMS code) stays on its pages.
    portal = request.path.startswith(reverse("permits:portal_home"))
    return render(
        request,
        "accounts/portal_login.html" if portal else "accounts/login.html",
        {"form": form, "locked_out_message": lockout_message(request)},
        status=429,
    )


@login_required
def device_list(request):
    tokens = DeviceToken.objects.restrict(request.user).filter(user=request.user).live()
    return render(request, "accounts/devices.html", {"tokens": tokens})


@login_required
@require_POST
def device_revoke(request, token_key):
    token = (
        DeviceToken.objects.restrict(request.user)
        .filter(user=request.user, token_key=token_key)
        .first()
    )
    if token is None:
        raise Http404
    device_token_revoke(token=token, by=request.user)
    messages.success(request, _("The device can no longer use the API."))
    return redirect("accounts:devices")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change: this session stays, every other session and every device
    token of the user ends (User.save)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password is changed. Your other sessions and devices must log in again."),
        )
        return response


def _next_or_admin(request) -> str:
    return safe_next(request) or reverse("admin:index")


def _need_admin_user(request) -> None:
    # The second factor guards Django admin: only those who may use it enrol or verify.
    if not may_use_admin(request.user):
        raise PermissionDenied


@login_required
def otp_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code."""
    _need_admin_user(request)
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists() and (
        request.method == "GET"
    ):
        return render(request, "accounts/otp_setup.html", {"enrolled": True})
    form = OtpCodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = otp_device_confirm(user=request.user, token=form.cleaned_data["token"])
        except DomainError as error:
            form.add_error("token", error.message)
        else:
            django_otp.login(request, device)
            messages.success(request, _("The authenticator app is set up for this account."))
            return redirect(_next_or_admin(request))
    device = otp_device_for_setup(user=request.user)
    context = {
        "form": form,
        # segno writes the SVG itself from the device's key URI: no user input reaches it.
        "qr_svg": mark_safe(segno.make(device.config_url).svg_inline(scale=4)),
        "key": b32encode(device.bin_key).decode(),
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/otp_setup.html", context)


@login_required
def otp_verify(request):
    """The second factor of this session, asked before Django admin opens."""
    _need_admin_user(request)
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(f"{reverse('accounts:otp_setup')}?{request.GET.urlencode()}")
    form = OtpCodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = otp_check(user=request.user, token=form.cleaned_data["token"])
        except DomainError as error:
            form.add_error("token", error.message)
        else:
            django_otp.login(request, device)
            return redirect(_next_or_admin(request))
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": _next_or_admin(request)}
    )
