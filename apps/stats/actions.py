"""The step on a statistics run, declared once for the page (apps.core.actions)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.actions import Action

from . import services
from .models import StatsRun

RUN_RESTART = Action(
    name="restart",
    model=StatsRun,
    service=services.run_restart,
    target="run",
    success=_("Recomputation started."),
    # The new run's page, with its progress; the failed one's if the restart was refused.
    redirect=lambda run, new: reverse("stats:run_detail", args=[(new or run).pk]),
)
