from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.forms import style_field


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class OtpCodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


# --- citizens on the portal: sign up, log in and reset the password by a code -------------


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_field(field)


class PhoneForm(StyledForm):
    """Step one of sign-up, login by code and password reset: the phone, asked once."""

    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "type": "tel", "autofocus": True}
        ),
    )


def _code_field():
    return forms.CharField(
        label=_("Code from the SMS"),
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]*",
                "autofocus": True,
            }
        ),
    )


def _new_password_field(label):
    return forms.CharField(
        label=label,
        help_text=_("At least 8 characters, not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class SignupForm(StyledForm):
    """Step two of sign-up: the code texted to the phone of step one, the name and the
    password (the account's name is the phone)."""

    code = _code_field()
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50, required=False)
    password = _new_password_field(_("Password"))


class CodeForm(StyledForm):
    """Step two of the login by code."""

    code = _code_field()


class ResetForm(StyledForm):
    """Step two of the password reset: the code and the new password."""

    code = _code_field()
    password = _new_password_field(_("New password"))
