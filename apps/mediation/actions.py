"""The steps on disputes, follow-up visits and lawyers' slots, declared once for the pages and
the API (apps.core.actions): which service, which input, what the page says after. The role
each step needs is its service's (`@requires` in apps.mediation.services).

The dispute page posts every step to one URL (`<pk>/<name>/`), chosen by `DISPUTE_STEPS`;
the API serves each step as its own endpoint on the dispute (`disputes/<pk>/<name>/`)."""

from dataclasses import replace
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.actions import Action, actions_named
from apps.core.errors import DomainError
from apps.core.masking import mask_phone
from apps.core.scoping import CHANGE

from . import forms, services
from .api import serializers as s
from .models import Agreement, Dispute, FollowUp, LawyerSlot, PartyInvitation

# The dispute's page reads these with the step (its header names the station, the village,
# the post, the mediator and the incident).
DISPUTE_RELATED = ("station", "community", "post", "mediator", "incident")


def _step(name: str, service: Any, **declared: Any) -> Action:
    return Action(
        name=name, model=Dispute, service=service, select_related=DISPUTE_RELATED, **declared
    )


def _agreement_in_force(dispute: Dispute) -> Agreement:
    agreement = dispute.agreements.filter(in_force=True).first()
    if agreement is None:
        raise DomainError(_("There is no agreement in force."))
    return agreement


def _due_follow_up(dispute: Dispute) -> FollowUp:
    follow_up = dispute.follow_ups.filter(done_at=None).first()
    if follow_up is None:
        raise DomainError(_("No follow-up visit is due."))
    return follow_up


def _sign(dispute: Dispute, data: dict[str, Any], request: Any) -> Any:
    """One signature of the agreement in force: the mediator's, the committee's seal or a
    party's (the form and the serializer resolve the agreement and the party)."""
    agreement, by = data["agreement"], request.user
    if data["signer"] == "mediator":
        return services.agreement_mediator_sign(agreement=agreement, by=by)
    if data["signer"] == "seal":
        return services.agreement_seal(agreement=agreement, by=by)
    return services.agreement_sign(agreement=agreement, party=data["party"], by=by)


def _invite(dispute: Dispute, data: dict[str, Any], request: Any) -> PartyInvitation:
    party = dispute.parties.get_or_404(data["party"])
    # The link is absolute on the scheme and host the mediator reached the workbench by.
    site_url = request.build_absolute_uri("/")
    return services.invitation_sms(party=party, by=request.user, site_url=site_url)


def _invited(dispute: Dispute, invitation: PartyInvitation) -> str:
    party = invitation.party
    return _("Invitation texted to %(name)s (%(phone)s).") % {
        "name": party.name,
        "phone": mask_phone(party.phone),
    }


DISPUTE_ASSESS = _step(
    "assess", services.dispute_assess, form=forms.AssessForm, serializer=s.AssessSerializer
)
DISPUTE_FLAG = _step(
    "flag", services.dispute_flag, form=forms.FlagForm, serializer=s.FlagSerializer
)
DISPUTE_ASSIGN = _step(
    "assign",
    services.dispute_assign,
    form=forms.AssignForm,
    form_kwargs=lambda dispute: {"station": dispute.station},
    serializer=s.AssignSerializer,
)
DISPUTE_PARTY = _step(
    "party", services.dispute_party_add, form=forms.PartyForm, serializer=s.PartyInSerializer
)
DISPUTE_OPEN_INCIDENT = _step(
    "open_incident",
    services.dispute_open_incident,
    success=lambda dispute, incident: _("Incident %(number)s opened.") % {"number": incident},
)
SESSION_RECORD = _step("session", services.session_record, form=forms.SessionForm)
SESSION_SCHEDULE = _step("schedule", services.session_schedule, form=forms.ScheduleForm)
PARTY_CONSENT = _step(
    "consent",
    services.party_consent,
    form=forms.ConsentForm,
    form_kwargs=lambda dispute: {"parties": dispute.parties.filter(consent="")},
    serializer=s.ConsentInSerializer,
    call=lambda dispute, data, request: services.party_consent(by=request.user, **data),
)
INVITATION_SMS = _step(
    "invite", services.invitation_sms, form=forms.InviteForm, call=_invite, success=_invited
)
THREAD_POST = _step(
    "message",
    services.thread_post,
    form=forms.MessageForm,
    call=lambda dispute, data, request: services.thread_post(
        dispute=dispute, by=request.user, text=data["text"], upload=data["file"]
    ),
)
AGREEMENT_MAKE = _step(
    "agreement",
    services.agreement_make,
    form=forms.AgreementForm,
    form_kwargs=lambda dispute: {"parties": dispute.parties.all()},
    serializer=s.AgreementInSerializer,
)
AGREEMENT_SIGN = _step(
    "sign",
    services.agreement_sign,
    form=forms.SignForm,
    form_kwargs=lambda dispute: {
        "agreement": _agreement_in_force(dispute),
        "parties": dispute.parties.all(),
    },
    serializer=s.SignSerializer,
    call=_sign,
)
AGREEMENT_CONFIRMATION = _step(
    "confirmation",
    services.agreement_confirmation,
    form=forms.ConfirmationForm,
    form_kwargs=lambda dispute: {"agreement": _agreement_in_force(dispute)},
    serializer=s.ConfirmationSerializer,
    call=lambda dispute, data, request: services.agreement_confirmation(by=request.user, **data),
)
DISPUTE_FAIL = _step(
    "fail", services.dispute_fail, form=forms.FailForm, serializer=s.FailSerializer
)
DISPUTE_WITHDRAW = _step(
    "withdraw", services.dispute_withdraw, form=forms.NoteForm, serializer=s.NoteSerializer
)
DISPUTE_CLOSE = _step(
    "close", services.dispute_close, form=forms.NoteForm, serializer=s.NoteSerializer
)
DISPUTE_REOPEN = _step(
    "reopen", services.dispute_reopen, form=forms.NoteForm, serializer=s.NoteSerializer
)
# On the dispute's page, the visit due; in the API, the visit itself (FOLLOW_UP_RECORD).
DISPUTE_FOLLOW_UP = _step(
    "follow_up",
    services.follow_up_record,
    form=forms.FollowUpForm,
    form_kwargs=lambda dispute: {"follow_up": _due_follow_up(dispute)},
    call=lambda dispute, data, request: services.follow_up_record(by=request.user, **data),
)

DISPUTE_STEPS = actions_named(
    DISPUTE_ASSESS,
    DISPUTE_FLAG,
    DISPUTE_ASSIGN,
    DISPUTE_PARTY,
    SESSION_RECORD,
    SESSION_SCHEDULE,
    INVITATION_SMS,
    AGREEMENT_MAKE,
    PARTY_CONSENT,
    AGREEMENT_SIGN,
    AGREEMENT_CONFIRMATION,
    DISPUTE_FAIL,
    DISPUTE_WITHDRAW,
    DISPUTE_CLOSE,
    DISPUTE_REOPEN,
    DISPUTE_FOLLOW_UP,
    THREAD_POST,
    DISPUTE_OPEN_INCIDENT,
)

FOLLOW_UP_RECORD = Action(
    name="record",
    model=FollowUp,
    service=services.follow_up_record,
    target="follow_up",
    serializer=s.FollowUpRecordSerializer,
)


# --- lawyers' slots ---------------------------------------------------------------------------


def _book_by_number(slot: LawyerSlot, data: dict[str, Any], request: Any) -> LawyerSlot:
    """The slots page names the dispute by its number (the API by its id)."""
    number = data.pop("dispute").strip()
    dispute = None
    if number:
        dispute = Dispute.objects.restrict(request.user, CHANGE).filter(number=number).first()
        if dispute is None:
            raise DomainError(_("No such dispute."))
    return services.slot_book(slot=slot, by=request.user, dispute=dispute, **data)


SLOT_BOOK = Action(
    name="book",
    model=LawyerSlot,
    service=services.slot_book,
    target="slot",
    serializer=s.BookSerializer,
)
SLOT_BOOK_PAGE = replace(
    SLOT_BOOK,
    form=forms.BookForm,
    call=_book_by_number,
    success=gettext_lazy("Slot booked."),
    redirect=lambda slot, booked: reverse("mediation:slots"),
)
SLOT_CANCEL = Action(name="cancel", model=LawyerSlot, service=services.slot_cancel, target="slot")
