"""Every write of incidents, cases and the roster (design.md habit 1): keyword-only, one
transaction, validated before saving, a DomainError with a user-facing message otherwise.

Concurrency: a state change locks its row (`select_for_update`) and re-reads the status
inside the transaction, so of two simultaneous dispatches one wins and the other gets a
Conflict. Numbers come from `NumberSequence` under a row lock in the same transaction, so
they have neither gaps nor repeats. Tablet submissions carry a client id; a retry with the
same id returns the first result without acting again. The id is looked up under the row
lock, so a copy sent while the first is still running waits for it and is answered alike.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import Conflict, DomainError, NotAllowed, OutOfScope
from apps.core.geo import haversine_km, in_china
from apps.core.limits import ensure_past, ensure_plannable
from apps.core.notifications import notify
from apps.core.scoping import CHANGE, is_in_scope
from apps.core.timefmt import when
from apps.core.uploads import check_spreadsheet, check_upload, store_private
from apps.stations.models import Community, Post, StaffAssignment, Station
from apps.stations.numbers import record_number

from . import diversion
from .choices import (
    CaseKind,
    CaseStatus,
    Disposition,
    IncidentSource,
    IncidentStatus,
    Priority,
    ShiftRole,
)
from .models import (
    PUBLIC_SECURITY_EXTENSION,
    PUBLIC_SECURITY_LIMIT,
    Case,
    CaseEvent,
    CaseEvidence,
    CaseParty,
    DutyShift,
    Incident,
    IncidentAttachment,
    IncidentCategory,
    IncidentEvent,
    NumberSequence,
    ProcedureStep,
)
from .selectors import (
    caller_calls,
    dispatch_settings,
    job_takers,
    post_takers,
    rank_posts,
    travel_minutes,
)
from .workflow import CLOSING_OUTCOMES, check_case_transition, check_incident_transition

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024
MAX_ROSTER_BYTES = 5 * 1024 * 1024
CASE_SERIES = {CaseKind.CRIMINAL: "XS", CaseKind.PUBLIC_SECURITY: "ZA"}


# --- numbering and taxonomy ---------------------------------------------------------------


def _next_number(*, station: Station, series: str, year: int) -> int:
    """The next number of a series; the caller's transaction holds the lock until it ends."""
    NumberSequence.objects.get_or_create(station=station, series=series, year=year)
    sequence = NumberSequence.objects.select_for_update().get(
        station=station, series=series, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def taxonomy_seed(*, bureau) -> int:
    """Load the standard taxonomy (taxonomy_data) into a bureau; returns the categories
    created. Existing codes are left as the admin edited them."""
    from .taxonomy_data import TAXONOMY

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
                    kind=kind,
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


def _locked(incident: Incident, by) -> Incident:
    """The incident re-read under a row lock, if the user may still change it."""
    locked = Incident.objects.restrict(by, CHANGE).select_for_update().filter(pk=incident.pk)
    found = locked.first()
    if found is None:
        raise OutOfScope(_("Not found."))
    return found


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
            seq = _next_number(station=station, series="JQ", year=year)
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
        incident = _locked(incident, by)
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
        check_incident_transition(incident.status, target)
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
    check_incident_transition(incident.status, IncidentStatus.DISPATCHED)
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


def incident_take(*, incident: Incident, by, client_id: uuid.UUID | None = None) -> Incident:
    """接单: one of the post's officers takes the job sent to the post and holds it. Of two
    officers taking at once, one wins and the other gets a Conflict (409): the row is locked
    and its status read again. Taking a job one already holds changes nothing."""
    with transaction.atomic():
        incident = _locked(incident, by)
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
        incident = _locked(incident, by)
        # Under the lock: a copy sent while the first was running finds it done here.
        if (repeated := _repeat(client_id)) is not None:
            return repeated
        if incident.status == IncidentStatus.ASSIGNED and status != IncidentStatus.HANDLED:
            _take(incident, by=by)
        check_incident_transition(incident.status, status)
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


def incident_checklist_tick(
    *, incident: Incident, step: int, done: bool, by, client_id: uuid.UUID | None = None
) -> Incident:
    """Tick (or untick) one step of the handling procedure, while the incident is open."""
    with transaction.atomic():
        incident = _locked(incident, by)
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


def incident_note(*, incident: Incident, by, text: str) -> IncidentEvent:
    if not text.strip():
        raise DomainError(_("Write the note."), code="invalid")
    with transaction.atomic():
        incident = _locked(incident, by)
        return _event(incident, by=by, kind=IncidentEvent.Kind.NOTE, text=text.strip())


def incident_attach(*, incident: Incident, by, upload) -> IncidentAttachment:
    """A scene photo or document: checked by content, kept privately."""
    checked = check_upload(upload, allowed=("jpeg", "png", "pdf"), max_bytes=MAX_ATTACHMENT_BYTES)
    with transaction.atomic():
        incident = _locked(incident, by)
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
        incident = _locked(incident, by)
        if incident.status == IncidentStatus.CLOSED:
            raise Conflict(_("This incident is already closed."))
        check_incident_transition(incident.status, IncidentStatus.CLOSED)
        if disposition == Disposition.CASE:
            case = case_open(
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


def case_open(
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
    public-security case gets its 30-day deadline."""
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
        seq = _next_number(station=station, series=CASE_SERIES[kind], year=year)
        case = Case(
            station=station,
            number=record_number(station, CASE_SERIES[kind], year, seq),
            kind=kind,
            title=title.strip()[:120],
            summary=summary,
            category=category,
            lead_officer=lead_officer,
            accepted_at=accepted_at,
            deadline=accepted_at + PUBLIC_SECURITY_LIMIT
            if kind == CaseKind.PUBLIC_SECURITY
            else None,
            created_by=by,
        )
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


def _locked_case(case: Case, by) -> Case:
    found = Case.objects.restrict(by, CHANGE).select_for_update().filter(pk=case.pk).first()
    if found is None:
        raise OutOfScope(_("Not found."))
    return found


def case_transition(*, case: Case, to: str, by, outcome: str = "", note: str = "") -> Case:
    """Move a case along its workflow (workflow.CASE_TRANSITIONS); closing needs an outcome
    that fits where the case stands."""
    if to not in CaseStatus.values:
        raise DomainError(_("Unknown case status."), code="invalid")
    with transaction.atomic():
        case = _locked_case(case, by)
        check_case_transition(case.status, to)
        if to == CaseStatus.CLOSED:
            if outcome not in CLOSING_OUTCOMES[case.status]:
                raise DomainError(
                    _("Choose an outcome that fits a case that is “%(status)s”.")
                    % {"status": case.get_status_display()},
                    code="invalid",
                )
            case.outcome = outcome
            case.outcome_note = note.strip()
        now = timezone.now()
        stamp = {
            CaseStatus.FILED: "filed_at",
            CaseStatus.SOLVED: "solved_at",
            CaseStatus.CLOSED: "closed_at",
        }.get(to)
        if stamp:
            setattr(case, stamp, now)
        case.status = to
        case.save()
        text = CaseStatus(to).label
        if outcome:
            text += f" · {case.get_outcome_display()}"
        if note.strip():
            text += f" · {note.strip()}"
        _case_event(case, by=by, status=to, text=text)
    return case


def case_extend_deadline(*, case: Case, by, reason: str) -> Case:
    """Extend a public-security case's deadline once by 30 days, with a leader's approval."""
    if not by.has_perm("cases.approve_extension"):
        raise NotAllowed(_("Only a station leader can approve a deadline extension."))
    if not reason.strip():
        raise DomainError(_("Give the reason for the extension."), code="invalid")
    with transaction.atomic():
        case = _locked_case(case, by)
        if case.kind != CaseKind.PUBLIC_SECURITY or case.deadline is None:
            raise Conflict(_("Only public-security cases have a deadline to extend."))
        if case.status == CaseStatus.CLOSED:
            raise Conflict(_("This case is closed."))
        if case.extended_at is not None:
            raise Conflict(_("The deadline has already been extended once."))
        case.deadline += PUBLIC_SECURITY_EXTENSION
        case.extended_at = timezone.now()
        case.extension_approved_by = by
        case.extension_reason = reason.strip()
        case.save()
        _case_event(
            case,
            by=by,
            text=_("Deadline extended to %(date)s: %(reason)s")
            % {"date": when(case.deadline, "date"), "reason": reason.strip()},
        )
    return case


def case_party_add(
    *, case: Case, by, role: str, name: str = "", person=None, phone: str = "", note: str = ""
) -> CaseParty:
    """Add a person involved; a registry person gives the name and phone."""
    with transaction.atomic():
        case = _locked_case(case, by)
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


def case_evidence_add(*, case: Case, by, upload, kind: str, description: str = "") -> CaseEvidence:
    """Attach an evidence file: checked by content (JPEG, PNG, PDF, MP4), kept privately."""
    checked = check_upload(
        upload, allowed=("jpeg", "png", "pdf", "mp4"), max_bytes=MAX_EVIDENCE_BYTES
    )
    with transaction.atomic():
        case = _locked_case(case, by)
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
        .filter(deadline__lt=timezone.now() + within)
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


def roster_import(*, by, station: Station, upload) -> tuple[int, list[dict]]:
    """Shifts from a spreadsheet (姓名, 警务站, 日期, 开始, 结束, 角色): every row is checked
    first; if any is wrong nothing is saved and the rejected rows are returned."""
    from apps.registry.imports import ImportFileError, read_rows

    from .roster_import import SHIFT_COLUMNS, parse_shift_row

    if not Station.objects.restrict(by, CHANGE).filter(pk=station.pk).exists():
        raise OutOfScope(_("Not found."))
    checked = check_spreadsheet(upload, max_bytes=MAX_ROSTER_BYTES)
    try:
        rows = list(read_rows(checked.content, spec=SHIFT_COLUMNS))
    except ImportFileError as exc:
        raise DomainError(str(exc), code="invalid") from exc
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
