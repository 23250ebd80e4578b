"""The lawyers' weekly sittings (律师每周四坐班) as bookable slots."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import Conflict, DomainError, OutOfScope
from apps.core.limits import ensure_plannable
from apps.core.rules import requires
from apps.core.scoping import CHANGE, is_in_scope

from ..choices import MediatorKind
from ..models import Dispute, LawyerSlot, Mediator
from ._shared import _event


@requires("mediation.add_lawyerslot")
def slots_generate(
    *,
    by: User,
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


@requires("mediation.change_lawyerslot")
def slot_book(
    *, slot: LawyerSlot, by: User, dispute: Dispute | None = None, booked_for: str = ""
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


@requires("mediation.change_lawyerslot")
def slot_cancel(*, slot: LawyerSlot, by: User) -> LawyerSlot:
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
