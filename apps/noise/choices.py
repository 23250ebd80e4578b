from django.db import models
from django.utils.translation import gettext_lazy as _


class ZoneClass(models.TextChoices):
    """The acoustic environment function zones of GB 3096-2008."""

    C0 = "0", _("Class 0: recuperation areas")
    C1 = "1", _("Class 1: residential, medical, education, offices")
    C2 = "2", _("Class 2: mixed residential and commercial")
    C3 = "3", _("Class 3: industrial and warehousing")
    C4A = "4a", _("Class 4a: along main roads and inland waterways")
    C4B = "4b", _("Class 4b: along railways")


class Period(models.TextChoices):
    # The hours are each sub-bureau's (NoiseSettings.day_starts / night_starts).
    DAY = "day", _("Day")
    NIGHT = "night", _("Night")


class EventTrigger(models.TextChoices):
    LAEQ = "laeq", _("LAeq over the limit")
    LMAX = "lmax", _("Night maximum level over the limit by more than 15 dB(A)")
