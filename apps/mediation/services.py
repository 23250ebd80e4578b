"""Every write of the mediation app: keyword-only, one transaction,
validated before saving, a DomainError with a user-facing message otherwise.

A state change locks the dispute's row (`select_for_update`) and checks the transition table
inside the transaction. Escalation tells the post's officers and the station's desk at once
and can open an incident for the nearest post (兜底). Dispute numbers come from
`core.NumberSequence` (series TJ, core.services.next_number) under a row lock, so they have no gaps.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import DESK_OFFICER
from apps.cases.choices import IncidentSource
from apps.cases.models import Incident
from apps.core.errors import Conflict, DomainError, NotAllowed, OutOfScope
from apps.core.idnumbers import parse_id_number
from apps.core.limits import ensure_past, ensure_plannable
from apps.core.masking import mask_phone
from apps.core.names import check_name
from apps.core.notifications import get_sender, notify
from apps.core.outbox import enqueue
from apps.core.phones import normalise_phone
from apps.core.scoping import CHANGE, is_in_scope
from apps.core.services import next_number, personal_data_printed
from apps.core.timefmt import when
from apps.core.uploads import check_upload, store_private
from apps.registry.choices import Gender
from apps.stations.models import Station
from apps.stations.numbers import record_number

from .choices import (
    PERSONAL_SAFETY_SIGNS,
    ConfirmationStatus,
    Consent,
    DisputeCategory,
    DisputeSource,
    DisputeStatus,
    EscalationSign,
    FollowUpResult,
    MediationKind,
    MediatorKind,
    Outcome,
    PartyRole,
    Referral,
    RiskLevel,
    SessionMode,
)
from .models import (
    Agreement,
    AgreementSignature,
    Dispute,
    DisputeEvent,
    DisputeParty,
    FollowUp,
    LawyerSlot,
    MediationSession,
    Mediator,
    PartyInvitation,
    ThreadMessage,
)
from .pdf import agreement_pdf
from .workflow import ASSIGNABLE, DISPUTE_WORKFLOW, SCHEDULABLE

SERIES = "TJ"
MAX_SCAN_BYTES = 20 * 1024 * 1024
MAX_PLAN_AHEAD = timedelta(days=183)
NEXT_SESSION_FIELDS = ["next_session_at", "next_session_mode", "next_session_place"]
S = DisputeStatus


def assess_hours() -> int:
    return settings.MEDIATION_ASSESS_HOURS


def assess_hours_safety() -> int:
    return settings.MEDIATION_ASSESS_HOURS_SAFETY


def follow_up_days() -> int:
    """The follow-up's fallback delay, only for an agreement with no performance deadline."""
    return settings.MEDIATION_FOLLOW_UP_DAYS


def confirmation_remind_days() -> int:
    """How many days before the judicial-confirmation window closes the reminder goes out."""
    return settings.MEDIATION_CONFIRMATION_REMIND_DAYS


def _event(dispute: Dispute, *, by, text: str, status: str = "") -> DisputeEvent:
    return DisputeEvent.objects.create(dispute=dispute, by=by, status=status, text=text[:500])


def _move(dispute: Dispute, target: str, *, by, text: str = "") -> None:
    DISPUTE_WORKFLOW.check(dispute.status, target)
    dispute.status = target
    if target not in SCHEDULABLE:
        # Settled, failed or withdrawn: no session is still to come.
        _clear_next_session(dispute)
    dispute.save()
    _event(dispute, by=by, status=target, text=text or S(target).label)


def _clean_signs(signs) -> list[str]:
    signs = list(dict.fromkeys(signs or ()))
    unknown = [s for s in signs if s not in EscalationSign.values]
    if unknown:
        raise DomainError(_("Unknown sign of escalation."), code="invalid")
    return signs


def _deadline(received_at: datetime, signs) -> datetime:
    hours = assess_hours_safety() if PERSONAL_SAFETY_SIGNS & set(signs) else assess_hours()
    return received_at + timedelta(hours=hours)


def _full_clean(obj, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="invalid") from exc


# --- intake -------------------------------------------------------------------------------


def dispute_receive(
    *,
    by,
    source: str,
    category: str,
    description: str,
    kind: str = MediationKind.PEOPLES,
    station: Station | None = None,
    place_text: str = "",
    community=None,
    post=None,
    parties=(),
    signs=(),
    risk_level: str = "",
    received_at: datetime | None = None,
    incident: Incident | None = None,
) -> Dispute:
    """Take a dispute in. `parties` are dicts of role, name, phone and/or person. Signs of
    escalation given at intake shorten the assessment deadline and alert the police."""
    if source not in DisputeSource.values:
        raise DomainError(_("Unknown source."), code="invalid")
    if category not in DisputeCategory.values:
        raise DomainError(_("Unknown category."), code="invalid")
    if kind not in MediationKind.values:
        raise DomainError(_("Unknown kind of mediation."), code="invalid")
    if not description.strip():
        raise DomainError(_("Describe the dispute."), code="invalid")
    if risk_level and risk_level not in RiskLevel.values:
        raise DomainError(_("Unknown risk level."), code="invalid")
    signs = _clean_signs(signs)
    station = station or (community.station if community else None) or by.station
    if station is None:
        raise DomainError(_("Choose the station that takes the dispute."), code="invalid")
    if not Station.objects.restrict(by, CHANGE).filter(pk=station.pk).exists():
        raise OutOfScope(_("Not found."))
    now = timezone.now()
    received_at = received_at or now
    ensure_past(received_at, _("The time of receipt cannot be in the future."), now=now)
    dispute = Dispute(
        station=station,
        source=source,
        kind=kind,
        category=category,
        description=description.strip(),
        place_text=place_text.strip(),
        community=community,
        post=post or (community.post if community else None),
        incident=incident,
        signs=signs,
        risk_level=risk_level,
        received_at=received_at,
        assess_by=_deadline(received_at, signs),
        created_by=by,
    )
    with transaction.atomic():
        year = timezone.localtime(now).year
        dispute.number = record_number(
            station, SERIES, year, next_number(station=station, series=SERIES, year=year)
        )
        _full_clean(dispute, exclude=["number"])
        dispute.save()
        _event(dispute, by=by, status=dispute.status, text=DisputeSource(source).label)
        for party in parties:
            _party_add(dispute, **party)
        if dispute.is_escalated:
            _alert(dispute, by=by)
    return dispute


def intake_from_incident(
    *, incident: Incident, by, note: str = "", caller_consents: bool = False
) -> Dispute:
    """The diversion intake registered with apps.cases.diversion: closing an incident with
    the mediation disposition creates its dispute in the same transaction. The category is
    set at assessment; the caller becomes the applicant, with their consent to mediation
    when the desk asked it at diversion (人民调解法 art. 3); the other parties are asked
    before the first session."""
    parties = []
    if incident.caller_name or incident.caller_person_id or incident.caller_phone:
        parties.append(
            {
                "role": PartyRole.APPLICANT,
                "name": incident.caller_name
                or (incident.caller_person.name if incident.caller_person else _("Caller")),
                "phone": incident.caller_phone,
                "person": incident.caller_person,
            }
        )
    description = "\n".join(p for p in (incident.description, incident.outcome, note) if p)
    signs = [EscalationSign.REPEATED_CALLS] if incident.is_repeat_caller else []
    dispute = dispute_receive(
        by=by,
        source=DisputeSource.INCIDENT,
        category=DisputeCategory.OTHER,
        description=description or str(incident.category or incident.place_text),
        station=incident.station,
        place_text=incident.place_text,
        community=incident.community,
        post=incident.post,
        parties=parties,
        signs=signs,
        incident=incident,
    )
    if caller_consents and parties:
        party = dispute.parties.get()
        party.consent, party.consent_at = Consent.GIVEN, timezone.now()
        party.save(update_fields=["consent", "consent_at"])
        _event(
            dispute,
            by=by,
            text=_("%(name)s consents to mediation (asked at diversion)") % {"name": party.name},
        )
    return dispute


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _party_add(
    dispute: Dispute,
    *,
    role: str,
    name: str = "",
    phone: str = "",
    person=None,
    gender: str = "",
    age: int | None = None,
    ethnicity: str = "",
    id_number: str = "",
    address: str = "",
):
    """A party with the basic details the written agreement states (人民调解法 art. 29):
    a registry person gives what is missing; an ID number is checked and gives the gender
    and the age."""
    if role not in PartyRole.values:
        raise DomainError(_("Unknown party role."), code="invalid")
    if person is not None and person.station_id != dispute.station_id:
        raise OutOfScope(_("Not found."))
    name = check_name(name or (person.name if person else ""))
    if not name:
        raise DomainError(_("Give the party's name."), code="invalid")
    if gender and gender not in Gender.values:
        raise DomainError(_("Unknown gender."), code="invalid")
    if age is not None and not 0 <= age <= 150:
        raise DomainError(_("Check the party's age."), code="invalid")
    id_number = (id_number or (person.id_number if person else "")).strip().upper()
    today = timezone.localdate()
    if id_number:
        try:
            parsed = parse_id_number(id_number)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), code="invalid") from exc
        id_number = parsed.value
        gender = gender or parsed.gender
        age = _age(parsed.birth_date, today) if age is None else age
    if person is not None:
        gender = gender or person.gender
        ethnicity = ethnicity or person.ethnicity
        age = _age(person.birth_date, today) if age is None else age
        address = address or getattr(person, "domicile_address", "") or ""
    return DisputeParty.objects.create(
        dispute=dispute,
        role=role,
        name=name,
        phone="".join(phone.split()),
        person=person,
        gender=gender,
        age=age,
        ethnicity=ethnicity.strip(),
        id_number=id_number,
        address=address.strip()[:200],
    )


def dispute_party_add(*, dispute: Dispute, by, role: str, **details) -> DisputeParty:
    """Add a party. During mediation a new party's consent is asked before the next session."""
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, dispute.pk)
        if dispute.status == S.CLOSED:
            raise Conflict(_("This dispute is closed."))
        party = _party_add(dispute, role=role, **details)
        _event(dispute, by=by, text=_("Party added: %(name)s") % {"name": party.name})
    return party


# --- assessment and escalation --------------------------------------------------------------


def _responders(dispute: Dispute) -> list[User]:
    """Who is told of an escalation: the post's officers and the station's desk."""
    users = User.objects.filter(is_active=True)
    post_id = dispute.post_id or (dispute.community.post_id if dispute.community_id else None)
    recipients = []
    if post_id:
        recipients += list(users.filter(post_id=post_id))
        recipients += list(users.filter(assignments__post_id=post_id, assignments__ended_on=None))
    recipients += list(users.filter(station_id=dispute.station_id, groups__name=DESK_OFFICER))
    return recipients


def _alert(dispute: Dispute, *, by) -> None:
    dispute.escalated_at = timezone.now()
    dispute.save(update_fields=["escalated_at"])
    signs = "、".join(str(EscalationSign(s).label) for s in dispute.signs)
    notify(
        recipients=_responders(dispute),
        title=_("Dispute escalating: %(number)s") % {"number": dispute.number},
        body=" · ".join(p for p in (signs, dispute.place_text) if p),
        url=dispute.get_absolute_url(),
        external=True,
    )
    _event(
        dispute, by=by, text=_("Escalation: post and desk alerted. %(signs)s") % {"signs": signs}
    )


def dispute_flag(*, dispute: Dispute, by, signs=(), risk_level: str = "") -> Dispute:
    """Record signs of escalation and/or the risk level at any stage. A new sign or a rise
    to high risk alerts the police at once; a personal-safety sign before assessment
    shortens the assessment deadline."""
    signs = _clean_signs(signs)
    if risk_level and risk_level not in RiskLevel.values:
        raise DomainError(_("Unknown risk level."), code="invalid")
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, dispute.pk)
        if dispute.status == S.CLOSED:
            raise Conflict(_("This dispute is closed."))
        new_signs = [s for s in signs if s not in dispute.signs]
        rising = risk_level == RiskLevel.HIGH and dispute.risk_level != RiskLevel.HIGH
        dispute.signs = [*dispute.signs, *new_signs]
        if risk_level:
            dispute.risk_level = risk_level
        if dispute.status == S.RECEIVED:
            dispute.assess_by = min(dispute.assess_by, _deadline(dispute.received_at, signs))
        dispute.save()
        if new_signs or rising:
            _alert(dispute, by=by)
    return dispute


def dispute_assess(
    *, dispute: Dispute, by, risk_level: str, signs=(), category: str = "", note: str = ""
) -> Dispute:
    """The desk's assessment: risk level, signs, and the category if it was not known."""
    if risk_level not in RiskLevel.values:
        raise DomainError(_("Choose a risk level."), code="invalid")
    if category and category not in DisputeCategory.values:
        raise DomainError(_("Unknown category."), code="invalid")
    with transaction.atomic():
        dispute = dispute_flag(dispute=dispute, by=by, signs=signs, risk_level=risk_level)
        dispute = Dispute.objects.lock_for(by, dispute.pk)
        if category:
            dispute.category = category
        dispute.assessed_at = timezone.now()
        _move(dispute, S.ASSESSED, by=by, text=note.strip() or RiskLevel(risk_level).label)
    return dispute


INCIDENT_SOURCE = {
    DisputeSource.WALK_IN: IncidentSource.WALK_IN,
    DisputeSource.PATROL: IncidentSource.PATROL,
    DisputeSource.ONLINE: IncidentSource.ONLINE,
}


def dispute_open_incident(*, dispute: Dispute, by) -> Incident:
    """Hand an escalating dispute to the police (兜底): open an incident, assign it to the
    nearest post (by the place's coordinates, else the dispute's post) and link both."""
    from apps.cases.selectors import rank_posts
    from apps.cases.services import incident_dispatch, incident_report

    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, dispute.pk)
        if not dispute.is_escalated:
            raise Conflict(
                _("Only a dispute with signs of escalation or high risk goes to the police.")
            )
        if dispute.escalation_incident_id:
            raise Conflict(
                _("Incident %(number)s is already open for this dispute.")
                % {"number": dispute.escalation_incident.number}
            )
        signs = "、".join(str(EscalationSign(s).label) for s in dispute.signs)
        incident, _created = incident_report(
            by=by,
            source=INCIDENT_SOURCE.get(dispute.source, IncidentSource.PHONE),
            station=dispute.station,
            place_text=dispute.place_text or str(dispute.community or dispute.station),
            community=dispute.community,
            caller_name=dispute.parties.first().name if dispute.parties.exists() else "",
            description=_("Dispute %(number)s escalating: %(signs)s. %(text)s")
            % {"number": dispute.number, "signs": signs, "text": dispute.description},
            priority=1,
        )
        post = dispute.post
        if incident.latitude is not None:
            ranking = rank_posts(
                station=incident.station,
                latitude=incident.latitude,
                longitude=incident.longitude,
                user=by,
            )
            if ranking.suggestions:
                post = ranking.suggestions[0].post
        if post is not None:
            incident = incident_dispatch(incident=incident, post=post, by=by)
        dispute.escalation_incident = incident
        dispute.save(update_fields=["escalation_incident"])
        _event(dispute, by=by, text=_("Incident opened: %(number)s") % {"number": incident.number})
    return incident


# --- assignment, sessions, outcomes --------------------------------------------------------


def dispute_assign(*, dispute: Dispute, mediator: Mediator, by) -> Dispute:
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, dispute.pk)
        if mediator.station_id != dispute.station_id:
            raise OutOfScope(_("Not found."))
        if not mediator.is_active:
            raise DomainError(_("This mediator is no longer active."), code="invalid")
        if dispute.status not in ASSIGNABLE:
            raise Conflict(
                _("A dispute that is “%(status)s” cannot be assigned.")
                % {"status": dispute.get_status_display()}
            )
        dispute.mediator = mediator
        dispute.assigned_at = timezone.now()
        text = _("Assigned to %(mediator)s") % {"mediator": mediator}
        if dispute.status == S.ASSIGNED:
            dispute.save()
            _event(dispute, by=by, text=text)
        else:
            _move(dispute, S.ASSIGNED, by=by, text=text)
        if mediator.user_id:
            notify(
                recipients=[mediator.user],
                title=_("New dispute: %(number)s") % {"number": dispute.number},
                body=dispute.get_category_display(),
                url=dispute.get_absolute_url(),
            )
    return dispute


def session_record(
    *,
    dispute: Dispute,
    by,
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


def _clear_next_session(dispute: Dispute) -> None:
    dispute.next_session_at = None
    dispute.next_session_mode = dispute.next_session_place = ""


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


def session_schedule(
    *, dispute: Dispute, by, at: datetime, mode: str = SessionMode.IN_PERSON, place: str = ""
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


def _follow_up_officer(dispute: Dispute) -> User | None:
    """The community officer of the dispute's village, else of its post."""
    community = dispute.community
    if community is not None and community.district_id:
        officer = community.district.responsible_officers.filter(is_active=True).first()
        if officer is not None:
            return officer
    if dispute.post_id:
        from apps.accounts.roles import COMMUNITY_OFFICER

        return User.objects.filter(
            is_active=True, post_id=dispute.post_id, groups__name=COMMUNITY_OFFICER
        ).first()
    return None


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


def party_consent(
    *,
    party: DisputeParty,
    by,
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


def agreement_make(
    *,
    dispute: Dispute,
    by,
    terms: str,
    signed_parties=(),
    scan=None,
    oral: bool = False,
    facts: str = "",
    matters: str = "",
    responsibility: str = "",
    performance: str = "",
    performance_deadline: date | None = None,
    mediator_signed: bool = False,
    sealed: bool = False,
) -> Agreement:
    """The agreement (调解协议, 人民调解法 arts. 28–29): refused without parties, terms or
    every party's consent. Ticked parties sign now, and the mediator and the committee's
    seal may be recorded at once; a scan may carry the signatures. It takes effect with
    the last required signature or seal; an oral agreement when it is reached. The
    follow-up visit (art. 31) falls due on the performance deadline."""
    if not terms.strip():
        raise DomainError(_("Write the terms of the agreement."), code="invalid")
    now = timezone.now()
    today = timezone.localdate(now)
    if performance_deadline is not None and performance_deadline < today:
        raise DomainError(_("The performance deadline cannot be in the past."), code="invalid")
    checked = (
        check_upload(scan, allowed=("pdf", "jpeg", "png"), max_bytes=MAX_SCAN_BYTES)
        if scan
        else None
    )
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, dispute.pk)
        parties = {p.pk: p for p in dispute.parties.all()}
        if len(parties) < 2:
            raise DomainError(
                _("An agreement needs the parties: add at least two first."), code="no_parties"
            )
        if dispute.status != S.IN_MEDIATION:
            DISPUTE_WORKFLOW.check(dispute.status, S.AGREEMENT)
        _require_consent(dispute)
        signed = [getattr(p, "pk", p) for p in signed_parties]
        if any(pk not in parties for pk in signed):
            raise DomainError(_("Only the dispute's parties can sign."), code="invalid")
        dispute.outcome = Outcome.AGREEMENT
        dispute.concluded_at = now
        _move(dispute, S.AGREEMENT, by=by)
        agreement = Agreement(
            dispute=dispute,
            oral=oral,
            facts=facts.strip() or dispute.description,
            matters=matters.strip(),
            responsibility=responsibility.strip(),
            terms=terms.strip(),
            performance=performance.strip(),
            performance_deadline=performance_deadline,
            made_at=now,
            created_by=by,
        )
        if checked:
            agreement.scan = store_private(checked, folder="mediation/agreements")
            agreement.scan_name = (scan.name or "")[-200:]
            agreement.scan_content_type = checked.content_type
        if oral:
            # Recorded by the mediator, in effect when reached (art. 28).
            agreement.effective_at = now
        else:
            if mediator_signed:
                _check_mediator_can_sign(dispute)
                agreement.mediator_signed_at = now
            if sealed:
                _check_seal(agreement)
                agreement.sealed_at = now
        agreement.save()
        if not oral:
            AgreementSignature.objects.bulk_create(
                AgreementSignature(agreement=agreement, party=parties[pk], signed_at=now)
                for pk in dict.fromkeys(signed)
            )
            _take_effect(agreement, by=by)
        FollowUp.objects.create(
            dispute=dispute,
            agreement=agreement,
            due_on=performance_deadline or today + timedelta(days=follow_up_days()),
            officer=_follow_up_officer(dispute),
        )
    return agreement


def _check_mediator_can_sign(dispute: Dispute) -> None:
    if dispute.mediator_id is None:
        raise Conflict(_("No mediator is assigned to sign the agreement."), code="no_mediator")


def _check_seal(agreement: Agreement) -> None:
    if not agreement.needs_seal:
        raise Conflict(
            _("Only a people's mediation agreement carries a mediation committee's seal."),
            code="no_seal",
        )
    mediator = agreement.dispute.mediator
    if mediator is None or mediator.committee_id is None:
        raise Conflict(
            _("The mediator belongs to no people's mediation committee: no seal to affix."),
            code="no_committee",
        )


def missing_signatures(agreement: Agreement) -> list[str]:
    """Who or what the written agreement still waits for before it takes effect (art. 29):
    parties by name, the mediator, the committee's seal."""
    if agreement.oral:
        return []
    signed = set(agreement.signatures.values_list("party_id", flat=True))
    missing = [p.name for p in agreement.dispute.parties.all() if p.pk not in signed]
    if agreement.mediator_signed_at is None:
        missing.append(str(_("the mediator")))
    if agreement.needs_seal and agreement.sealed_at is None:
        missing.append(str(_("the committee's seal")))
    return missing


def _take_effect(agreement: Agreement, *, by) -> None:
    """Set `effective_at` to the time of the last required signature or seal, once all are
    there; the window for judicial confirmation opens then."""
    if agreement.effective_at is not None or missing_signatures(agreement):
        return
    times = [s.signed_at for s in agreement.signatures.all()]
    times += [agreement.mediator_signed_at]
    if agreement.needs_seal:
        times.append(agreement.sealed_at)
    agreement.effective_at = max(times)
    agreement.save(update_fields=["effective_at"])
    _event(
        agreement.dispute,
        by=by,
        text=_("The agreement takes effect: %(at)s") % {"at": when(agreement.effective_at)},
    )


def _locked_agreement(agreement: Agreement, by) -> tuple[Dispute, Agreement]:
    dispute = Dispute.objects.lock_for(by, agreement.dispute_id)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk, dispute=dispute)
    agreement.dispute = dispute
    if agreement.oral:
        raise Conflict(_("An oral agreement is not signed."), code="oral")
    if not agreement.in_force:
        raise Conflict(_("This agreement is no longer in force."))
    return dispute, agreement


def agreement_sign(*, agreement: Agreement, party: DisputeParty, by) -> AgreementSignature:
    """A party signs (or seals, or fingerprints) the written agreement."""
    with transaction.atomic():
        dispute, agreement = _locked_agreement(agreement, by)
        if party.dispute_id != dispute.pk:
            raise DomainError(_("Only the dispute's parties can sign."), code="invalid")
        try:
            with transaction.atomic():
                signature = AgreementSignature.objects.create(agreement=agreement, party=party)
        except IntegrityError as exc:
            raise Conflict(_("%(name)s has already signed.") % {"name": party.name}) from exc
        _event(dispute, by=by, text=_("Signed by %(name)s") % {"name": party.name})
        _take_effect(agreement, by=by)
    return signature


def agreement_mediator_sign(*, agreement: Agreement, by) -> Agreement:
    """The mediator signs the written agreement (art. 29)."""
    with transaction.atomic():
        dispute, agreement = _locked_agreement(agreement, by)
        _check_mediator_can_sign(dispute)
        if agreement.mediator_signed_at is not None:
            raise Conflict(_("The mediator has already signed."))
        agreement.mediator_signed_at = timezone.now()
        agreement.save(update_fields=["mediator_signed_at"])
        _event(
            dispute, by=by, text=_("Signed by the mediator %(name)s") % {"name": dispute.mediator}
        )
        _take_effect(agreement, by=by)
    return agreement


def agreement_seal(*, agreement: Agreement, by) -> Agreement:
    """The people's mediation committee's seal is affixed (art. 29)."""
    with transaction.atomic():
        dispute, agreement = _locked_agreement(agreement, by)
        _check_seal(agreement)
        if agreement.sealed_at is not None:
            raise Conflict(_("The committee's seal is already affixed."))
        agreement.sealed_at = timezone.now()
        agreement.save(update_fields=["sealed_at"])
        _event(
            dispute,
            by=by,
            text=_("Seal of %(committee)s affixed") % {"committee": dispute.mediator.committee},
        )
        _take_effect(agreement, by=by)
    return agreement


def agreement_confirmation(
    *, agreement: Agreement, by, status: str, on: date | None = None, ruling: str = ""
) -> Agreement:
    """Track the judicial confirmation (司法确认, 人民调解法 art. 33): applied for jointly
    within 30 days of the agreement taking effect, and only for an agreement in effect;
    then confirmed or not by the court, with its ruling."""
    on = on or timezone.localdate()
    ensure_past(on, _("The date of the application or decision cannot be in the future."))
    with transaction.atomic():
        Dispute.objects.lock_for(by, agreement.dispute_id)
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if status == ConfirmationStatus.APPLIED:
            if agreement.effective_at is None:
                raise Conflict(
                    _(
                        "Judicial confirmation is only for an agreement in effect: it still "
                        "waits for %(missing)s."
                    )
                    % {"missing": "、".join(missing_signatures(agreement))},
                    code="not_in_effect",
                )
            if not agreement.in_force:
                raise Conflict(_("This agreement is no longer in force."))
            if agreement.confirmation:
                raise Conflict(_("Confirmation has already been applied for."))
            if on > agreement.confirmation_deadline:
                raise DomainError(
                    _("The 30 days for judicial confirmation ended on %(date)s.")
                    % {"date": when(agreement.confirmation_deadline, "date")},
                    code="window_closed",
                )
            if on < timezone.localdate(agreement.effective_at):
                raise DomainError(
                    _("The date is before the agreement took effect."), code="invalid"
                )
            agreement.confirmation_applied_on = on
        elif status in (ConfirmationStatus.CONFIRMED, ConfirmationStatus.REJECTED):
            if agreement.confirmation != ConfirmationStatus.APPLIED:
                raise Conflict(_("Confirmation must be applied for first."))
            if on < agreement.confirmation_applied_on:
                raise DomainError(_("The decision cannot precede the application."), code="invalid")
            agreement.confirmation_decided_on = on
            agreement.confirmation_ruling = ruling.strip()
        else:
            raise DomainError(_("Unknown confirmation status."), code="invalid")
        agreement.confirmation = status
        agreement.save()
        _event(
            agreement.dispute,
            by=by,
            text=" · ".join(
                p
                for p in (str(ConfirmationStatus(status).label), when(on, "date"), ruling.strip())
                if p
            ),
        )
    return agreement


def dispute_fail(*, dispute: Dispute, by, referral: str, note: str = "") -> Dispute:
    if referral not in Referral.values:
        raise DomainError(_("Say where the parties are referred."), code="invalid")
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, dispute.pk)
        dispute.outcome = Outcome.FAILED
        dispute.referral = referral
        dispute.outcome_note = note.strip()
        dispute.concluded_at = timezone.now()
        _move(dispute, S.FAILED, by=by, text=Referral(referral).label)
    return dispute


def dispute_withdraw(*, dispute: Dispute, by, note: str = "") -> Dispute:
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, dispute.pk)
        dispute.outcome = Outcome.WITHDRAWN
        dispute.outcome_note = note.strip()
        dispute.concluded_at = timezone.now()
        _move(dispute, S.WITHDRAWN, by=by, text=note.strip())
    return dispute


# --- follow-up, reopening, closing ---------------------------------------------------------


def follow_up_record(*, follow_up: FollowUp, by, result: str, note: str = "") -> FollowUp:
    if result not in FollowUpResult.values:
        raise DomainError(_("Record whether the agreement was carried out."), code="invalid")
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, follow_up.dispute_id)
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if follow_up.done_at is not None:
            raise Conflict(_("This follow-up visit is already recorded."))
        follow_up.result = result
        follow_up.note = note.strip()
        follow_up.done_at = timezone.now()
        follow_up.done_by = by
        follow_up.save()
        text = _("Follow-up: %(result)s") % {"result": FollowUpResult(result).label}
        if dispute.status == S.AGREEMENT:
            _move(dispute, S.FOLLOWED_UP, by=by, text=text)
        else:
            _event(dispute, by=by, text=text)
        if dispute.kind == MediationKind.POLICE and result == FollowUpResult.CARRIED_OUT:
            # 治安管理处罚法 art. 9: a performed agreement ends the public-security matter.
            _event(
                dispute,
                by=by,
                text=_(
                    "The public-security mediation agreement was performed: no penalty, the "
                    "matter ends (治安管理处罚法 art. 9)."
                ),
            )
    return follow_up


def dispute_reopen(*, dispute: Dispute, by, note: str) -> Dispute:
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


def dispute_close(*, dispute: Dispute, by, note: str = "") -> Dispute:
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


# --- reminders ----------------------------------------------------------------------------


def mediation_remind() -> int:
    """Daily: tell the desk of each dispute past its assessment deadline, and each officer
    of follow-up visits due today or overdue; once a day per record however often it runs."""
    today = timezone.localdate()
    sent = 0
    late = Dispute.objects.filter(status=S.RECEIVED, assess_by__lt=timezone.now()).exclude(
        reminded_on=today
    )
    for dispute in late:
        with transaction.atomic():
            if (
                not Dispute.objects.filter(pk=dispute.pk)
                .exclude(reminded_on=today)
                .update(reminded_on=today)
            ):
                continue
            notify(
                recipients=User.objects.filter(
                    is_active=True, station_id=dispute.station_id, groups__name=DESK_OFFICER
                ),
                title=_("Assessment overdue: %(number)s") % {"number": dispute.number},
                body=dispute.get_category_display(),
                url=dispute.get_absolute_url(),
            )
            sent += 1
    due = (
        FollowUp.objects.filter(done_at=None, due_on__lte=today)
        .exclude(reminded_on=today)
        .select_related("dispute", "officer")
    )
    for follow_up in due:
        with transaction.atomic():
            if (
                not FollowUp.objects.filter(pk=follow_up.pk)
                .exclude(reminded_on=today)
                .update(reminded_on=today)
            ):
                continue
            recipients = (
                [follow_up.officer]
                if follow_up.officer
                else User.objects.filter(
                    is_active=True,
                    station_id=follow_up.dispute.station_id,
                    groups__name=DESK_OFFICER,
                )
            )
            notify(
                recipients=recipients,
                title=_("Follow-up visit due: %(number)s") % {"number": follow_up.dispute.number},
                body=when(follow_up.due_on, "date"),
                url=follow_up.dispute.get_absolute_url(),
            )
            sent += 1
    return sent + _remind_confirmation_windows(today)


def _remind_confirmation_windows(today: date) -> int:
    """Tell the mediator (else the station's desk), once per agreement, when the window for
    judicial confirmation of an agreement in effect closes within CONFIRMATION_REMIND_DAYS
    and nobody has applied (人民调解法 art. 33)."""
    from .models import CONFIRMATION_WINDOW

    ahead = timedelta(days=confirmation_remind_days())
    # Deadline = local day of effect + 30 days: in [today, today + ahead].
    earliest = timezone.make_aware(datetime.combine(today - CONFIRMATION_WINDOW, time.min))
    latest = timezone.make_aware(datetime.combine(today - CONFIRMATION_WINDOW + ahead, time.max))
    closing = (
        Agreement.objects.filter(
            in_force=True,
            confirmation=ConfirmationStatus.NONE,
            confirmation_reminded_on=None,
            effective_at__range=(earliest, latest),
        )
        .select_related("dispute__mediator__user")
        .order_by("id")
    )
    sent = 0
    for agreement in closing:
        with transaction.atomic():
            if not Agreement.objects.filter(pk=agreement.pk, confirmation_reminded_on=None).update(
                confirmation_reminded_on=today
            ):
                continue
            dispute = agreement.dispute
            mediator = dispute.mediator
            recipients = (
                [mediator.user]
                if mediator is not None and mediator.user_id
                else User.objects.filter(
                    is_active=True, station_id=dispute.station_id, groups__name=DESK_OFFICER
                )
            )
            notify(
                recipients=recipients,
                title=_("Judicial confirmation window closing: %(number)s")
                % {"number": dispute.number},
                body=_("The parties may apply jointly until %(date)s.")
                % {"date": when(agreement.confirmation_deadline, "date")},
                url=dispute.get_absolute_url(),
            )
            sent += 1
    return sent


# --- lawyer's slots -----------------------------------------------------------------------


def slots_generate(
    *,
    by,
    mediator: Mediator,
    weekday: int,
    first_day: date,
    weeks: int,
    start: time,
    end: time,
    minutes: int = 60,
    place: str = "",
) -> int:
    """The lawyer's weekly sitting (e.g. Thursdays 9–12) as bookable slots; existing slots
    are kept, so running it again adds only what is missing. Returns the slots created."""
    if mediator.kind != MediatorKind.LAWYER:
        raise DomainError(_("Sittings are for lawyers."), code="invalid")
    if not is_in_scope(mediator, by, CHANGE):
        raise OutOfScope(_("Not found."))
    if not 0 <= weekday <= 6 or not 1 <= weeks <= 52 or not 15 <= minutes <= 240:
        raise DomainError(_("Check the weekday, weeks and slot length."), code="invalid")
    if end <= start:
        raise DomainError(_("The sitting must end after it starts."), code="invalid")
    day = first_day + timedelta(days=(weekday - first_day.weekday()) % 7)
    ensure_plannable(day + timedelta(weeks=weeks - 1), _("The last sitting"))
    tz = timezone.get_current_timezone()
    wanted = []
    for _week in range(weeks):
        at = datetime.combine(day, start, tz)
        while at + timedelta(minutes=minutes) <= datetime.combine(day, end, tz):
            wanted.append(at)
            at += timedelta(minutes=minutes)
        day += timedelta(days=7)
    with transaction.atomic():
        existing = set(
            LawyerSlot.objects.filter(mediator=mediator, starts_at__in=wanted).values_list(
                "starts_at", flat=True
            )
        )
        rows = [
            LawyerSlot(
                station=mediator.station,
                mediator=mediator,
                starts_at=at,
                ends_at=at + timedelta(minutes=minutes),
                place=place.strip(),
            )
            for at in wanted
            if at not in existing
        ]
        LawyerSlot.objects.bulk_create(rows)
    return len(rows)


def slot_book(
    *, slot: LawyerSlot, by, dispute: Dispute | None = None, booked_for: str = ""
) -> LawyerSlot:
    """Book a slot for a dispute or a named visitor. The row is locked and re-read, so of
    two bookings at once one wins and the other is told the slot is taken."""
    if dispute is None and not booked_for.strip():
        raise DomainError(_("Say whom the slot is for."), code="invalid")
    with transaction.atomic():
        slot = LawyerSlot.objects.lock_for(by, slot.pk)
        if slot.booked_at is not None:
            raise Conflict(_("This slot has already been booked."), code="slot_taken")
        if slot.starts_at < timezone.now():
            raise Conflict(_("This slot is in the past."))
        if dispute is not None and dispute.station_id != slot.station_id:
            raise OutOfScope(_("Not found."))
        slot.dispute = dispute
        slot.booked_for = booked_for.strip() or str(dispute)
        slot.booked_by = by
        slot.booked_at = timezone.now()
        slot.save()
        if dispute is not None:
            _event(dispute, by=by, text=_("Lawyer's slot booked: %(slot)s") % {"slot": slot})
    return slot


def slot_cancel(*, slot: LawyerSlot, by) -> LawyerSlot:
    with transaction.atomic():
        slot = LawyerSlot.objects.lock_for(by, slot.pk)
        if slot.booked_at is None:
            raise Conflict(_("This slot is not booked."))
        slot.dispute = None
        slot.booked_for = ""
        slot.booked_by = None
        slot.booked_at = None
        slot.save()
    return slot


# --- online mediation thread ---------------------------------------------------------------

INVITATION_SALT = "mediation.invitation"
MAX_THREAD_FILE_BYTES = 10 * 1024 * 1024


def invitation_days() -> int:
    return settings.MEDIATION_INVITATION_DAYS


def invitation_token(*, party: DisputeParty, by) -> str:
    """A signed link token for one party of one dispute; it expires after
    `invitation_days()` and carries no police account."""
    if not is_in_scope(party.dispute, by, CHANGE):
        raise OutOfScope(_("Not found."))
    if party.dispute.status == S.CLOSED:
        raise Conflict(_("This dispute is closed."))
    return signing.TimestampSigner(salt=INVITATION_SALT).sign_object(
        {"d": party.dispute_id, "p": party.pk}
    )


def invitation_read(*, token: str, dispute_id: int) -> DisputeParty:
    """The party a token admits to this dispute's thread; an expired, tampered or foreign
    token is refused."""
    signer = signing.TimestampSigner(salt=INVITATION_SALT)
    try:
        data = signer.unsign_object(token, max_age=timedelta(days=invitation_days()))
    except signing.SignatureExpired as exc:
        raise NotAllowed(
            _("This invitation has expired. Ask the mediator for a new link."), code="expired"
        ) from exc
    except signing.BadSignature as exc:
        raise NotAllowed(_("This invitation link is not valid."), code="invalid_link") from exc
    if data.get("d") != dispute_id:
        raise NotAllowed(_("This invitation is for another dispute."), code="invalid_link")
    party = (
        DisputeParty.objects.select_related("dispute__station", "dispute__mediator")
        .filter(pk=data.get("p"), dispute_id=dispute_id)
        .first()
    )
    if party is None or party.dispute.status == S.CLOSED:
        raise NotAllowed(_("This invitation link is not valid."), code="invalid_link")
    return party


def thread_post(
    *, dispute: Dispute, text: str = "", upload=None, by=None, party: DisputeParty | None = None
) -> ThreadMessage:
    """Post to the thread, as staff (`by`) or as a party admitted by an invitation."""
    if (by is None) == (party is None):
        raise DomainError(_("A message has one author."), code="invalid")
    if not text.strip() and upload is None:
        raise DomainError(_("Write a message or attach a file."), code="invalid")
    checked = None
    if upload is not None:
        checked = check_upload(
            upload, allowed=("pdf", "jpeg", "png"), max_bytes=MAX_THREAD_FILE_BYTES
        )
    with transaction.atomic():
        if by is not None:
            dispute = Dispute.objects.lock_for(by, dispute.pk)
        else:
            dispute = Dispute.objects.select_for_update().get(pk=party.dispute_id)
        if dispute.status == S.CLOSED:
            raise Conflict(_("This dispute is closed."))
        message = ThreadMessage(dispute=dispute, author=by, party=party, text=text.strip())
        if checked is not None:
            message.file = store_private(checked, folder="mediation/thread")
            message.file_name = (upload.name or "")[-200:]
            message.content_type = checked.content_type
        message.save()
        if party is not None and dispute.mediator and dispute.mediator.user_id:
            notify(
                recipients=[dispute.mediator.user],
                title=_("New message from %(name)s: %(number)s")
                % {"name": party.name, "number": dispute.number},
                body=text.strip()[:100],
                url=dispute.get_absolute_url(),
            )
    return message


# --- invitations by text message -------------------------------------------------------------

# A second text to the same party this soon is a double click, not a new invitation.
INVITATION_RESEND = timedelta(minutes=1)


def invitation_link(*, party: DisputeParty, by, site_url: str) -> str:
    """The party's signed link to the online mediation, absolute on `site_url` (the
    scheme and host the mediator reached the workbench by)."""
    token = invitation_token(party=party, by=by)
    return site_url.rstrip("/") + reverse("mediation:join", args=[party.dispute_id, token])


def invitation_message(*, party: DisputeParty, link: str) -> tuple[str, str]:
    """The texted invitation's title and text, in Chinese whatever the mediator's language:
    the station, the mediator by name (never an account name), the link with its lifetime
    and the planned session."""
    dispute = party.dispute
    with translation.override(settings.LANGUAGE_CODE):
        names = {
            "station": dispute.station.name,
            "number": dispute.number,
            "mediator": dispute.mediator.name if dispute.mediator else "",
        }
        if dispute.mediator:
            title = _(
                "[%(station)s] Mediator %(mediator)s invites you to the mediation of "
                "dispute %(number)s"
            )
        else:
            title = _("[%(station)s] You are invited to the mediation of dispute %(number)s")
        body = _(
            "%(name)s, open this link to take part in the online mediation (valid for "
            "%(days)d days): %(link)s"
        ) % {"name": party.name, "days": invitation_days(), "link": link}
        if dispute.next_session_at:
            body += " " + _("Next session: %(session)s.") % {"session": next_session_text(dispute)}
        return title % names, body


def can_text(phone: str) -> bool:
    """Whether an invitation can be texted to this number (a mainland mobile)."""
    try:
        normalise_phone(phone)
    except DomainError:
        return False
    return True


def invitation_sms(*, party: DisputeParty, by, site_url: str) -> PartyInvitation:
    """Text the party the invitation through the notification sender, queued with this
    transaction (apps.core.outbox) so that a refused change sends nothing. Refused without
    a mobile number, and within a minute of the last text to the same party."""
    with transaction.atomic():
        dispute = Dispute.objects.lock_for(by, party.dispute_id)
        party = DisputeParty.objects.select_related("dispute__station", "dispute__mediator").get(
            pk=party.pk, dispute=dispute
        )
        if not can_text(party.phone):
            raise DomainError(
                _("%(name)s has no mobile phone number to text.") % {"name": party.name},
                code="no_mobile",
            )
        if PartyInvitation.objects.filter(
            party=party, created_at__gte=timezone.now() - INVITATION_RESEND
        ).exists():
            raise Conflict(
                _("An invitation was texted to %(name)s a moment ago.") % {"name": party.name},
                code="throttled",
            )
        link = invitation_link(party=party, by=by, site_url=site_url)
        title, body = invitation_message(party=party, link=link)
        invitation = PartyInvitation.objects.create(
            dispute=dispute, party=party, title=title, body=body, created_by=by
        )
        _event(
            dispute,
            by=by,
            text=_("Invitation texted to %(name)s (%(phone)s)")
            % {"name": party.name, "phone": mask_phone(party.phone)},
        )
        enqueue("mediation.invitation_sms_send", invitation.pk)
    return invitation


def invitation_sms_deliver(*, invitation_id: int) -> bool:
    """Hand one texted invitation to the sender, to the party's mobile number (kept on the
    party alone), once: a retried task finds it sent."""
    with transaction.atomic():
        invitation = (
            PartyInvitation.objects.select_for_update()
            .select_related("party")
            .filter(pk=invitation_id, sent_at__isnull=True)
            .first()
        )
        if invitation is None:
            return False
        get_sender().send(
            phone=normalise_phone(invitation.party.phone),
            title=invitation.title,
            body=invitation.body,
        )
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return True


def agreement_print(*, agreement: Agreement, by, request) -> bytes:
    """The agreement's PDF for the parties to sign or keep. It states each party's ID number
    and phone in full (art. 29), so each copy is logged as a full view of them."""
    parties = agreement.dispute.parties.all()
    personal_data_printed(
        by=by,
        shown=[(party, field) for party in parties for field in ("id_number", "phone")],
        request=request,
    )
    return agreement_pdf(agreement)
