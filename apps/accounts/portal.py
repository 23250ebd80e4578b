"""Citizens' accounts on the portal (/apply/), by their phone: sign up, log in with the
password or a code texted to the phone, and reset the password. The rules of the codes are
`citizens`; these are their pages, and the portal's pages ask for a login through
`portal_login_required`. The URLs stay the portal's (`permits:portal_signup` …): they are
the citizen's way into it.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.clients import client_address
from apps.core.errors import DomainError
from apps.core.masking import mask_phone
from apps.core.phones import normalise_phone
from apps.core.views import safe_next

from . import citizens
from .choices import CodePurpose
from .forms import CodeForm, PhoneForm, ResetForm, SignupForm
from .views import LoginView


def portal_login_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("permits:portal_login"))
        return view(request, *args, **kwargs)

    return wrapper


class PortalLogin(LoginView):
    template_name = "accounts/portal_login.html"
    # The phone whose password was just reset, to fill in the form once.
    KNOWN_PHONE = "portal:known_phone"

    def get_default_redirect_url(self):
        return reverse("permits:portal_home")

    def get_initial(self):
        phone = self.request.session.pop(self.KNOWN_PHONE, None)
        return {"username": phone} if phone else {}


def _code_flow(request, *, purpose: str, form_class, finish, template: str):
    """Two steps on one page: the phone, to which a code is texted; then the code and what
    the purpose needs (`form_class`), which `finish(phone, cleaned_data)` turns into the
    response. The phone of step one waits in the session: it is asked once."""
    key = f"portal:{purpose}:phone"
    phone = request.session.get(key)
    phone_form, form = PhoneForm(), form_class()
    context, status = {}, 200
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if step == "change":
        request.session.pop(key, None)
        phone = None
    elif step == "send" or (step == "resend" and phone):
        phone_form = PhoneForm(request.POST if step == "send" else {"phone": phone})
        if phone_form.is_valid():
            try:
                code = citizens.phone_code_send(
                    phone=phone_form.cleaned_data["phone"],
                    purpose=purpose,
                    client_ip=client_address(request),
                )
            except DomainError as exc:
                status = 429 if exc.code == "throttled" else 400
                if step == "send":
                    phone_form.add_error("phone", exc.message)
                else:
                    context["send_error"] = exc.message
            else:
                phone = normalise_phone(phone_form.cleaned_data["phone"])
                request.session[key] = phone
                context["sent"] = True
                # No SMS gateway in a demo: the page shows the code it would have texted.
                context["demo_code"] = code if settings.DEBUG else ""
        else:
            status = 400
    elif step == "finish" and phone:
        form = form_class(request.POST)
        if form.is_valid():
            try:
                response = finish(phone, form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                request.session.pop(key, None)
                return response
        else:
            status = 400
    context |= {
        "phone_form": phone_form,
        "form": form,
        "phone": phone,
        "masked_phone": mask_phone(phone),
        "code_minutes": int(citizens.CODE_TTL.total_seconds() // 60),
        "next": safe_next(request),
    }
    return render(request, template, context, status=status)


def signup(request):
    """Sign up: the phone (a code is texted to it), then the code, the name and a password.
    The account's name is the phone."""
    if request.user.is_authenticated:
        return redirect("permits:portal_home")

    def finish(phone, data):
        user = citizens.citizen_signup(phone=phone, **data)
        login(request, user, backend="apps.accounts.backends.CachedModelBackend")
        messages.success(request, _("Welcome. Your account is ready."))
        return redirect("permits:portal_home")

    return _code_flow(
        request,
        purpose=CodePurpose.SIGNUP,
        form_class=SignupForm,
        finish=finish,
        template="accounts/portal_signup.html",
    )


def code_login(request):
    """Log in with a code texted to the phone instead of the password (citizens only)."""
    if request.user.is_authenticated:
        return redirect("permits:portal_home")

    def finish(phone, data):
        # Through authenticate(): django-axes counts a wrong code as a failed login.
        user = authenticate(request, username=phone, sms_token=data["code"])
        if user is None:
            raise DomainError(_("The code is not right or has expired: ask for a new one."))
        login(request, user)
        return redirect(safe_next(request) or "permits:portal_home")

    return _code_flow(
        request,
        purpose=CodePurpose.LOGIN,
        form_class=CodeForm,
        finish=finish,
        template="accounts/portal_code_login.html",
    )


def password_reset(request):
    """Forgot the password: the phone, then the code texted to it and a new password. Every
    other session and device token of the account ends; the login page follows."""

    def finish(phone, data):
        citizens.citizen_password_reset(phone=phone, **data)
        if request.user.is_authenticated:
            logout(request)
        request.session[PortalLogin.KNOWN_PHONE] = phone
        messages.success(request, _("Your password is changed: log in with the new one."))
        return redirect("permits:portal_login")

    return _code_flow(
        request,
        purpose=CodePurpose.RESET,
        form_class=ResetForm,
        finish=finish,
        template="accounts/portal_reset.html",
    )
