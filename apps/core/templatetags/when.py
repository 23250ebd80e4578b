"""`{{ value|when }}`, `{{ value|when:"short" }}`: a date or time as people read it, in local
time (apps/core/timefmt.py). A builtin of the template engine (settings.TEMPLATES), so that
no page writes a time without it."""

from typing import Any

from django import template

from apps.core.timefmt import when as write

register = template.Library()


@register.filter(expects_localtime=False)
def when(value: Any, style: str = "datetime") -> str:  # whatever the page holds
    try:
        return write(value, style)
    except TypeError:  # not a date: as Django's |date, the page shows nothing rather than fail
        return ""
