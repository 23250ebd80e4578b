"""Taking disputes in and sizing them up: intake (desk, incident diversion, patrol), parties,
assessment, signs of escalation with the police alert, the hand-over to the police (兜底)
and the assignment of a mediator. Dispute numbers come from `core.NumberSequence` (series
TJ, core.services.next_number) under a row lock, so they have no gaps."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import DESK_OFFICER
from apps.cases.choices import IncidentSource
from apps.cases.models import Incident
from apps.core.errors import Conflict, DomainError, OutOfScope
from apps.core.idnumbers import parse_id_number
from apps.core.limits import ensure_past
from apps.core.names import check_name
from apps.core.notifications import notify
from apps.core.rules import requires
from apps.core.scoping import CHANGE
from apps.core.services import next_number
from apps.live import events as live
from apps.registry.choices import Gender
from apps.registry.models import Person
from apps.stations.models import Community, Post, Station
from apps.stations.numbers import record_number

from ..choices import (
    PERSONAL_SAFETY_SIGNS,
    Consent,
    DisputeCategory,
    DisputeSource,
    EscalationSign,
    MediationKind,
    PartyRole,
    RiskLevel,
)
from ..models import Dispute, DisputeParty, Mediator
from ..workflow import ASSIGNABLE
from ._shared import CHANGE_DISPUTE, INTAKE, S, _event, _move

SERIES = "TJ"


def assess_hours() -> int:
    return settings.MEDIATION_ASSESS_HOURS


def assess_hours_safety() -> int:
    return settings.MEDIATION_ASSESS_HOURS_SAFETY


def _clean_signs(signs: Iterable[str] | None) -> list[str]:
    signs = list(dict.fromkeys(signs or ()))
    unknown = [s for s in signs if s not in EscalationSign.values]
    if unknown:
        raise DomainError(_("Unknown sign of escalation."), code="invalid")
    return signs


def _deadline(received_at: datetime, signs: Iterable[str]) -> datetime:
    hours = assess_hours_safety() if PERSONAL_SAFETY_SIGNS & set(signs) else assess_hours()
    return received_at + timedelta(hours=hours)


def _full_clean(obj: Model, **kwargs: Any) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="invalid") from exc


# --- intake -------------------------------------------------------------------------------


@requires(INTAKE)
def dispute_receive(*, by: User, **details: Any) -> Dispute:
    """Take a dispute in (the desk, the API, a patrol's finding): the intake staff's step.
    The details are `_receive`'s."""
    return _receive(by=by, **details)


def _receive(
    *,
    by: User,
    source: str,
    category: str,
    description: str,
    kind: str = MediationKind.PEOPLES,
    station: Station | None = None,
    place_text: str = "",
    community: Community | None = None,
    post: Post | None = None,
    parties: Iterable[dict[str, Any]] = (),
    signs: Iterable[str] = (),
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
        _event(dispute, by=by, status=dispute.status, text=str(DisputeSource(source).label))
        for party in parties:
            _party_add(dispute, **party)
        if dispute.is_escalated:
            _alert(dispute, by=by)
    return dispute


def intake_from_incident(
    *, incident: Incident, by: User, note: str = "", caller_consents: bool = False
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
    # Part of closing the incident, under the incident's rule (cases.change_incident): not
    # the intake staff's own step, so not `dispute_receive`'s rule.
    dispute = _receive(
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
    person: Person | None = None,
    gender: str = "",
    age: int | None = None,
    ethnicity: str = "",
    id_number: str = "",
    address: str = "",
) -> DisputeParty:
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


@requires(CHANGE_DISPUTE)
def dispute_party_add(*, dispute: Dispute, by: User, role: str, **details: Any) -> DisputeParty:
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
    community = dispute.community
    post_id = dispute.post_id or (community.post_id if community is not None else None)
    recipients = []
    if post_id:
        recipients += list(users.filter(post_id=post_id))
        recipients += list(users.filter(assignments__post_id=post_id, assignments__ended_on=None))
    recipients += list(users.filter(station_id=dispute.station_id, groups__name=DESK_OFFICER))
    return recipients


def _alert(dispute: Dispute, *, by: User) -> None:
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
    live.publish(
        "dispute", dispute, number=dispute.number, toast="dispute", url=dispute.get_absolute_url()
    )
    _event(
        dispute, by=by, text=_("Escalation: post and desk alerted. %(signs)s") % {"signs": signs}
    )


@requires(CHANGE_DISPUTE)
def dispute_flag(
    *, dispute: Dispute, by: User, signs: Iterable[str] = (), risk_level: str = ""
) -> Dispute:
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


@requires(CHANGE_DISPUTE, INTAKE)
def dispute_assess(
    *,
    dispute: Dispute,
    by: User,
    risk_level: str,
    signs: Iterable[str] = (),
    category: str = "",
    note: str = "",
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
        _move(dispute, S.ASSESSED, by=by, text=note.strip() or str(RiskLevel(risk_level).label))
    return dispute


INCIDENT_SOURCE: dict[str, str] = {
    DisputeSource.WALK_IN: IncidentSource.WALK_IN,
    DisputeSource.PATROL: IncidentSource.PATROL,
    DisputeSource.ONLINE: IncidentSource.ONLINE,
}


@requires(CHANGE_DISPUTE, "cases.add_incident")
def dispute_open_incident(*, dispute: Dispute, by: User) -> Incident:
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
        if dispute.escalation_incident is not None:
            raise Conflict(
                _("Incident %(number)s is already open for this dispute.")
                % {"number": dispute.escalation_incident.number}
            )
        signs = "、".join(str(EscalationSign(s).label) for s in dispute.signs)
        first = dispute.parties.first()
        incident, _created = incident_report(
            by=by,
            source=INCIDENT_SOURCE.get(dispute.source, IncidentSource.PHONE),
            station=dispute.station,
            place_text=dispute.place_text or str(dispute.community or dispute.station),
            community=dispute.community,
            caller_name=first.name if first is not None else "",
            description=_("Dispute %(number)s escalating: %(signs)s. %(text)s")
            % {"number": dispute.number, "signs": signs, "text": dispute.description},
            priority=1,
        )
        post = dispute.post
        # A point needs both coordinates: the posts cannot be ranked on half of one.
        if incident.latitude is not None and incident.longitude is not None:
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


@requires(CHANGE_DISPUTE, INTAKE)
def dispute_assign(*, dispute: Dispute, mediator: Mediator, by: User) -> Dispute:
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
