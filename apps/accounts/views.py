from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import LoginForm
from .models import DeviceToken
from .services import device_token_revoke


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


def lockout_message() -> str:
    return _("Too many failed logins. This account is locked for 15 minutes on this computer.")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response: the login page with the message, or JSON for the API."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "locked_out", "message": lockout_message()}}, status=429
        )
    form = LoginForm(request, data=request.POST or None)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_out_message": lockout_message()},
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
