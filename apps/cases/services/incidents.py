"""Every write of incidents (接警 to 结警): keyword-only, one transaction, validated before
saving, a DomainError with a user-facing message otherwise.

Concurrency: a state change locks its row (`select_for_update`) and re-reads the status
inside the transaction, so of two simultaneous dispatches one wins and the other gets a
Conflict. Numbers come from core.services.next_number under a row lock in the same
transaction, so they have neither gaps nor repeats. Tablet submissions carry a client id; a
retry with the same id returns the first result without acting again. The id is looked up
under the row lock, so a copy sent while the first is still running waits for it and is
answered alike.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import Conflict, DomainError, NotAllowed, OutOfScope
from apps.core.geo import haversine_km, in_china
from apps.core.limits import ensure_past
from apps.core.notifications import notify
from apps.core.rules import requires
from apps.core.scoping import CHANGE, is_in_scope
from apps.core.services import next_number
from apps.core.uploads import check_upload, store_private
from apps.live import events as live
from apps.registry.models import Address, Person
from apps.stations.models import Community, Post, Station
from apps.stations.numbers import record_number

from .. import diversion
from ..choices import Disposition, IncidentSource, IncidentStatus, Priority
from ..models import (
    DispatchSettings,
    Incident,
    IncidentAttachment,
    IncidentCategory,
    IncidentEvent,
    IncomingCall,
)
from ..selectors import (
    caller_calls,
    dispatch_settings,
    job_takers,
    post_takers,
    rank_posts,
    travel_minutes,
)
from ..workflow import INCIDENT_WORKFLOW
from .cases import _open_case

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def _event(
    incident: Incident,
    *,
    by: User,
    kind: str,
    status: str = "",
    text: str = "",
    client_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> IncidentEvent:
    """One step on the incident's timeline; the pages showing the incident hear of it
    (the board, the desk's list, its page, the tablets of its station)."""
    live.publish("incident", incident, status=incident.status, number=incident.number)
    return IncidentEvent.objects.create(
        incident=incident,
        by=by,
        kind=kind,
        status=status,
        text=text[:500],
        client_id=client_id,
        at=at or timezone.now(),
    )


def _repeat(client_id: uuid.UUID | None) -> Incident | None:
    """The incident a retried tablet submission already acted on, if any."""
    if client_id is None:
        return None
    event = IncidentEvent.objects.filter(client_id=client_id).select_related("incident").first()
    return event.incident if event else None


def _checklist_for(category: IncidentCategory | None) -> list[dict[str, Any]]:
    """A snapshot of the category's procedure: later edits of the taxonomy do not rewrite
    what an officer ticked on an old incident."""
    if category is None:
        return []
    return [{"step": step.text, "done": False, "at": None} for step in category.steps.all()]


def _check_place(
    *, latitude: Decimal | None, longitude: Decimal | None, community: Community | None
) -> tuple[Decimal | None, Decimal | None]:
    """Coordinates as given, or the village's; either both or none, and inside China."""
    if (latitude is None) != (longitude is None):
        raise DomainError(_("Give both latitude and longitude, or neither."), code="invalid")
    if latitude is None and community is not None:
        return community.latitude, community.longitude
    if latitude is not None and longitude is not None and not in_china(latitude, longitude):
        raise DomainError(
            _("The coordinates are outside China. Check latitude and longitude."), code="invalid"
        )
    return latitude, longitude


@requires("cases.add_incident")
def incident_report(
    *,
    by: User,
    source: str,
    place_text: str,
    station: Station | None = None,
    category: IncidentCategory | None = None,
    priority: int | None = None,
    caller_phone: str = "",
    caller_name: str = "",
    caller_person: Person | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    community: Community | None = None,
    address: Address | None = None,
    description: str = "",
    received_at: datetime | None = None,
    client_id: uuid.UUID | None = None,
    call: IncomingCall | None = None,
) -> tuple[Incident, bool]:
    """Take an incident in (a call, a walk-in, a patrol finding, a sensor alert); returns
    (incident, created). The caller's history is counted and a repeat caller flagged. A
    call the telephone system reported (`call`) gives the caller's number when none was
    typed, and is linked to the incident."""
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
    if call is not None and call.desk_id != by.pk:
        raise DomainError(_("This call rang at another desk."), code="other_desk")
    phone = "".join(caller_phone.split()) or (call.phone if call else "")
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
            if call is not None:
                IncomingCall.objects.filter(pk=call.pk).update(incident=incident)
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
    by: User,
    officers: Iterable[User] = (),
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
        told = notify(
            recipients=officers or post_takers(post=post),
            title=_("New job: %(number)s") % {"number": incident.number},
            body=f"{incident.category or ''} · {incident.place_text}",
            url=reverse("cases:job_detail", args=[incident.pk]),
        )
        live.tell(
            (n.recipient_id for n in told),
            "job",
            id=incident.pk,
            number=incident.number,
            toast="job",
            url=reverse("cases:job_detail", args=[incident.pk]),
        )
    return incident


def _take(incident: Incident, *, by: User, client_id: uuid.UUID | None = None) -> None:
    """The officer takes the job their post was sent (incident locked by the caller)."""
    if incident.status != IncidentStatus.ASSIGNED:
        holders = "、".join(o.get_full_name() or str(o) for o in incident.officers.all())
        if holders:
            raise Conflict(_("%(name)s has already taken this job.") % {"name": holders})
        raise Conflict(
            _("This incident is not waiting to be taken (%(status)s).")
            % {"status": incident.get_status_display()}
        )
    assert incident.post is not None  # an assigned job has its post (incident_dispatch)
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
def incident_take(*, incident: Incident, by: User, client_id: uuid.UUID | None = None) -> Incident:
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


def _measure(
    incident: Incident, *, post: Post, by: User, reason: str, settings: DispatchSettings
) -> None:
    """Distance and minutes saved of the chosen post; a reason when it is not the suggested
    one (the nearest with an officer on duty)."""
    latitude, longitude = incident.latitude, incident.longitude
    assert latitude is not None and longitude is not None  # measured only when placed
    ranking = rank_posts(
        station=incident.station,
        latitude=latitude,
        longitude=longitude,
        user=by,
        limit=1,
    )
    nearest = ranking.suggestions[0].post if ranking.suggestions else None
    if nearest is not None and nearest.pk != post.pk and not reason:
        raise DomainError(
            _("%(post)s is suggested. Give a reason for sending another post.") % {"post": nearest},
            code="invalid",
        )
    distance = haversine_km(
        float(latitude), float(longitude), float(post.latitude), float(post.longitude)
    )
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
    by: User,
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
    *, incident: Incident, step: int, done: bool, by: User, client_id: uuid.UUID | None = None
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
def incident_note(*, incident: Incident, by: User, text: str) -> IncidentEvent:
    if not text.strip():
        raise DomainError(_("Write the note."), code="invalid")
    with transaction.atomic():
        incident = Incident.objects.lock_for(by, incident.pk)
        return _event(incident, by=by, kind=IncidentEvent.Kind.NOTE, text=text.strip())


@requires("cases.change_incident")
def incident_attach(*, incident: Incident, by: User, upload: UploadedFile) -> IncidentAttachment:
    """A scene photo or document: checked by content, kept privately."""
    checked = check_upload(upload, allowed=("jpeg", "png", "pdf"), max_bytes=MAX_ATTACHMENT_BYTES)
    with transaction.atomic():
        incident = Incident.objects.lock_for(by, incident.pk)
        attachment = IncidentAttachment.objects.create(
            incident=incident,
            file=store_private(checked, folder="incidents"),
            file_name=(upload.name or "")[:200],
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
    by: User,
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
