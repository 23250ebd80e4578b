"""The steps on incidents and cases, declared once for the pages and the API
(apps.core.actions): which service, which input, what the page says after."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.actions import Action

from . import services
from .api import serializers as s
from .forms import CloseForm, NoteForm, TakeForm, UploadForm
from .models import Incident

INCIDENT_TAKE = Action(
    name="take",
    model=Incident,
    service=services.incident_take,
    form=TakeForm,
    serializer=s.TakeSerializer,
    success=_("The job is yours: %(object)s."),
    redirect=lambda incident, result: reverse("cases:job_detail", args=[incident.pk]),
)

INCIDENT_CLOSE = Action(
    name="close",
    model=Incident,
    service=services.incident_close,
    form=CloseForm,
    serializer=s.CloseSerializer,
    success=lambda incident, closed: (
        _("Incident closed: %(d)s.") % {"d": closed.get_disposition_display()}
    ),
)

INCIDENT_NOTE = Action(name="note", model=Incident, service=services.incident_note, form=NoteForm)

INCIDENT_ATTACH = Action(
    name="attach",
    model=Incident,
    service=services.incident_attach,
    form=UploadForm,
    call=lambda incident, data, request: services.incident_attach(
        incident=incident, by=request.user, upload=data["file"]
    ),
    success=_("Attachment saved."),
)
