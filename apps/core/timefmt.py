"""Every date and time a person reads, written in one place: moved to the workbench's time
zone (settings.TIME_ZONE, Asia/Shanghai) and written in one of a few styles.

Pages (the `when` filter), list cells, exports, PDFs, notifications and text messages call
`when`; Django's own rendering (`{{ value }}`, admin, `|date` without a format) reads the
same styles through the format module `policestation.formats` (FORMAT_MODULE_PATH). So the
moment a record was made reads alike everywhere, e.g. 2026-03-14 09:30.

A stored moment is aware and in UTC: written without conversion it would read eight hours
early. Values for machines (URLs, form inputs, JSON) stay ISO 8601 and are not written here.
"""

from datetime import date, datetime, time

from django.utils import dateformat, timezone

# Django's date format characters (https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date).
STYLES = {
    "datetime": "Y-m-d H:i",
    "seconds": "Y-m-d H:i:s",
    "short": "m-d H:i",  # within the year on the screen: boards, timelines, threads
    "short_seconds": "m-d H:i:s",
    "date": "Y-m-d",
    "day": "Y-m-d l",  # with the day of the week
    "weekday": "D m-d",  # a roster's column
    "month": "Y-m",
    "time": "H:i",
    "clock": "H:i:s",
    "written": "Y年n月j日",  # in the body of a printed document
    "written_time": "Y年n月j日 H:i",
    "written_day": "n月j日",
}
_TIME_OF_DAY = set("aAfgGhHiPsuv")


def local(value: datetime) -> datetime:
    """An aware moment as the workbench's local time; a naive one is taken as local already."""
    if timezone.is_naive(value):
        return value
    return timezone.localtime(value, timezone.get_default_timezone())


def iso(value: datetime | None) -> str | None:
    """A moment for a machine (JSON that a page's script reads): ISO 8601 in local time with
    its offset, so that the script can show its clock as written."""
    return None if value is None else local(value).isoformat()


def when(value: datetime | date | time | str | None, style: str = "datetime") -> str:
    """`value` (a datetime, date or time; None gives "") in the named style. A date asked
    for in a style with a time of day is written as a date."""
    if value is None or value == "":
        return ""
    fmt = STYLES[style]
    if isinstance(value, datetime):
        return dateformat.format(local(value), fmt)
    if isinstance(value, date):
        return dateformat.format(value, STYLES["date"] if _TIME_OF_DAY & set(fmt) else fmt)
    if isinstance(value, time):
        return dateformat.time_format(value, fmt if style in ("time", "clock") else STYLES["time"])
    raise TypeError(f"not a date or time: {value!r}")
