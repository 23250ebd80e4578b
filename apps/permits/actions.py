"""The steps on an application or a permit, declared once for the pages and the API: the
service (whose `@requires` is the role rule), the form and serializer of its input, and what
the page says when it is done."""

from typing import Any

from django.utils.translation import gettext as _

from apps.core.actions import Action

from . import services
from .api import serializers as s
from .forms import ApproveForm, DocumentForm, RejectForm, RevokeForm, SupplementForm, VisitForm
from .models import PermitApplication, ResidencePermit


def _add_document(application: PermitApplication, data: dict[str, Any], request: Any) -> Any:
    return services.document_add(
        application=application, by=request.user, upload=data["file"], kind=data["kind"]
    )


def _decided(application: PermitApplication, _result: object) -> str:
    """The application's new status (re-read: the service moved it on its own copy)."""
    application.refresh_from_db()
    return _("%(name)s: %(status)s") % {
        "name": application.name,
        "status": application.get_status_display(),
    }


def _saved(_record: object, _result: object) -> str:
    return _("Saved.")


def _permit_page(permit: ResidencePermit, _result: object) -> ResidencePermit:
    return permit


# --- the applicant's steps (the citizen on the portal, the window's officer) ---------------

DOCUMENT_ADD = Action(
    name="documents",
    model=PermitApplication,
    service=services.document_add,
    target="application",
    form=DocumentForm,
    serializer=s.DocumentAddSerializer,
    call=_add_document,
    success=lambda _application, _result: _("Uploaded."),
)
SUBMIT = Action(
    name="submit",
    model=PermitApplication,
    service=services.application_submit,
    target="application",
    success=lambda _application, _result: _(
        "Submitted. You will get a message when it is decided."
    ),
)

# --- the officers' decisions ----------------------------------------------------------------

REVIEW = Action(
    name="review",
    model=PermitApplication,
    service=services.application_review,
    target="application",
    success=_decided,
)
APPROVE = Action(
    name="approve",
    model=PermitApplication,
    service=services.application_approve,
    target="application",
    form=ApproveForm,
    serializer=s.ApproveSerializer,
    success=_decided,
)
SUPPLEMENT = Action(
    name="supplement",
    model=PermitApplication,
    service=services.application_ask_supplement,
    target="application",
    form=SupplementForm,
    serializer=s.SupplementSerializer,
    success=_decided,
)
REJECT = Action(
    name="reject",
    model=PermitApplication,
    service=services.application_reject,
    target="application",
    form=RejectForm,
    serializer=s.RejectSerializer,
    success=_decided,
)
VISIT = Action(
    name="visit",
    model=PermitApplication,
    service=services.home_visit_record,
    target="application",
    form=VisitForm,
    serializer=s.VisitSerializer,
    success=_decided,
)

# --- the officers' care of issued permits ---------------------------------------------------

PERMIT_ENDORSE = Action(
    name="endorse",
    model=ResidencePermit,
    service=services.permit_endorse,
    target="permit",
    success=_saved,
    redirect=_permit_page,
)
PERMIT_REVOKE = Action(
    name="revoke",
    model=ResidencePermit,
    service=services.permit_revoke,
    target="permit",
    form=RevokeForm,
    serializer=s.RevokeSerializer,
    success=_saved,
    redirect=_permit_page,
)
