"""Calendar months, as the officers count them (local time, settings.TIME_ZONE): the one
place for a month's first day and its bounds (statistics periods, patrol assessments, the
monthly partitions of the streams)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings


def month_start(day: date, months: int = 0) -> date:
    """The first day of the month `months` after (or before) the one holding `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first and the next month's first instant, local time."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first, following = month_start(month), month_start(month, 1)
    return (
        datetime(first.year, first.month, 1, tzinfo=zone),
        datetime(following.year, following.month, 1, tzinfo=zone),
    )
