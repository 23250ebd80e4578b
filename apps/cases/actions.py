"""The steps on incidents and cases, declared once for the pages and the API
(apps.core.actions): which service, which input, what the page says after."""

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from apps.core.actions import Action
from apps.core.errors import Conflict, DomainError
from apps.core.idnumbers import parse_id_number
from apps.registry.models import Person
from apps.stations.models import Post

from . import services
from .api import serializers as s
from .choices import CaseStatus
from .forms import (
    CaseTransitionForm,
    ChecklistForm,
    CloseForm,
    DispatchForm,
    EvidenceForm,
    ExtensionDecisionForm,
    ExtensionForm,
    FieldStatusForm,
    InjuryGradeForm,
    NoteForm,
    PartyForm,
    ReconsiderationDecisionForm,
    ReconsiderationForm,
    SuspensionEndForm,
    SuspensionForm,
    TakeForm,
    UploadForm,
)
from .models import Case, Incident


def _job(incident: Incident, result: Any) -> str:
    return reverse("cases:job_detail", args=[incident.pk])


# --- incidents -----------------------------------------------------------------------------

INCIDENT_DISPATCH = Action(
    # The API's endpoint name: a viewset's `dispatch` is DRF's own.
    name="dispatch_to_post",
    model=Incident,
    service=services.incident_dispatch,
    form=DispatchForm,
    # The desk may send a post of a neighbouring station of the sub-bureau.
    form_kwargs=lambda incident: {
        "posts": Post.objects.filter(station__bureau_id=incident.station.bureau_id)
    },
    serializer=s.DispatchSerializer,
    success=_("Dispatched to %(post)s."),
    select_related=("station",),
)

INCIDENT_TAKE = Action(
    name="take",
    model=Incident,
    service=services.incident_take,
    form=TakeForm,
    serializer=s.TakeSerializer,
    success=_("The job is yours: %(object)s."),
    redirect=_job,
)

INCIDENT_STATUS = Action(
    name="field_status",
    model=Incident,
    service=services.incident_status,
    form=FieldStatusForm,
    serializer=s.StatusSerializer,
    redirect=_job,
)


def _checklist_partial(request, incident: Incident, result: Any):
    incident.refresh_from_db()
    return render(request, "cases/_checklist.html", {"incident": incident, "can_change": True})


INCIDENT_CHECKLIST = Action(
    name="checklist",
    model=Incident,
    service=services.incident_checklist_tick,
    form=ChecklistForm,
    serializer=s.ChecklistSerializer,
    htmx=_checklist_partial,
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


# --- cases ---------------------------------------------------------------------------------

CASE_TRANSITION = Action(
    name="transition",
    model=Case,
    service=services.case_transition,
    form=CaseTransitionForm,
    # Any status: the workflow (in the service) says which step is allowed from here.
    form_kwargs=lambda case: {"choices": [(status, status) for status in CaseStatus.values]},
    serializer=s.CaseTransitionSerializer,
)

CASE_EXTEND = Action(
    name="extend",
    model=Case,
    service=services.case_extension_propose,
    form=ExtensionForm,
    serializer=s.CaseExtendSerializer,
)


def _decide_extension(case: Case, data: dict[str, Any], request) -> Any:
    pending = case.extensions.filter(approved__isnull=True).first()
    if pending is None:
        raise Conflict(_gettext("No extension of this case awaits a decision."))
    return services.case_extension_decide(extension=pending, by=request.user, **data)


CASE_DECIDE_EXTENSION = Action(
    name="decide_extension",
    model=Case,
    service=services.case_extension_decide,
    form=ExtensionDecisionForm,
    serializer=s.CaseExtensionDecideSerializer,
    call=_decide_extension,
)

CASE_SUSPENSION = Action(
    name="suspension",
    model=Case,
    service=services.case_suspension_start,
    form=SuspensionForm,
    call=lambda case, data, request: services.case_suspension_start(
        case=case, by=request.user, kind=data["kind"], started_at=data["at"], note=data["note"]
    ),
)

CASE_SUSPENSION_END = Action(
    name="suspension_end",
    model=Case,
    service=services.case_suspension_end,
    form=SuspensionEndForm,
    call=lambda case, data, request: services.case_suspension_end(
        case=case, by=request.user, ended_at=data["at"]
    ),
)

CASE_INJURY = Action(
    name="injury", model=Case, service=services.case_injury_grade, form=InjuryGradeForm
)

CASE_RECONSIDERATION = Action(
    name="reconsideration",
    model=Case,
    service=services.case_reconsideration_request,
    form=ReconsiderationForm,
)


def _decide_reconsideration(case: Case, data: dict[str, Any], request) -> Any:
    pending = case.reconsiderations.filter(overturned__isnull=True).first()
    if pending is None:
        raise Conflict(_gettext("No reconsideration of this case awaits a decision."))
    return services.case_reconsideration_decide(reconsideration=pending, by=request.user, **data)


CASE_DECIDE_RECONSIDERATION = Action(
    name="decide_reconsideration",
    model=Case,
    service=services.case_reconsideration_decide,
    form=ReconsiderationDecisionForm,
    call=_decide_reconsideration,
)


def _registered_person(request, id_number: str) -> Person | None:
    """The page names a party by ID number; the API by the registry person's id."""
    if not id_number:
        return None
    try:
        number = parse_id_number(id_number).value
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from exc
    person = Person.objects.restrict(request.user).filter(id_number=number).first()
    if person is None:
        raise DomainError(_gettext("No registered person has this ID number."))
    return person


def _add_party(case: Case, data: dict[str, Any], request) -> Any:
    data = dict(data)
    if "id_number" in data:
        person = _registered_person(request, data.pop("id_number"))
        if person is None and not data["name"].strip():
            raise DomainError(_gettext("Give the name or the ID number of a registered person."))
        data["person"] = person
    return services.case_party_add(case=case, by=request.user, **data)


CASE_PARTY = Action(
    name="parties",
    model=Case,
    service=services.case_party_add,
    form=PartyForm,
    serializer=s.CasePartyAddSerializer,
    call=_add_party,
)

CASE_EVIDENCE = Action(
    name="evidence",
    model=Case,
    service=services.case_evidence_add,
    form=EvidenceForm,
    serializer=s.CaseEvidenceAddSerializer,
    call=lambda case, data, request: services.case_evidence_add(
        case=case,
        by=request.user,
        upload=data["file"],
        kind=data["kind"],
        description=data.get("description", ""),
    ),
    success=_("Evidence saved."),
)
