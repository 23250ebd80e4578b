"""Every write of incidents, cases and the roster: keyword-only, one
transaction, validated before saving, a DomainError with a user-facing message otherwise.

Concurrency: a state change locks its row (`select_for_update`) and re-reads the status
inside the transaction, so of two simultaneous dispatches one wins and the other gets a
Conflict. Numbers come from core.services.next_number under a row lock in the same
transaction, so they have neither gaps nor repeats. Tablet submissions carry a client id; a
retry with the same id returns the first result without acting again. The id is looked up
under the row lock, so a copy sent while the first is still running waits for it and is
answered alike.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.core.errors import Conflict, DomainError, NotAllowed, OutOfScope
from apps.core.geo import haversine_km, in_china
from apps.core.limits import ensure_past, ensure_plannable
from apps.core.notifications import notify
from apps.core.rules import requires
from apps.core.scoping import CHANGE, is_in_scope
from apps.core.services import next_number
from apps.core.spreadsheets import SpreadsheetError, read_table
from apps.core.timefmt import when
from apps.core.uploads import check_spreadsheet, check_upload, store_private
from apps.stations.models import Community, Post, StaffAssignment, Station
from apps.stations.numbers import record_number

from . import diversion, law
from .choices import (
    CRIMINAL_INJURY_GRADES,
    CaseKind,
    CaseStatus,
    Disposition,
    ExtensionKind,
    IncidentSource,
    IncidentStatus,
    InjuryGrade,
    Priority,
    ShiftRole,
    SuspensionKind,
)
from .models import (
    Case,
    CaseEvent,
    CaseEvidence,
    CaseExtension,
    CaseParty,
    CaseSuspension,
    DutyShift,
    Incident,
    IncidentAttachment,
    IncidentCategory,
    IncidentEvent,
    ProcedureStep,
    Reconsideration,
)
from .selectors import (
    caller_calls,
    dispatch_settings,
    job_takers,
    post_takers,
    rank_posts,
    travel_minutes,
)
from .workflow import CASE_WORKFLOWS, INCIDENT_WORKFLOW, closing_outcomes

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024
MAX_ROSTER_BYTES = 5 * 1024 * 1024
CASE_SERIES = {CaseKind.CRIMINAL: "XS", CaseKind.PUBLIC_SECURITY: "ZA"}
EXTENSION_DECIDERS = _lazy(
    "Only the sub-bureau, the superior organ, can approve a deadline extension."
)


# --- numbering and taxonomy ---------------------------------------------------------------


def taxonomy_seed(*, bureau) -> int:
    """Load the standard taxonomy (taxonomy_data) into a bureau; returns the categories
    created. Existing codes are left as the admin edited them."""
    from .taxonomy_data import MINOR_KINDS, TAXONOMY

    created = 0
    with transaction.atomic():
        existing = set(
            IncidentCategory.objects.filter(bureau=bureau).values_list("code", flat=True)
        )
        for code, name, kind, priority, minors in TAXONOMY:
            major = IncidentCategory.objects.filter(bureau=bureau, code=code).first()
            if major is None:
                major = IncidentCategory.objects.create(
                    bureau=bureau, code=code, name=name, kind=kind, default_priority=priority
                )
                created += 1
            for minor_code, minor_name, steps in minors:
                if minor_code in existing:
                    continue
                minor = IncidentCategory.objects.create(
                    bureau=bureau,
                    parent=major,
                    code=minor_code,
                    name=minor_name,
                    kind=MINOR_KINDS.get(minor_code, kind),
                    default_priority=priority,
                )
                ProcedureStep.objects.bulk_create(
                    ProcedureStep(category=minor, order=i, text=text)
                    for i, text in enumerate(steps, start=1)
                )
                created += 1
    return created


# --- incidents ----------------------------------------------------------------------------


def _event(incident, *, by, kind, status="", text="", client_id=None, at=None) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident,
        by=by,
        kind=kind,
        status=status,
        text=text[:500],
        client_id=client_id,
        at=at or timezone.now(),
    )


def _repeat(client_id) -> Incident | None:
    """The incident a retried tablet submission already acted on, if any."""
    if client_id is None:
        return None
    event = IncidentEvent.objects.filter(client_id=client_id).select_related("incident").first()
    return event.incident if event else None


def _checklist_for(category: IncidentCategory | None) -> list[dict]:
    """A snapshot of the category's procedure: later edits of the taxonomy do not rewrite
    what an officer ticked on an old incident."""
    if category is None:
        return []
    return [{"step": step.text, "done": False, "at": None} for step in category.steps.all()]


def _check_place(*, latitude, longitude, community: Community | None):
    """Coordinates as given, or the village's; either both or none, and inside China."""
    if (latitude is None) != (longitude is None):
        raise DomainError(_("Give both latitude and longitude, or neither."), code="invalid")
    if latitude is None and community is not None:
        return community.latitude, community.longitude
    if latitude is not None and not in_china(latitude, longitude):
        raise DomainError(
            _("The coordinates are outside China. Check latitude and longitude."), code="invalid"
        )
    return latitude, longitude


@requires("cases.add_incident")
def incident_report(
    *,
    by,
    source: str,
    place_text: str,
    station: Station | None = None,
    category: IncidentCategory | None = None,
    priority: int | None = None,
    caller_phone: str = "",
    caller_name: str = "",
    caller_person=None,
    latitude=None,
    longitude=None,
    community: Community | None = None,
    address=None,
    description: str = "",
    received_at: datetime | None = None,
    client_id: uuid.UUID | None = None,
) -> tuple[Incident, bool]:
    """Take an incident in (a call, a walk-in, a patrol finding, a sensor alert); returns
    (incident, created). The caller's history is counted and a repeat caller flagged."""
    if client_id is not None:
        existing = Incident.objects.filter(client_id=client_id).first()
        if existing is not None:
            if not is_in_scope(existing, by, CHANGE):
                raise OutOfScope(_("Not found."))
            return existing, False
    if source not in IncidentSource.values:
        raise DomainError(_("Unknown incident source."), code="invalid")
    station = station or (community.station if community else None) or by.station
    if station is None:
        raise DomainError(_("Choose the station that takes the incident."), code="invalid")
    if not Station.objects.restrict(by, CHANGE).filter(pk=station.pk).exists():
        raise OutOfScope(_("Not found."))
    if category is not None and (category.bureau_id != station.bureau_id or category.is_major):
        raise DomainError(_("Choose a minor category of your sub-bureau."), code="invalid")
    if not place_text.strip():
        raise DomainError(_("Say where it happened."), code="invalid")
    latitude, longitude = _check_place(latitude=latitude, longitude=longitude, community=community)
    now = timezone.now()
    received_at = received_at or now
    ensure_past(received_at, _("The time of receipt cannot be in the future."), now=now)
    phone = "".join(caller_phone.split())
    calls, repeat = caller_calls(
        station=station,
        phone=phone,
        person_id=caller_person.pk if caller_person else None,
        at=received_at,
    )
    incident = Incident(
        station=station,
        source=source,
        category=category,
        priority=priority or (category.default_priority if category else Priority.NORMAL),
        caller_phone=phone,
        caller_name=caller_name.strip(),
        caller_person=caller_person,
        place_text=place_text.strip(),
        latitude=latitude,
        longitude=longitude,
        community=community,
        address=address,
        description=description.strip(),
        received_at=received_at,
        received_by=by,
        checklist=_checklist_for(category),
        caller_recent_calls=calls + 1,
        is_repeat_caller=repeat,
        client_id=client_id or uuid.uuid4(),
    )
    try:
        with transaction.atomic():
            year = timezone.localtime(now).year
            seq = next_number(station=station, series="JQ", year=year)
            incident.number = record_number(station, "JQ", year, seq)
            try:
                incident.full_clean(exclude=["number", "client_id"])
            except ValidationError as exc:
                raise DomainError(" ".join(exc.messages), code="invalid") from exc
            incident.save()
            _event(incident, by=by, kind=IncidentEvent.Kind.RECEIVED, status=incident.status)
    except IntegrityError:
        # The same client id arrived twice at once: the other request saved it first.
        existing = Incident.objects.filter(client_id=incident.client_id).first()
        if existing is None:
            raise
        return existing, False
    return incident, True


@requires("cases.change_incident")
def incident_dispatch(
    *,
    incident: Incident,
    post: Post,
    by,
    officers=(),
    reason: str = "",
    client_id: uuid.UUID | None = None,
) -> Incident:
    """Send a post to an incident. Without named officers the job goes to the post: every
    officer who may take it there (selectors.post_takers) is told and finds it in 我的出警
    任务, and the first to take it holds it (incident_take). Named officers (the API's, or a
    desk that sends someone itself) hold it at once; they must be officers of the post's
    station who may take a job. Choosing another post than the suggested one needs a
    reason. A second dispatch — two desks clicking at once — is refused with a Conflict:
    the row is locked and its status read again."""
    officers = list(officers)
    reason = reason.strip()
    with transaction.atomic():
        incident = Incident.objects.lock_for(by, incident.pk)
        # Under the lock: a copy sent while the first was running finds it done here.
        if (repeated := _repeat(client_id)) is not None:
            return repeated
        if incident.status == IncidentStatus.CLOSED:
            raise Conflict(_("This incident is closed and cannot be dispatched."))
        if incident.status == IncidentStatus.ASSIGNED and (not officers or incident.post != post):
            raise Conflict(
                _("This incident is already assigned to %(post)s.") % {"post": incident.post}
            )
        if incident.status not in (IncidentStatus.RECEIVED, IncidentStatus.ASSIGNED):
            raise Conflict(
                _("This incident has already been dispatched (%(status)s).")
                % {"status": incident.get_status_display()}
            )
        target = IncidentStatus.DISPATCHED if officers else IncidentStatus.ASSIGNED
        INCIDENT_WORKFLOW.check(incident.status, target)
        settings = dispatch_settings(incident.station.bureau_id)
        neighbouring = settings.cross_station_dispatch and (
            post.station.bureau_id == incident.station.bureau_id
        )
        if post.station_id != incident.station_id and not neighbouring:
            raise OutOfScope(_("Not found."))
        if not post.is_active:
            raise DomainError(_("This post is not in service."), code="invalid")
        able = set(
            job_takers(settings)
            .filter(station_id=post.station_id, pk__in=[o.pk for o in officers])
            .values_list("pk", flat=True)
        )
        for officer in officers:
            if officer.pk not in able:
                raise DomainError(
                    _("%(name)s cannot take a job of this station.") % {"name": officer},
                    code="invalid",
                )
        if incident.latitude is not None:
            _measure(incident, post=post, by=by, reason=reason, settings=settings)
        now = timezone.now()
        if post.station_id != incident.station_id:
            # Handed over to the neighbouring station that owns the post.
            incident.station = post.station
        incident.post = post
        incident.override_reason = reason
        incident.assigned_at = incident.assigned_at or now
        if officers:
            incident.dispatched_at = now
        incident.status = target
        incident.save()
        if officers:
            incident.officers.add(*officers)
        text = " ".join([str(post), "、".join(o.get_full_name() or str(o) for o in officers)])
        _event(
            incident,
            by=by,
            kind=IncidentEvent.Kind.DISPATCHED,
            status=target,
            text=f"{text.strip()} · {reason}" if reason else text.strip(),
            client_id=client_id,
        )
        notify(
            recipients=officers or post_takers(post=post),
            title=_("New job: %(number)s") % {"number": incident.number},
            body=f"{incident.category or ''} · {incident.place_text}",
            url=reverse("cases:job_detail", args=[incident.pk]),
        )
    return incident


def _take(incident: Incident, *, by, client_id=None) -> None:
    """The officer takes the job their post was sent (incident locked by the caller)."""
    if incident.status != IncidentStatus.ASSIGNED:
        holders = "、".join(o.get_full_name() or str(o) for o in incident.officers.all())
        if holders:
            raise Conflict(_("%(name)s has already taken this job.") % {"name": holders})
        raise Conflict(
            _("This incident is not waiting to be taken (%(status)s).")
            % {"status": incident.get_status_display()}
        )
    if not post_takers(post=incident.post).filter(pk=by.pk).exists():
        raise NotAllowed(
            _("Only the officers of %(post)s can take this job.") % {"post": incident.post}
        )
    INCIDENT_WORKFLOW.check(incident.status, IncidentStatus.DISPATCHED)
    incident.status = IncidentStatus.DISPATCHED
    incident.dispatched_at = timezone.now()
    incident.save()
    incident.officers.add(by)
    _event(
        incident,
        by=by,
        kind=IncidentEvent.Kind.TAKEN,
        status=incident.status,
        client_id=client_id,
    )


@requires("cases.change_incident")
def incident_take(*, incident: Incident, by, client_id: uuid.UUID | None = None) -> Incident:
    """接单: one of the post's officers takes the job sent to the post and holds it. Of two
    officers taking at once, one wins and the other gets a Conflict (409): the row is locked
    and its status read again. Taking a job one already holds changes nothing."""
    with transaction.atomic():
        incident = Incident.objects.lock_for(by, incident.pk)
        if (repeated := _repeat(client_id)) is not None:
            return repeated
        if (
            incident.status != IncidentStatus.ASSIGNED
            and incident.officers.filter(pk=by.pk).exists()
        ):
            return incident
        _take(incident, by=by, client_id=client_id)
    return incident


def _measure(incident: Incident, *, post: Post, by, reason: str, settings) -> None:
    """Distance and minutes saved of the chosen post; a reason when it is not the suggested
    one (the nearest with an officer on duty)."""
    ranking = rank_posts(
        station=incident.station,
        latitude=incident.latitude,
        longitude=incident.longitude,
        user=by,
        limit=1,
    )
    nearest = ranking.suggestions[0].post if ranking.suggestions else None
    if nearest is not None and nearest.pk != post.pk and not reason:
        raise DomainError(
            _("%(post)s is suggested. Give a reason for sending another post.") % {"post": nearest},
            code="invalid",
        )
    distance = haversine_km(incident.latitude, incident.longitude, post.latitude, post.longitude)
    incident.suggested_post = nearest
    incident.distance_km = round(distance, 2)
    incident.minutes_saved = round(
        ranking.hq_minutes - travel_minutes(distance, post.area, settings), 1
    )


@requires("cases.change_incident")
def incident_status(
    *,
    incident: Incident,
    status: str,
    by,
    outcome: str = "",
    client_id: uuid.UUID | None = None,
) -> Incident:
    """An officer's report from the field: on the way, arrived, handled (with the result).
    A job still waiting at the post is taken by the officer who reports "on the way" or
    "arrived" on it, in the same transaction."""
    if status not in (IncidentStatus.EN_ROUTE, IncidentStatus.ARRIVED, IncidentStatus.HANDLED):
        raise DomainError(_("Report “on the way”, “arrived” or “handled”."), code="invalid")
    with transaction.atomic():
        incident = Incident.objects.lock_for(by, incident.pk)
        # Under the lock: a copy sent while the first was running finds it done here.
        if (repeated := _repeat(client_id)) is not None:
            return repeated
        if incident.status == IncidentStatus.ASSIGNED and status != IncidentStatus.HANDLED:
            _take(incident, by=by)
        INCIDENT_WORKFLOW.check(incident.status, status)
        if status == IncidentStatus.HANDLED and not outcome.strip():
            raise DomainError(_("Record the result of the handling."), code="invalid")
        now = timezone.now()
        setattr(incident, f"{status}_at", now)
        incident.status = status
        if outcome.strip():
            incident.outcome = outcome.strip()
        incident.save()
        _event(
            incident,
            by=by,
            kind=IncidentEvent.Kind.STATUS,
            status=status,
            text=outcome.strip(),
            client_id=client_id,
        )
    return incident


@requires("cases.change_incident")
def incident_checklist_tick(
    *, incident: Incident, step: int, done: bool, by, client_id: uuid.UUID | None = None
) -> Incident:
    """Tick (or untick) one step of the handling procedure, while the incident is open."""
    with transaction.atomic():
        incident = Incident.objects.lock_for(by, incident.pk)
        # Under the lock: a copy sent while the first was running finds it done here.
        if (repeated := _repeat(client_id)) is not None:
            return repeated
        if incident.status == IncidentStatus.CLOSED:
            raise Conflict(_("This incident is closed."))
        if not 0 <= step < len(incident.checklist):
            raise DomainError(_("There is no such step."), code="invalid")
        item = incident.checklist[step]
        item["done"] = bool(done)
        item["at"] = timezone.now().isoformat() if done else None
        incident.save(update_fields=["checklist"])
        mark = "☑" if done else "☐"
        _event(
            incident,
            by=by,
            kind=IncidentEvent.Kind.CHECKLIST,
            text=f"{mark} {item['step']}",
            client_id=client_id,
        )
    return incident


@requires("cases.change_incident")
def incident_note(*, incident: Incident, by, text: str) -> IncidentEvent:
    if not text.strip():
        raise DomainError(_("Write the note."), code="invalid")
    with transaction.atomic():
        incident = Incident.objects.lock_for(by, incident.pk)
        return _event(incident, by=by, kind=IncidentEvent.Kind.NOTE, text=text.strip())


@requires("cases.change_incident")
def incident_attach(*, incident: Incident, by, upload) -> IncidentAttachment:
    """A scene photo or document: checked by content, kept privately."""
    checked = check_upload(upload, allowed=("jpeg", "png", "pdf"), max_bytes=MAX_ATTACHMENT_BYTES)
    with transaction.atomic():
        incident = Incident.objects.lock_for(by, incident.pk)
        attachment = IncidentAttachment.objects.create(
            incident=incident,
            file=store_private(checked, folder="incidents"),
            file_name=upload.name[:200],
            content_type=checked.content_type,
            size=len(checked.content),
            uploaded_by=by,
        )
        _event(incident, by=by, kind=IncidentEvent.Kind.ATTACHMENT, text=attachment.file_name)
    return attachment


@requires("cases.change_incident")
def incident_close(
    *,
    incident: Incident,
    disposition: str,
    by,
    note: str = "",
    case_kind: str = "",
    case_title: str = "",
    caller_consents: bool = False,
) -> Incident:
    """Close with a disposition. A case disposition opens the case (numbered, linked); a
    mediation disposition hands the incident to the mediation app's intake, with the
    caller's consent to mediation when the desk asked and the caller agreed (mediation is
    voluntary, 人民调解法 art. 3)."""
    if disposition not in Disposition.values:
        raise DomainError(_("Choose how the incident ends."), code="invalid")
    with transaction.atomic():
        incident = Incident.objects.lock_for(by, incident.pk)
        if incident.status == IncidentStatus.CLOSED:
            raise Conflict(_("This incident is already closed."))
        INCIDENT_WORKFLOW.check(incident.status, IncidentStatus.CLOSED)
        if disposition == Disposition.CASE:
            # Closing a call as a case opens it as part of the close: the desk's rule.
            case = _open_case(
                by=by,
                station=incident.station,
                kind=case_kind,
                title=case_title or f"{incident.category or ''} {incident.place_text}".strip(),
                summary=incident.description,
                category=incident.category,
                incidents=[incident],
            )
            incident.case = case
        incident.disposition = disposition
        incident.status = IncidentStatus.CLOSED
        incident.closed_at = timezone.now()
        incident.save()
        text = incident.get_disposition_display() + (f" · {note.strip()}" if note.strip() else "")
        _event(incident, by=by, kind=IncidentEvent.Kind.CLOSED, status=incident.status, text=text)
        if disposition == Disposition.MEDIATION:
            diversion.divert(
                incident=incident, by=by, note=note.strip(), caller_consents=caller_consents
            )
    return incident


# --- cases --------------------------------------------------------------------------------


def _case_event(case: Case, *, by, text: str, status: str = "") -> CaseEvent:
    return CaseEvent.objects.create(case=case, by=by, status=status, text=text[:500])


def _open_case(
    *,
    by,
    kind: str,
    title: str,
    station: Station | None = None,
    summary: str = "",
    category: IncidentCategory | None = None,
    lead_officer=None,
    incidents=(),
    accepted_at: datetime | None = None,
) -> Case:
    """Accept a case (受案): numbered per station, series and year without gaps; a
    public-security case gets its handling deadline and a criminal matter its filing
    review's, both by the rules in force on the day of acceptance (law.py)."""
    if kind not in CaseKind.values:
        raise DomainError(_("Choose criminal or public-security case."), code="invalid")
    station = station or by.station
    if station is None:
        raise DomainError(_("Choose the station that accepts the case."), code="invalid")
    if not Station.objects.restrict(by, CHANGE).filter(pk=station.pk).exists():
        raise OutOfScope(_("Not found."))
    if not title.strip():
        raise DomainError(_("Give the case a title."), code="invalid")
    accepted_at = accepted_at or timezone.now()
    with transaction.atomic():
        year = timezone.localtime(accepted_at).year
        seq = next_number(station=station, series=CASE_SERIES[kind], year=year)
        case = Case(
            station=station,
            number=record_number(station, CASE_SERIES[kind], year, seq),
            kind=kind,
            title=title.strip()[:120],
            summary=summary,
            category=category,
            lead_officer=lead_officer,
            accepted_at=accepted_at,
            created_by=by,
        )
        case.deadline = _deadline(case)
        try:
            case.full_clean(exclude=["number"])
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), code="invalid") from exc
        case.save()
        for incident in incidents:
            if incident.station_id != station.pk:
                raise DomainError(_("The incident belongs to another station."), code="invalid")
            Incident.objects.filter(pk=incident.pk).update(case=case)
        _case_event(case, by=by, status=case.status, text=_("Case accepted."))
    return case


case_open = requires("cases.add_case")(_open_case)


def _deadline(case: Case):
    """The time limit running now for `case` (see Case.deadline)."""
    if case.kind == CaseKind.CRIMINAL:
        if case.status != CaseStatus.ACCEPTED:
            return None
        approved = [
            e.days
            for e in (case.extensions.all() if case.pk else ())
            if e.kind == ExtensionKind.FILING and e.approved
        ]
        review = timedelta(days=max(approved)) if approved else law.FILING_REVIEW
        return case.accepted_at + review
    rule = law.public_security_rule(case.accepted_at)
    deadline = case.accepted_at + rule.limit
    if case.pk:
        approved = case.extensions.filter(kind=ExtensionKind.HANDLING, approved=True).count()
        deadline += rule.extension * approved
        for period in case.suspensions.filter(kind__in=rule.excluded, ended_at__isnull=False):
            deadline += period.ended_at - period.started_at
    return deadline


@requires("cases.change_case")
def case_transition(*, case: Case, to: str, by, outcome: str = "", note: str = "") -> Case:
    """Move a case along its kind's workflow (workflow.CASE_WORKFLOWS); closing needs an
    outcome that fits where the case stands; a refusal to file needs its reasons, which go
    on the 不予立案通知书."""
    if to not in CaseStatus.values:
        raise DomainError(_("Unknown case status."), code="invalid")
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        CASE_WORKFLOWS[case.kind].check(case.status, to)
        if to == CaseStatus.CLOSED:
            if outcome not in closing_outcomes(case.kind, case.status):
                raise DomainError(
                    _("Choose an outcome that fits a case that is “%(status)s”.")
                    % {"status": case.get_status_display()},
                    code="invalid",
                )
            if case.reconsiderations.filter(overturned__isnull=True).exists():
                raise Conflict(_("A reconsideration of this case awaits its decision."))
            case.outcome = outcome
            case.outcome_note = note.strip()
        now = timezone.now()
        if to == CaseStatus.NOT_FILED:
            if not note.strip():
                raise DomainError(
                    _("Give the reasons for not filing: they go on the notice."), code="invalid"
                )
            case.not_filed_reasons = note.strip()
        stamp = {
            CaseStatus.FILED: "filed_at",
            CaseStatus.NOT_FILED: "not_filed_at",
            CaseStatus.SOLVED: "solved_at",
            CaseStatus.CLOSED: "closed_at",
        }.get(to)
        if stamp:
            setattr(case, stamp, now)
        case.status = to
        case.deadline = _deadline(case)
        case.save()
        text = CaseStatus(to).label
        if outcome:
            text += f" · {case.get_outcome_display()}"
        if note.strip():
            text += f" · {note.strip()}"
        _case_event(case, by=by, status=to, text=text)
    return case


@requires(
    "cases.propose_extension",
    message=_lazy("Only a station leader can propose a deadline extension."),
)
def case_extension_propose(
    *, case: Case, by, reason: str, kind: str = ExtensionKind.HANDLING, days: int = 30
) -> CaseExtension:
    """The station proposes a longer time limit; the sub-bureau decides
    (case_extension_decide). A public-security case may be extended as often as the rule
    of its acceptance day allows; a criminal filing review up to 7 or 30 days."""
    if not reason.strip():
        raise DomainError(_("Give the reason for the extension."), code="invalid")
    if kind not in ExtensionKind.values:
        raise DomainError(_("Choose which time limit to extend."), code="invalid")
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        if case.status == CaseStatus.CLOSED:
            raise Conflict(_("This case is closed."))
        if case.extensions.filter(approved__isnull=True).exists():
            raise Conflict(_("An extension of this case already awaits its decision."))
        if kind == ExtensionKind.HANDLING:
            if case.kind != CaseKind.PUBLIC_SECURITY:
                raise Conflict(_("Only public-security cases have a handling limit to extend."))
            rule = law.public_security_rule(case.accepted_at)
            granted = case.extensions.filter(kind=kind, approved=True).count()
            if granted >= rule.max_extensions:
                raise Conflict(
                    _(
                        "The law in force when this case was accepted (%(rule)s) allows no "
                        "more extensions."
                    )
                    % {"rule": rule.citation}
                )
            days = rule.extension.days
        else:
            if not case.is_filing_review:
                raise Conflict(
                    _("Only a criminal matter awaiting its filing decision has a review to extend.")
                )
            if days not in law.FILING_EXTENSIONS:
                raise DomainError(_("A filing review runs 7 or 30 days."), code="invalid")
            longest = max(
                [e.days for e in case.extensions.filter(kind=kind, approved=True)], default=3
            )
            if days <= longest:
                raise Conflict(_("The filing review is already that long."))
        extension = CaseExtension.objects.create(
            case=case, kind=kind, days=days, reason=reason.strip()[:200], proposed_by=by
        )
        _case_event(
            case,
            by=by,
            text=_("Extension proposed (%(kind)s, %(days)s days): %(reason)s")
            % {"kind": extension.get_kind_display(), "days": days, "reason": reason.strip()},
        )
    return extension


@requires("cases.approve_extension", message=EXTENSION_DECIDERS)
def case_extension_decide(
    *, extension: CaseExtension, by, approve: bool, note: str = ""
) -> CaseExtension:
    """The superior organ — for a station, its sub-bureau — approves or refuses a proposed
    extension (治安管理处罚法 2005 第99条 / 2025 第117条; 受案立案意见)."""
    if by.station_id is not None:
        # The permission alone is not enough: the superior organ is a bureau's user.
        raise NotAllowed(EXTENSION_DECIDERS)
    with transaction.atomic():
        case = Case.objects.lock_for(by, extension.case_id)
        extension = CaseExtension.objects.select_for_update().get(pk=extension.pk)
        if extension.approved is not None:
            raise Conflict(_("This extension has already been decided."))
        if case.status == CaseStatus.CLOSED:
            raise Conflict(_("This case is closed."))
        if extension.kind == ExtensionKind.FILING and not case.is_filing_review:
            raise Conflict(_("The filing decision has already been taken."))
        extension.approved = bool(approve)
        extension.decided_by = by
        extension.decided_at = timezone.now()
        extension.decision_note = note.strip()[:200]
        extension.save()
        case.deadline = _deadline(case)
        case.save(update_fields=["deadline", "updated_at"])
        if approve:
            text = _("Extension approved; deadline now %(date)s") % {
                "date": when(case.deadline, "date")
            }
        else:
            text = _("Extension refused")
        if note.strip():
            text += f": {note.strip()}"
        _case_event(case, by=by, text=text)
    return extension


@requires("cases.change_case")
def case_suspension_start(
    *, case: Case, by, kind: str, started_at: datetime | None = None, note: str = ""
) -> CaseSuspension:
    """Record the start of a forensic appraisal (鉴定) or a hearing (听证). While it runs,
    the clock stands still if the case's rule does not count it."""
    if kind not in SuspensionKind.values:
        raise DomainError(_("Choose appraisal or hearing."), code="invalid")
    started_at = started_at or timezone.now()
    ensure_past(started_at, _("The start cannot be in the future."))
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        if case.status == CaseStatus.CLOSED:
            raise Conflict(_("This case is closed."))
        if started_at < case.accepted_at:
            raise DomainError(
                _("The period cannot start before the case was accepted."), code="invalid"
            )
        if case.suspensions.filter(ended_at__isnull=True).exists():
            raise Conflict(_("Another appraisal or hearing of this case is still open."))
        period = CaseSuspension.objects.create(
            case=case, kind=kind, started_at=started_at, note=note.strip()[:200], by=by
        )
        if (
            case.kind == CaseKind.PUBLIC_SECURITY
            and kind in law.public_security_rule(case.accepted_at).excluded
        ):
            case.paused_since = started_at
            case.save(update_fields=["paused_since", "updated_at"])
        _case_event(
            case,
            by=by,
            text=_("%(kind)s started %(date)s")
            % {"kind": period.get_kind_display(), "date": when(started_at, "date")},
        )
    return period


def _end_suspension(case: Case, period: CaseSuspension, *, by, ended_at: datetime) -> None:
    if ended_at < period.started_at:
        raise DomainError(_("The period cannot end before it started."), code="invalid")
    period.ended_at = ended_at
    period.save(update_fields=["ended_at"])
    case.paused_since = None
    case.deadline = _deadline(case)
    case.save(update_fields=["paused_since", "deadline", "updated_at"])
    _case_event(
        case,
        by=by,
        text=_("%(kind)s ended %(date)s")
        % {"kind": period.get_kind_display(), "date": when(ended_at, "date")},
    )


@requires("cases.change_case")
def case_suspension_end(*, case: Case, by, ended_at: datetime | None = None) -> CaseSuspension:
    """Record the end of the open appraisal or hearing; the deadline moves by its length
    when the rule does not count it."""
    ended_at = ended_at or timezone.now()
    ensure_past(ended_at, _("The end cannot be in the future."))
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        period = case.suspensions.select_for_update().filter(ended_at__isnull=True).first()
        if period is None:
            raise Conflict(_("No appraisal or hearing of this case is open."))
        _end_suspension(case, period, by=by, ended_at=ended_at)
    return period


@requires("cases.change_case")
def case_injury_grade(*, case: Case, by, grade: str, at: datetime | None = None) -> Case:
    """Record the injury grade when the appraisal comes back (it ends the open appraisal).
    The case's kind follows it: a light injury or worse makes a public-security case a
    criminal matter awaiting its filing decision (renumbered in the criminal series); a
    minor injury makes a criminal matter not yet filed a public-security case."""
    if grade not in InjuryGrade.values:
        raise DomainError(_("Choose the injury grade."), code="invalid")
    at = at or timezone.now()
    ensure_past(at, _("The date cannot be in the future."))
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        if case.status == CaseStatus.CLOSED:
            raise Conflict(_("This case is closed."))
        period = case.suspensions.filter(
            ended_at__isnull=True, kind=SuspensionKind.APPRAISAL
        ).first()
        if period is not None:
            _end_suspension(case, period, by=by, ended_at=max(at, period.started_at))
        case.injury_grade = grade
        text = _("Injury grade: %(grade)s") % {"grade": InjuryGrade(grade).label}
        target = None
        if grade in CRIMINAL_INJURY_GRADES and case.kind == CaseKind.PUBLIC_SECURITY:
            target = CaseKind.CRIMINAL
        elif (
            grade not in CRIMINAL_INJURY_GRADES
            and case.kind == CaseKind.CRIMINAL
            and case.status == CaseStatus.ACCEPTED
        ):
            target = CaseKind.PUBLIC_SECURITY
        if target:
            old_number = case.number
            year = timezone.localtime(case.accepted_at).year
            seq = next_number(station=case.station, series=CASE_SERIES[target], year=year)
            case.number = record_number(case.station, CASE_SERIES[target], year, seq)
            case.kind = target
            case.status = CaseStatus.ACCEPTED
            case.paused_since = None
            if target == CaseKind.CRIMINAL:
                # The filing review runs from the day the grade made it a criminal matter.
                case.accepted_at = at
            text += " · " + _("now a %(kind)s, %(number)s (was %(old)s)") % {
                "kind": CaseKind(target).label,
                "number": case.number,
                "old": old_number,
            }
        case.deadline = _deadline(case)
        case.save()
        _case_event(case, by=by, status=case.status if target else "", text=text)
    return case


@requires("cases.change_case")
def case_reconsideration_request(
    *, case: Case, by, applicant: str, reason: str, requested_at: datetime | None = None
) -> Reconsideration:
    """Record the complainant's request for reconsideration (复议) of a refusal to file: due
    within 7 days of the notice (公安机关办理刑事案件程序规定 第180条)."""
    if not applicant.strip() or not reason.strip():
        raise DomainError(_("Give the applicant and the reasons."), code="invalid")
    requested_at = requested_at or timezone.now()
    ensure_past(requested_at, _("The date cannot be in the future."))
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        if case.kind != CaseKind.CRIMINAL or case.status != CaseStatus.NOT_FILED:
            raise Conflict(_("Only a refusal to file can be reconsidered."))
        if requested_at > case.not_filed_at + law.RECONSIDERATION_WITHIN:
            raise DomainError(
                _("The 7 days for asking a reconsideration have passed."), code="invalid"
            )
        if case.reconsiderations.filter(overturned__isnull=True).exists():
            raise Conflict(_("A reconsideration of this case awaits its decision."))
        request = Reconsideration.objects.create(
            case=case,
            applicant=applicant.strip()[:50],
            reason=reason.strip(),
            requested_at=requested_at,
            recorded_by=by,
        )
        _case_event(
            case,
            by=by,
            text=_("Reconsideration requested by %(applicant)s") % {"applicant": request.applicant},
        )
    return request


@requires(
    "cases.decide_reconsideration",
    message=_lazy("Only the sub-bureau's legal affairs unit decides a reconsideration."),
)
def case_reconsideration_decide(
    *, reconsideration: Reconsideration, by, overturn: bool, note: str
) -> Reconsideration:
    """The organ decides the reconsideration; overturning the refusal files the case."""
    if not note.strip():
        raise DomainError(_("Write the decision."), code="invalid")
    with transaction.atomic():
        case = Case.objects.lock_for(by, reconsideration.case_id)
        reconsideration = Reconsideration.objects.select_for_update().get(pk=reconsideration.pk)
        if reconsideration.overturned is not None:
            raise Conflict(_("This reconsideration has already been decided."))
        reconsideration.overturned = bool(overturn)
        reconsideration.decided_by = by
        reconsideration.decided_at = timezone.now()
        reconsideration.decision_note = note.strip()
        reconsideration.save()
        if overturn:
            case.status = CaseStatus.FILED
            case.filed_at = reconsideration.decided_at
            case.deadline = None
            case.save()
            text = _("Reconsideration: refusal overturned, case filed")
        else:
            text = _("Reconsideration: refusal upheld")
        _case_event(
            case,
            by=by,
            status=case.status if overturn else "",
            text=f"{text} · {note.strip()}",
        )
    return reconsideration


@requires("cases.change_case")
def case_party_add(
    *, case: Case, by, role: str, name: str = "", person=None, phone: str = "", note: str = ""
) -> CaseParty:
    """Add a person involved; a registry person gives the name and phone."""
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        if person is not None:
            if not is_in_scope(person, by, "view"):
                raise OutOfScope(_("Not found."))
            name = name or person.name
            phone = phone or person.phone
        party = CaseParty(
            case=case, role=role, person=person, name=name.strip(), phone=phone.strip(), note=note
        )
        try:
            party.full_clean()
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), code="invalid") from exc
        party.save()
        _case_event(case, by=by, text=f"{party.get_role_display()}: {party.name}")
    return party


@requires("cases.change_case")
def case_evidence_add(*, case: Case, by, upload, kind: str, description: str = "") -> CaseEvidence:
    """Attach an evidence file: checked by content (JPEG, PNG, PDF, MP4), kept privately."""
    checked = check_upload(
        upload, allowed=("jpeg", "png", "pdf", "mp4"), max_bytes=MAX_EVIDENCE_BYTES
    )
    with transaction.atomic():
        case = Case.objects.lock_for(by, case.pk)
        evidence = CaseEvidence(
            case=case,
            kind=kind,
            description=description.strip(),
            file=store_private(checked, folder="evidence"),
            file_name=upload.name[:200],
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=checked.sha256,
            uploaded_by=by,
        )
        try:
            evidence.full_clean(exclude=["file"])
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), code="invalid") from exc
        evidence.save()
        _case_event(case, by=by, text=_("Evidence added: %(name)s") % {"name": evidence.file_name})
    return evidence


def cases_remind_deadlines(*, within: timedelta = timedelta(days=3)) -> int:
    """Tell each lead officer (or, without one, the station's leaders) about open cases
    due within `within` or overdue; once a day per case, however often the task runs."""
    from apps.accounts.models import User
    from apps.accounts.roles import STATION_LEADER

    today = timezone.localdate()
    due = (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(deadline__lt=timezone.now() + within, paused_since__isnull=True)
        .exclude(reminded_on=today)
        .select_related("lead_officer")
    )
    sent = 0
    for case in due:
        with transaction.atomic():
            if (
                not Case.objects.select_for_update()
                .filter(pk=case.pk)
                .exclude(reminded_on=today)
                .update(reminded_on=today)
            ):
                continue
            recipients = (
                [case.lead_officer]
                if case.lead_officer
                else User.objects.filter(station_id=case.station_id, groups__name=STATION_LEADER)
            )
            overdue = case.deadline < timezone.now()
            title = (_("Overdue: %(number)s") if overdue else _("Deadline near: %(number)s")) % {
                "number": case.number
            }
            notify(
                recipients=recipients,
                title=title,
                body=_("Deadline %(date)s · %(title)s")
                % {"date": when(case.deadline, "date"), "title": case.title},
                url=case.get_absolute_url(),
            )
            sent += 1
    return sent


# --- duty roster --------------------------------------------------------------------------


def shift_save(*, by, shift: DutyShift) -> DutyShift:
    """Save one shift (a form's or the API's), in scope and without overlapping another
    shift of the same person."""
    with transaction.atomic():
        try:
            shift.full_clean()
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), code="invalid") from exc
        overlapping = (
            DutyShift.objects.filter(
                staff=shift.staff, starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at
            )
            .exclude(pk=shift.pk)
            .exists()
        )
        if overlapping:
            raise Conflict(
                _("%(name)s already has a shift in that time.") % {"name": shift.staff.name}
            )
        shift.save()
        if not is_in_scope(shift, by, CHANGE):
            raise OutOfScope(_("You can only save records of your own station."))
    return shift


@dataclass
class RosterPattern:
    """Weekdays everyone on duty in the day; at weekends one duty group round the clock."""

    post: Post | None
    station: Station
    monday: date
    weekday_staff: list
    weekend_group: list
    day_start: time = time(8, 30)
    day_end: time = time(17, 30)


@requires("cases.add_dutyshift")
def roster_generate(*, by, pattern: RosterPattern) -> int:
    """Write one week of the pattern; re-running it replaces nothing and adds nothing
    already there (a shift is keyed on person and start). Returns the shifts created."""
    if pattern.monday.weekday() != 0:
        raise DomainError(_("A roster week starts on a Monday."), code="invalid")
    ensure_plannable(pattern.monday + timedelta(days=6), _("The roster week"))
    if not Station.objects.restrict(by, CHANGE).filter(pk=pattern.station.pk).exists():
        raise OutOfScope(_("Not found."))
    tz = timezone.get_current_timezone()
    wanted = []
    for offset in range(7):
        day = pattern.monday + timedelta(days=offset)
        if offset < 5:
            start = datetime.combine(day, pattern.day_start, tz)
            end = datetime.combine(day, pattern.day_end, tz)
            people, role = pattern.weekday_staff, ShiftRole.ON_DUTY
        else:
            start = datetime.combine(day, time(0, 0), tz)
            end = start + timedelta(days=1)
            people, role = pattern.weekend_group, ShiftRole.ON_DUTY
        wanted += [(person, start, end, role) for person in people]
    created = 0
    with transaction.atomic():
        for person, start, end, role in wanted:
            if person.station_id != pattern.station.pk:
                raise DomainError(
                    _("%(name)s works at another station.") % {"name": person.name},
                    code="invalid",
                )
            if DutyShift.objects.filter(
                staff=person, starts_at__lt=end, ends_at__gt=start
            ).exists():
                continue
            DutyShift.objects.create(
                station=pattern.station,
                post=pattern.post,
                staff=person,
                starts_at=start,
                ends_at=end,
                role=role,
            )
            created += 1
    return created


@requires("cases.add_dutyshift")
def roster_import(*, by, station: Station, upload) -> tuple[int, list[dict]]:
    """Shifts from a spreadsheet (姓名, 警务站, 日期, 开始, 结束, 角色): every row is checked
    first; if any is wrong nothing is saved and the rejected rows are returned."""
    from .roster_import import SHIFT_COLUMNS, parse_shift_row

    if not Station.objects.restrict(by, CHANGE).filter(pk=station.pk).exists():
        raise OutOfScope(_("Not found."))
    checked = check_spreadsheet(upload, max_bytes=MAX_ROSTER_BYTES)
    try:
        rows = list(read_table(checked.content, *SHIFT_COLUMNS))
    except SpreadsheetError as exc:
        raise DomainError(exc.message, code="invalid") from exc
    staff = {s.name: s for s in StaffAssignment.objects.filter(station=station)}
    posts = {p.name: p for p in Post.objects.filter(station=station)}
    shifts, rejected = [], []
    for number, row in enumerate(rows, start=2):
        try:
            shifts.append(parse_shift_row(row, station=station, staff=staff, posts=posts))
        except DomainError as exc:
            rejected.append({"row": number, "message": exc.message})
    if rejected:
        return 0, rejected
    with transaction.atomic():
        for shift in shifts:
            try:
                shift_save(by=by, shift=shift)
            except DomainError as exc:
                transaction.set_rollback(True)
                return 0, [{"row": shifts.index(shift) + 2, "message": exc.message}]
    return len(shifts), []
