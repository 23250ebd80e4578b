"""The steps on patrols and their findings, declared once for the pages and the API
(apps.core.actions): which service, which input, what the page says after."""

from django.utils.translation import gettext_lazy as _

from apps.core.actions import Action

from . import services
from .api import serializers as s
from .findings import services as findings
from .findings.forms import HandleForm, ToDisputeForm, ToIncidentForm
from .forms import StartForm
from .models import Finding, Patrol

PATROL_START = Action(
    name="start",
    model=Patrol,
    service=services.patrol_start,
    form=StartForm,
    form_kwargs=lambda patrol: {"patrol": patrol},
    serializer=s.StartSerializer,
    success=_("Patrol under way."),
)
PATROL_FINISH = Action(
    name="finish", model=Patrol, service=services.patrol_finish, success=_("Patrol finished.")
)
PATROL_CANCEL = Action(
    name="cancel", model=Patrol, service=services.patrol_cancel, success=_("Patrol cancelled.")
)

FINDING_TO_INCIDENT = Action(
    name="to_incident",
    model=Finding,
    service=findings.finding_to_incident,
    form=ToIncidentForm,
    form_kwargs=lambda finding: {"station": finding.station},
    serializer=s.ToIncidentSerializer,
    success=lambda finding, incident: (
        _("Incident %(number)s opened.") % {"number": incident.number}
    ),
    redirect=lambda finding, incident: incident or finding,  # on to the new incident
)
FINDING_TO_DISPUTE = Action(
    name="to_dispute",
    model=Finding,
    service=findings.finding_to_dispute,
    form=ToDisputeForm,
    serializer=s.ToDisputeSerializer,
    success=lambda finding, dispute: _("Dispute %(number)s taken in.") % {"number": dispute.number},
    redirect=lambda finding, dispute: dispute or finding,  # on to the new dispute
)
FINDING_HANDLE = Action(
    name="handle",
    model=Finding,
    service=findings.finding_handle,
    form=HandleForm,
    serializer=s.HandleSerializer,
    success=_("Marked as handled."),
)
