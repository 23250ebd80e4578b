from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    OFFICER = "officer", _("Police officer")
    AUXILIARY = "auxiliary", _("Auxiliary officer")
    MEDIATOR = "mediator", _("Mediator")
    CITIZEN = "citizen", _("Citizen")


class CodePurpose(models.TextChoices):
    """What an SMS code sent to a citizen's phone is good for (one purpose each)."""

    SIGNUP = "signup", _("Sign-up")
    LOGIN = "login", _("Login")
    RESET = "reset", _("Password reset")
