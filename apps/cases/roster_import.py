"""Reading duty shifts from the roster spreadsheets stations keep (值班表)."""

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError

from .choices import ShiftRole
from .models import DutyShift

SHIFT_COLUMNS = (
    {
        "name": ("姓名", "name"),
        "post": ("警务站", "岗位", "post"),
        "day": ("日期", "date"),
        "start": ("开始", "开始时间", "start"),
        "end": ("结束", "结束时间", "end"),
        "role": ("角色", "职责", "role"),
    },
    ("name", "day", "start", "end"),
)
ROLES = {
    "值班": ShiftRole.ON_DUTY,
    "带班": ShiftRole.LEADER,
    "备勤": ShiftRole.STANDBY,
    **{role.value: role.value for role in ShiftRole},
}


def _day(value: str) -> date:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise DomainError(_("The date “%(value)s” is not a date like 2026-11-23.") % {"value": value})


def _time(value: str) -> time:
    for fmt in ("%H:%M", "%H:%M:%S"):
        try:
            return datetime.strptime(value.strip(), fmt).time()
        except ValueError:
            continue
    raise DomainError(_("The time “%(value)s” is not a time like 08:30.") % {"value": value})


def parse_shift_row(row: dict, *, station, staff: dict, posts: dict) -> DutyShift:
    """One row as an unsaved shift; an end at or before the start runs past midnight."""
    person = staff.get(row["name"].strip())
    if person is None:
        raise DomainError(_("%(name)s is not on the station's staff list.") % {"name": row["name"]})
    post = None
    if row.get("post", "").strip():
        post = posts.get(row["post"].strip())
        if post is None:
            raise DomainError(_("No post named %(name)s.") % {"name": row["post"]})
    role = ROLES.get(row.get("role", "").strip() or ShiftRole.ON_DUTY)
    if role is None:
        raise DomainError(_("Unknown role “%(value)s”.") % {"value": row["role"]})
    day = _day(row["day"])
    tz = timezone.get_current_timezone()
    starts_at = datetime.combine(day, _time(row["start"]), tz)
    ends_at = datetime.combine(day, _time(row["end"]), tz)
    if ends_at <= starts_at:
        ends_at += timezone.timedelta(days=1)
    return DutyShift(
        station=station, post=post, staff=person, starts_at=starts_at, ends_at=ends_at, role=role
    )
