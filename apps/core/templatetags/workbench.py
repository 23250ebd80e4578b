from collections.abc import Sequence
from datetime import date, time
from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import localize
from django.utils.translation import gettext as _

from apps.core.masking import MASKS
from apps.core.timefmt import when

register = template.Library()


# Templates hand these tags whatever a page's context holds: rows of any model, any value.
def _resolve(obj: Any, path: str) -> Any:
    """Follow a dotted path; a choice field gives its label, a missing link gives None."""
    *parents, last = path.split(".")
    for name in parents:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    try:
        field = obj._meta.get_field(last)
    except (AttributeError, FieldDoesNotExist):
        field = None
    if field is not None and field.choices:
        return getattr(obj, f"get_{last}_display")()
    value: Any = getattr(obj, last, None)
    if field is not None and field.many_to_many:
        return "、".join(str(item) for item in value.all())
    return value


@register.simple_tag
def cell(obj: Any, column: Sequence[str]) -> object:
    """The display text of one column (path, label[, mask]) of a row."""
    path, _label, *mask = column
    value = _resolve(obj, path)
    if mask:
        return MASKS[mask[0]](value)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, date | time):  # a stored moment is UTC: written in local time
        return when(value)
    return localize(value)


@register.simple_tag
def field_label(model: type[models.Model], path: str) -> str:
    *parents, last = path.split(".")
    for name in parents:
        model = model._meta.get_field(name).related_model  # type: ignore[assignment]  # a relation's
    return str(model._meta.get_field(last).verbose_name)  # type: ignore[union-attr]  # a field's


@register.filter
def mask(value: str | None, kind: str) -> str:
    return MASKS[kind](value)


@register.filter
def make_column(path: str) -> tuple[str, str]:
    """A detail page's field name as a column spec for `cell`."""
    return (path, "")


@register.filter
def attr(obj: object, name: str) -> object:
    return getattr(obj, name, None)
