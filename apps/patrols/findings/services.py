"""Patrol findings, enterprise visits and video patrols.

A finding is something seen on patrol or on camera: a hazard, a sign of a dispute, a
suspicious person, trouble at an enterprise. It is either handled on the spot
(`finding_handle`, with a note) or converted with one tap into an incident (警情) or a
dispute (纠纷). Rules decided here:

- One conversion per finding: a finding already turned into an incident or a dispute is a
  409 whichever way the second attempt goes, and so is converting a finding handled on the
  spot (report a new finding if it comes back).
- A converted finding counts as handled from the moment of conversion (the incident or
  dispute takes it over); `handled_by` is the officer who converted it.
- An enterprise-protection visit with trouble is a finding of kind enterprise_trouble with
  the enterprise (registry unit). A visit where nothing was found is recorded as a finding
  of kind "other" for the enterprise, handled at once (handled_at == found_at, with the
  note "visited, no trouble found"): the visit is on record, and `NOTHING_FOUND` lets the
  assessment and the lists leave it out of the findings raised and handled.
- A resent `client_id` (the offline tablet retries) returns the existing finding.
- A finding with coordinates but no village (the tablet sends its GPS fix, not a village)
  gets the station's village nearest to the point within the bureau's coverage radius, so
  that the incident or dispute it becomes carries the village too. Farther than that from
  every village, it stays without one.
"""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cases.choices import IncidentSource
from apps.cases.services import incident_report
from apps.core.errors import Conflict, DomainError, NotAllowed, OutOfScope
from apps.core.geo import in_china
from apps.core.limits import ensure_past
from apps.core.rules import requires
from apps.core.scoping import CHANGE, is_in_scope
from apps.core.timefmt import when
from apps.core.uploads import check_upload, store_private
from apps.mediation.choices import DisputeSource
from apps.mediation.services import dispute_receive
from apps.stations.models import Station

from ..choices import FindingKind, FindingStatus, PatrolStatus, VideoPatrolKind
from ..models import Finding, Patrol, VideoPatrol
from ..selectors import community_near

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models import QuerySet

    from apps.accounts.models import User
    from apps.cases.models import Incident, IncidentCategory
    from apps.mediation.models import Dispute
    from apps.registry.models import Unit
    from apps.stations.models import Community

MAX_PHOTO_BYTES = 10 * 1024 * 1024
# Conversions get a client id derived from the finding's, so a retried conversion that
# reached incident_report before failing finds the same incident.
CONVERSION_NAMESPACE = uuid.UUID("2f8e4b1c-5d3a-4c7e-9b6f-1a0d8c3e7f52")
# Enterprise visits where nothing was found: on record, but not findings.
NOTHING_FOUND = Q(trouble=False)


# What a list of findings shows of each (templates/patrols/_findings.html, the API list).
LIST_JOINS = ("community", "unit", "incident", "dispute", "found_by")


def findings_of_patrol(*, patrol: Patrol, user: "User") -> "QuerySet[Finding]":
    """A patrol's findings for its page (the `findings` of patrols/_findings.html), newest
    first, joined for the list: one query whatever their number."""
    return (
        Finding.objects.restrict(user)
        .filter(patrol=patrol)
        .select_related(*LIST_JOINS)
        .order_by("-found_at", "-pk")
    )


def enterprises_visited(*, patrol: Patrol, user: "User") -> "QuerySet[Finding, dict[str, Any]]":
    """The enterprises (registry units) a patrol's findings name, each with its findings
    and how many of them found trouble (0: visited, nothing found), by name: one query."""
    return (
        Finding.objects.restrict(user)
        .filter(patrol=patrol, unit__isnull=False)
        .values("unit_id", "unit__name")
        .annotate(findings=Count("pk"), troubles=Count("pk", filter=Q(trouble=True)))
        .order_by("unit__name", "unit_id")
    )


def _clean_place(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise DomainError(_("Give both latitude and longitude, or neither."), code="invalid")
    if latitude is not None and longitude is not None and not in_china(latitude, longitude):
        raise DomainError(
            _("The coordinates are outside China. Check latitude and longitude."), code="invalid"
        )


def _repeat(client_id: uuid.UUID | None, by: "User") -> Finding | None:
    if client_id is None:
        return None
    existing = Finding.objects.filter(client_id=client_id).first()
    if existing is not None and not is_in_scope(existing, by, CHANGE):
        # Another station's id: say nothing about it.
        raise OutOfScope(_("Not found."))
    return existing


def _new_finding(
    *,
    by: "User",
    kind: str,
    description: str,
    found_at: datetime | None,
    patrol: Patrol | None,
    place: str,
    latitude: float | None,
    longitude: float | None,
    community: "Community | None",
    unit: "Unit | None",
    client_id: uuid.UUID | None,
    station: Station | None = None,
) -> Finding:
    """An unsaved, checked finding (shared by finding_report and video_patrol_log)."""
    if kind not in FindingKind.values:
        raise DomainError(_("Unknown kind of finding."), code="invalid")
    if not (description or "").strip():
        raise DomainError(_("Describe what was found."), code="invalid")
    if patrol is not None:
        patrol = Patrol.objects.restrict(by, CHANGE).filter(pk=patrol.pk).first()
        if patrol is None:
            raise OutOfScope(_("Not found."))
        if patrol.status == PatrolStatus.CANCELLED:
            raise Conflict(_("The patrol was cancelled: no findings can be added to it."))
    station = (patrol.station if patrol else None) or station or by.station
    if station is None:
        raise DomainError(_("Choose the station of the finding."), code="invalid")
    if not Station.objects.restrict(by, CHANGE).filter(pk=station.pk).exists():
        raise OutOfScope(_("Not found."))
    _clean_place(latitude, longitude)
    # (_clean_place has made sure the coordinates come as a pair)
    if community is None and latitude is not None and longitude is not None:
        community = community_near(station=station, latitude=latitude, longitude=longitude)
    found_at = found_at or timezone.now()
    ensure_past(found_at, _("The time of the finding cannot be in the future."))
    finding = Finding(
        station=station,
        patrol=patrol,
        client_id=client_id or uuid.uuid4(),
        kind=kind,
        description=description.strip(),
        found_at=found_at,
        place=(place or "").strip(),
        latitude=latitude,
        longitude=longitude,
        community=community,
        unit=unit,
        found_by=by,
    )
    try:
        finding.full_clean(exclude=["client_id", "photo"])
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="invalid") from exc
    return finding


def finding_report(
    *,
    by: "User",
    kind: str = "",
    description: str = "",
    found_at: datetime | None = None,
    patrol: Patrol | None = None,
    place: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    community: "Community | None" = None,
    unit: "Unit | None" = None,
    photo: "UploadedFile | None" = None,
    client_id: uuid.UUID | None = None,
    nothing_found: bool = False,
) -> tuple[Finding, bool]:
    """Record a finding; returns (finding, created). A resent client id returns the finding
    already saved. `nothing_found` records an enterprise visit without trouble (see the
    module's notes): it needs the enterprise and is handled at once."""
    existing = _repeat(client_id, by)
    if existing is not None:
        return existing, False
    if nothing_found:
        if unit is None:
            raise DomainError(_("Choose the enterprise that was visited."), code="invalid")
        kind = FindingKind.OTHER
        description = (description or "").strip() or _("Enterprise visited, nothing found.")
    finding = _new_finding(
        by=by,
        kind=kind,
        description=description,
        found_at=found_at,
        patrol=patrol,
        place=place,
        latitude=latitude,
        longitude=longitude,
        community=community,
        unit=unit,
        client_id=client_id,
    )
    if nothing_found:
        finding.trouble = False
        finding.status = FindingStatus.HANDLED
        finding.handled_at = finding.found_at
        finding.handled_by = by
        finding.handling_note = _("Visited, no trouble found.")
    # Checked (and re-encoded) before the transaction: reading a photo holds no lock.
    checked = (
        check_upload(photo, allowed=("jpeg", "png"), max_bytes=MAX_PHOTO_BYTES) if photo else None
    )
    try:
        with transaction.atomic():
            if checked is not None:
                finding.photo = store_private(checked, folder="patrols/findings")
            finding.save()
    except IntegrityError:
        # The same client id arrived twice at once: the other request saved it first.
        existing = _repeat(finding.client_id, by)
        if existing is None:
            raise
        return existing, False
    return finding, True


def _locked_open(finding: Finding, by: "User") -> Finding:
    locked = Finding.objects.lock_for(by, finding.pk)
    if locked.incident_id:
        raise Conflict(_("This finding has already been turned into an incident."))
    if locked.dispute_id:
        raise Conflict(_("This finding has already been turned into a dispute."))
    if locked.status == FindingStatus.HANDLED:
        raise Conflict(_("This finding has already been handled."))
    return locked


def _mark_handled(
    finding: Finding, by: "User", *, note: str = "", **links: "Incident | Dispute"
) -> None:
    finding.status = FindingStatus.HANDLED
    finding.handled_at = timezone.now()
    finding.handled_by = by
    finding.handling_note = note
    for name, value in links.items():
        setattr(finding, name, value)
    finding.save(
        update_fields=[
            "status",
            "handled_at",
            "handled_by",
            "handling_note",
            *links,
            "updated_at",
        ]
    )


def _place_text(finding: Finding) -> str:
    parts = [
        p
        for p in (
            finding.community.name if finding.community else "",
            finding.unit.name if finding.unit else "",
            finding.place,
        )
        if p
    ]
    return " ".join(parts) or _("Patrol finding")


def _decimal(value: float | None) -> Decimal | None:
    """A float coordinate as the incident's six-decimal field takes it (about 0.1 m)."""
    return None if value is None else Decimal(f"{value:.6f}")


def _description(finding: Finding) -> str:
    return _("Patrol finding (%(kind)s, %(time)s): %(text)s") % {
        "kind": finding.get_kind_display(),
        "time": when(finding.found_at),
        "text": finding.description,
    }


@requires(
    "patrols.change_finding", "cases.add_incident", message=_("Your role cannot open incidents.")
)
def finding_to_incident(
    *,
    finding: Finding,
    by: "User",
    category: "IncidentCategory | None" = None,
    priority: int | None = None,
) -> "Incident":
    """Open an incident (source: patrol) from the finding, at its place, and link both
    ways. The finding counts as handled from now on."""
    with transaction.atomic():
        finding = _locked_open(finding, by)
        finding = Finding.objects.select_related("community", "unit").get(pk=finding.pk)
        incident, _created = incident_report(
            by=by,
            source=IncidentSource.PATROL,
            station=finding.station,
            category=category,
            priority=priority,
            place_text=_place_text(finding),
            latitude=_decimal(finding.latitude),
            longitude=_decimal(finding.longitude),
            community=finding.community,
            description=_description(finding),
            received_at=timezone.now(),
            client_id=uuid.uuid5(CONVERSION_NAMESPACE, f"incident:{finding.client_id}"),
        )
        _mark_handled(finding, by, note=_("Turned into an incident."), incident=incident)
    return incident


@requires(
    "patrols.change_finding",
    "mediation.add_dispute",
    message=_("Your role cannot take disputes in."),
)
def finding_to_dispute(*, finding: Finding, by: "User", category: str) -> "Dispute":
    """Take a dispute in (source: patrol) from the finding and link both ways. The finding
    counts as handled from now on."""
    with transaction.atomic():
        finding = _locked_open(finding, by)
        finding = Finding.objects.select_related("community", "unit").get(pk=finding.pk)
        dispute = dispute_receive(
            by=by,
            source=DisputeSource.PATROL,
            category=category,
            description=_description(finding),
            station=finding.station,
            place_text=_place_text(finding),
            community=finding.community,
        )
        _mark_handled(finding, by, note=_("Turned into a dispute."), dispute=dispute)
    return dispute


@requires("patrols.change_finding")
def finding_handle(*, finding: Finding, by: "User", note: str) -> Finding:
    """Mark a finding handled on the spot, saying how."""
    if not (note or "").strip():
        raise DomainError(_("Say how the finding was handled."), code="invalid")
    with transaction.atomic():
        finding = _locked_open(finding, by)
        _mark_handled(finding, by, note=note.strip())
    return finding


def video_patrol_log(
    *,
    by: "User",
    kind: str,
    camera: str,
    checked_at: datetime | None,
    observation: str,
    finding_kind: str | None = None,
    finding_description: str = "",
) -> VideoPatrol:
    """Log a camera check from the command room; with `finding_kind`, raise a finding (at
    the camera, at the time of the check) in the same transaction."""
    if kind not in VideoPatrolKind.values:
        raise DomainError(_("Unknown kind of video patrol."), code="invalid")
    if not (camera or "").strip():
        raise DomainError(_("Name the camera."), code="invalid")
    if not (observation or "").strip():
        raise DomainError(_("Say what was observed."), code="invalid")
    station = by.station
    if station is None:
        raise DomainError(_("Only station staff log video patrols."), code="invalid")
    checked_at = checked_at or timezone.now()
    ensure_past(checked_at, _("The time of the check cannot be in the future."))
    finding = None
    if finding_kind:
        if not by.has_perm("patrols.add_finding"):
            raise NotAllowed(_("Your role cannot record findings."))
        finding = _new_finding(
            by=by,
            kind=finding_kind,
            description=(finding_description or "").strip() or observation,
            found_at=checked_at,
            patrol=None,
            place=camera,
            latitude=None,
            longitude=None,
            community=None,
            unit=None,
            client_id=None,
            station=station,
        )
    video = VideoPatrol(
        station=station,
        kind=kind,
        camera=camera.strip(),
        checked_at=checked_at,
        observation=observation.strip(),
        officer=by,
    )
    with transaction.atomic():
        if finding is not None:
            finding.save()
            video.finding = finding
        try:
            video.full_clean()
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), code="invalid") from exc
        video.save()
    return video
