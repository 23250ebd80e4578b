"""The duty roster: single shifts, a weekly pattern and a spreadsheet import, never two
overlapping shifts of one person."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import Conflict, DomainError, OutOfScope
from apps.core.limits import ensure_plannable
from apps.core.rules import requires
from apps.core.scoping import CHANGE, is_in_scope
from apps.core.spreadsheets import SpreadsheetError, read_table
from apps.core.uploads import check_spreadsheet
from apps.stations.models import Post, StaffAssignment, Station

from ..choices import ShiftRole
from ..models import DutyShift

MAX_ROSTER_BYTES = 5 * 1024 * 1024


def shift_save(*, by: User, shift: DutyShift) -> DutyShift:
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
    weekday_staff: list[StaffAssignment]
    weekend_group: list[StaffAssignment]
    day_start: time = time(8, 30)
    day_end: time = time(17, 30)


@requires("cases.add_dutyshift")
def roster_generate(*, by: User, pattern: RosterPattern) -> int:
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
def roster_import(
    *, by: User, station: Station, upload: UploadedFile
) -> tuple[int, list[dict[str, Any]]]:
    """Shifts from a spreadsheet (姓名, 警务站, 日期, 开始, 结束, 角色): every row is checked
    first; if any is wrong nothing is saved and the rejected rows are returned."""
    from ..roster_import import SHIFT_COLUMNS, parse_shift_row

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
