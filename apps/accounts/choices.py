from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    OFFICER = "officer", _("Police officer")
    AUXILIARY = "auxiliary", _("Auxiliary officer")
    MEDIATOR = "mediator", _("Mediator")
    CITIZEN = "citizen", _("Citizen")
