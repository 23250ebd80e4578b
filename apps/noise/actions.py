"""The step on a noise event, declared once for the page and the API (apps.core.actions)."""

from django.utils.translation import gettext_lazy as _

from apps.core.actions import Action

from . import services
from .models import NoiseEvent

EVENT_TO_INCIDENT = Action(
    name="to_incident",
    model=NoiseEvent,
    service=services.noise_event_to_incident,
    target="event",
    success=lambda event, incident: _("Incident %(number)s opened.") % {"number": incident.number},
    redirect=lambda event, incident: incident or event,  # on to the new incident
)
