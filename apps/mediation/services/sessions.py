"""The mediation itself: the parties' consent (人民调解法 arts. 3, 17), sessions held and
planned, and the ways a dispute ends without an agreement or comes back (failure,
withdrawal, reopening, closing)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import Conflict, DomainError
from apps.core.limits import ensure_past
from apps.core.rules import requires

from ..choices import Consent, FollowUpResult, Outcome, Referral, SessionMode
from ..models import Dispute, DisputeParty, MediationSession
from ..workflow import SCHEDULABLE
from ._shared import CHANGE_DISPUTE, NEXT_SESSION_FIELDS, S, _clear_next_session, _event, _move

MAX_PLAN_AHEAD = timedelta(days=183)


@requires(CHANGE_DISPUTE, "mediation.add_mediationsession")
def session_record(
    *,
    dispute: Dispute,
    by: User,
    held_at: datetime,
    attendees: str,
    mode: str = SessionMode.IN_PERSON,
    place: str = "",
    notes: str = "",
) -> MediationSession:
    """Record a session; the first one puts an assigned dispute into mediation."""
    if mode not in SessionMode.values:
        raise DomainError(_("Unknown session mode."), code="invalid")
    if mode == SessionMode.IN_PERSON and not place.strip():
        raise DomainError(_("Say where the session is held."), code="invalid")
    if not attendees.strip():
        raise DomainError(_("Name who attended."), code="invalid")
    ensure_past(held_at, _("A session is recorded once held: its time cannot be in the future."))
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, dispute.pk)
        if dispute.status in (S.ASSIGNED, S.IN_MEDIATION):
            _require_consent(dispute)
        if dispute.status == S.ASSIGNED:
            _move(dispute, S.IN_MEDIATION, by=by)
        elif dispute.status != S.IN_MEDIATION:
            raise Conflict(
                _("Sessions are held for disputes in mediation, not “%(status)s”.")
                % {"status": dispute.get_status_display()}
            )
        session = MediationSession.objects.create(
            dispute=dispute,
            held_at=held_at,
            mode=mode,
            place=place.strip(),
            attendees=attendees.strip(),
            notes=notes.strip(),
            recorded_by=by,
        )
        planned = dispute.next_session_at
        if planned and timezone.localdate(held_at) >= timezone.localdate(planned):
            # The planned session took place (or a later one did): nothing is planned now.
            _clear_next_session(dispute)
            dispute.save(update_fields=NEXT_SESSION_FIELDS)
        _event(dispute, by=by, text=_("Session recorded: %(session)s") % {"session": session})
    return session


def next_session_text(dispute: Dispute) -> str:
    """The planned session as the pages and the invitations say it: when, and where."""
    if dispute.next_session_at is None:
        return ""
    where = (
        dispute.next_session_place
        if dispute.next_session_mode == SessionMode.IN_PERSON
        else str(SessionMode.ONLINE.label)
    )
    return f"{timezone.localtime(dispute.next_session_at):%Y-%m-%d %H:%M} · {where}"


@requires(CHANGE_DISPUTE)
def session_schedule(
    *, dispute: Dispute, by: User, at: datetime, mode: str = SessionMode.IN_PERSON, place: str = ""
) -> Dispute:
    """Plan the next session. It shows on the mediator's home and goes into the parties'
    invitations until a session on or after its day is recorded; planning again moves it."""
    if mode not in SessionMode.values:
        raise DomainError(_("Unknown session mode."), code="invalid")
    if mode == SessionMode.IN_PERSON and not place.strip():
        raise DomainError(_("Say where the session is held."), code="invalid")
    now = timezone.now()
    if at <= now:
        raise DomainError(_("A session is planned for a time still to come."), code="invalid")
    if at > now + MAX_PLAN_AHEAD:
        raise DomainError(_("Plan the session within the next six months."), code="invalid")
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, dispute.pk)
        if dispute.status not in SCHEDULABLE:
            raise Conflict(
                _("Sessions are planned for disputes assigned or in mediation, not “%(status)s”.")
                % {"status": dispute.get_status_display()}
            )
        dispute.next_session_at = at
        dispute.next_session_mode = mode
        dispute.next_session_place = place.strip() if mode == SessionMode.IN_PERSON else ""
        dispute.save(update_fields=NEXT_SESSION_FIELDS)
        _event(
            dispute,
            by=by,
            text=_("Next session planned: %(session)s") % {"session": next_session_text(dispute)},
        )
    return dispute


def _require_consent(dispute: Dispute) -> None:
    """Mediation is voluntary (人民调解法 arts. 3, 17): no session and no agreement until
    every party has consented, each with its time."""
    missing = [p.name for p in dispute.parties.all() if p.consent != Consent.GIVEN]
    if missing:
        raise Conflict(
            _("Mediation needs every party's consent first; not yet consented: %(names)s.")
            % {"names": "、".join(missing)},
            code="consent_missing",
        )


@requires(CHANGE_DISPUTE)
def party_consent(
    *,
    party: DisputeParty,
    by: User,
    consent: str,
    at: datetime | None = None,
    referral: str = "",
    note: str = "",
) -> DisputeParty:
    """Record a party's consent to mediation, or refusal (人民调解法 arts. 3, 17, 23). A
    refusal ends the mediation path: the dispute fails with a referral (court, arbitration,
    a department) and counts as refused, not as a mediation that failed."""
    if consent not in (Consent.GIVEN, Consent.REFUSED):
        raise DomainError(_("Record whether the party consents or refuses."), code="invalid")
    if consent == Consent.REFUSED and referral not in Referral.values:
        raise DomainError(
            _("A refusal ends mediation: say where the parties are referred."), code="invalid"
        )
    now = timezone.now()
    at = at or now
    ensure_past(at, _("The time of the consent cannot be in the future."), now=now)
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, party.dispute_id)
        party = DisputeParty.objects.select_for_update().get(pk=party.pk, dispute=dispute)
        if dispute.status not in (S.RECEIVED, S.ASSESSED, S.ASSIGNED, S.IN_MEDIATION):
            raise Conflict(
                _("Consent is recorded while the dispute is open, not “%(status)s”.")
                % {"status": dispute.get_status_display()}
            )
        if party.consent:
            raise Conflict(
                _("%(name)s's answer is already recorded.") % {"name": party.name},
                code="consent_recorded",
            )
        party.consent = consent
        party.consent_at = at
        party.save(update_fields=["consent", "consent_at"])
        if consent == Consent.GIVEN:
            _event(dispute, by=by, text=_("%(name)s consents to mediation") % {"name": party.name})
            return party
        _event(dispute, by=by, text=_("%(name)s refuses mediation") % {"name": party.name})
        dispute.outcome = Outcome.REFUSED
        dispute.referral = referral
        dispute.outcome_note = note.strip()
        dispute.concluded_at = now
        # Not a failed mediation but none at all: allowed from any open status (art. 17),
        # where `dispute_fail` is only for a dispute in mediation.
        dispute.status = S.FAILED
        _clear_next_session(dispute)
        dispute.save()
        _event(
            dispute,
            by=by,
            status=S.FAILED,
            text=_("Mediation refused: referred to %(referral)s")
            % {"referral": Referral(referral).label},
        )
    return party


@requires(CHANGE_DISPUTE)
def dispute_fail(*, dispute: Dispute, by: User, referral: str, note: str = "") -> Dispute:
    if referral not in Referral.values:
        raise DomainError(_("Say where the parties are referred."), code="invalid")
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, dispute.pk)
        dispute.outcome = Outcome.FAILED
        dispute.referral = referral
        dispute.outcome_note = note.strip()
        dispute.concluded_at = timezone.now()
        _move(dispute, S.FAILED, by=by, text=str(Referral(referral).label))
    return dispute


@requires(CHANGE_DISPUTE)
def dispute_withdraw(*, dispute: Dispute, by: User, note: str = "") -> Dispute:
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, dispute.pk)
        dispute.outcome = Outcome.WITHDRAWN
        dispute.outcome_note = note.strip()
        dispute.concluded_at = timezone.now()
        _move(dispute, S.WITHDRAWN, by=by, text=note.strip())
    return dispute


@requires(CHANGE_DISPUTE)
def dispute_reopen(*, dispute: Dispute, by: User, note: str) -> Dispute:
    """Back into mediation when a follow-up found the agreement not (fully) carried out."""
    if not note.strip():
        raise DomainError(_("Say why the dispute is reopened."), code="invalid")
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, dispute.pk)
        last = dispute.follow_ups.exclude(done_at=None).order_by("-done_at").first()
        if last is None or last.result == FollowUpResult.CARRIED_OUT:
            raise Conflict(_("Only a dispute whose agreement was not carried out can be reopened."))
        dispute.agreements.filter(in_force=True).update(in_force=False)
        dispute.outcome = ""
        dispute.concluded_at = None
        _move(dispute, S.IN_MEDIATION, by=by, text=_("Reopened: %(note)s") % {"note": note.strip()})
    return dispute


@requires(CHANGE_DISPUTE)
def dispute_close(*, dispute: Dispute, by: User, note: str = "") -> Dispute:
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, dispute.pk)
        if dispute.status == S.AGREEMENT:
            raise Conflict(
                _("The follow-up visit is still due: record it before closing."),
                code="follow_up_due",
            )
        dispute.closed_at = timezone.now()
        _move(dispute, S.CLOSED, by=by, text=note.strip())
    return dispute
