import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import Conflict, DomainError, NotAllowed, OutOfScope
from apps.core.limits import ensure_past
from apps.core.scoping import CHANGE

from . import boundaries
from .choices import AppointmentTitle, ServiceKind
from .models import (
    Community,
    CommunityAppointment,
    Post,
    ServiceLog,
    StaffAssignment,
    Station,
)

if TYPE_CHECKING:
    from apps.accounts.models import User


def service_log_record(
    *,
    by: "User",
    kind: str,
    post: Post | None = None,
    station: Station | None = None,
    note: str = "",
    occurred_at: datetime | None = None,
    client_id: uuid.UUID | None = None,
) -> tuple[ServiceLog, bool]:
    """Record one service at the window; returns (entry, created).

    The station is the post's, else the given one, else the officer's own. A repeat of the
    same `client_id` (a double click, a tablet retry) returns the first entry unchanged.
    """
    if client_id is not None:
        existing = ServiceLog.objects.restrict(by).filter(client_id=client_id).first()
        if existing is not None:
            return existing, False
    if kind not in ServiceKind.values:
        raise DomainError(_("Unknown service type."), code="invalid")
    station = post.station if post is not None else station or by.station
    if station is None:
        raise DomainError(_("Choose the station where the service took place."), code="invalid")
    if not Station.objects.restrict(by, CHANGE).filter(pk=station.pk).exists():
        raise OutOfScope(_("Not found."))
    now = timezone.now()
    ensure_past(occurred_at, _("The time of a service cannot be in the future."), now=now)
    entry = ServiceLog(
        station=station,
        post=post,
        kind=kind,
        note=note.strip(),
        occurred_at=occurred_at or now,
        recorded_by=by,
        client_id=client_id or uuid.uuid4(),
    )
    entry.full_clean()
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # The same client id arrived twice at once: the other request saved it first.
        existing = ServiceLog.objects.restrict(by).filter(client_id=entry.client_id).first()
        if existing is None:
            raise
        return existing, False
    return entry, True


def community_boundaries_import(*, by: "User", station: Station, data: bytes) -> int:
    """Set the boundaries of `station`'s villages and communities from a GeoJSON
    FeatureCollection whose features name them (properties.name); returns how many were set.

    All or nothing: a feature that names no village of the station, a geometry that breaks
    the rule (boundaries.validate_boundary) or lies far from its village refuses the whole
    file. Villages the file does not name keep the boundary they had.
    """
    if not by.has_perm("stations.change_community"):
        raise NotAllowed(_("You may not change villages and communities."))
    read = boundaries.read_feature_collection(data)
    with transaction.atomic():
        if not Station.objects.restrict(by, CHANGE).filter(pk=station.pk).exists():
            raise OutOfScope(_("Not found."))
        communities = {
            c.name: c
            for c in Community.objects.restrict(by, CHANGE)
            .select_for_update()
            .filter(station=station, name__in=list(read))
        }
        unknown = [name for name in read if name not in communities]
        if unknown:
            raise DomainError(
                _("%(station)s has no village or community named: %(names)s.")
                % {"station": station, "names": "、".join(unknown[:10])},
                code="invalid",
            )
        for name, geometry in read.items():
            community = communities[name]
            far = boundaries.distance_km(geometry, community.latitude, community.longitude)
            if far > boundaries.MAX_DISTANCE_KM:
                raise DomainError(
                    _(
                        "%(name)s: the boundary lies %(km).0f km from the village's position;"
                        " is it the right village, in WGS 84?"
                    )
                    % {"name": name, "km": far},
                    code="invalid",
                )
            community.boundary = geometry
            # One save each (not bulk_update): the change history records who set it.
            community.save(update_fields=["boundary", "updated_at"])
    return len(communities)


def _refusal(exc: ValidationError) -> DomainError:
    return DomainError(" ".join(exc.messages), code="invalid")


def community_appointment_make(
    *,
    by: "User",
    community: Community,
    officer: StaffAssignment,
    title: str = AppointmentTitle.BRANCH_DEPUTY_SECRETARY,
    started_on: date | None = None,
    note: str = "",
) -> CommunityAppointment:
    """Appoint a police officer of the station to one of its villages or residents'
    committees (e.g. 兼任村党支部副书记). Both must be of the same station, in the writer's
    scope; the village may have only one current holder of the title."""
    if not by.has_perm("stations.add_communityappointment"):
        raise NotAllowed(_("You may not appoint officers to villages."))
    with transaction.atomic():
        community = Community.objects.lock_for(by, community.pk)
        if not StaffAssignment.objects.restrict(by, CHANGE).filter(pk=officer.pk).exists():
            raise OutOfScope(_("Not found."))
        appointment = CommunityAppointment(
            station_id=community.station_id,
            community=community,
            officer=officer,
            title=title,
            started_on=started_on or timezone.localdate(),
            note=note.strip(),
        )
        try:
            appointment.full_clean()
        except ValidationError as exc:
            raise _refusal(exc) from exc
        appointment.save()
    return appointment


def community_appointment_end(
    *, by: "User", appointment: CommunityAppointment, ended_on: date | None = None
) -> CommunityAppointment:
    """End an appointment (the officer leaves the village's post) on `ended_on`, today by
    default; it stays on record."""
    if not by.has_perm("stations.change_communityappointment"):
        raise NotAllowed(_("You may not change officers' village appointments."))
    with transaction.atomic():
        appointment = CommunityAppointment.objects.lock_for(by, appointment.pk)
        if appointment.ended_on is not None:
            raise Conflict(_("The appointment has ended already."))
        appointment.ended_on = ended_on or timezone.localdate()
        try:
            appointment.full_clean()
        except ValidationError as exc:
            raise _refusal(exc) from exc
        appointment.save(update_fields=["ended_on", "updated_at"])
    return appointment
