from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString

from .masking import MASKS
from .scoping import CHANGE

if TYPE_CHECKING:
    from apps.accounts.models import User

    # Generic in the stubs only: Django's ModelForm takes no subscript at run time.
    _ModelForm = forms.ModelForm[models.Model]
else:
    _ModelForm = forms.ModelForm


class ScopedModelForm(_ModelForm):
    """A ModelForm whose related-record choices are those the user may write to, styled
    for Bootstrap. Cross-field rules stay in the model's clean(), which the form runs.

    `masked_fields` (field -> mask kind) are personal data: editing a record shows them
    masked, and a mask sent back unchanged keeps the stored value, as the API's MaskedField
    does. The full value is only ever shown by the logged reveal."""

    masked_fields: dict[str, str] = {}

    def __init__(self, *args: Any, user: "User", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            for name, kind in self.masked_fields.items():
                if name in self.fields:
                    self.initial[name] = MASKS[kind](getattr(self.instance, name))
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset.model, "scope"):
                # A choice field's (it has a queryset), of a scoped model.
                field.queryset = queryset.model.objects.restrict(user, CHANGE)  # type: ignore[attr-defined]
            style_field(field)
        # Station staff have one station: new records start there.
        if "station" in self.fields and not self.instance.pk and user.station_id:
            self.fields["station"].initial = user.station_id

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if data is not None and self.instance.pk:
            for name in self.masked_fields:
                if name in data and data[name] == self.initial.get(name):
                    data[name] = getattr(self.instance, name)
        return data


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (2026-12-06): Chinese formats
    render the day as 2026/12/06, which an <input type=date> shows as empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str = "%Y-%m-%d") -> None:
        super().__init__(attrs, format=format)


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker, filled in ISO to the minute."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str = "%Y-%m-%dT%H:%M") -> None:
        super().__init__(attrs, format=format)


class QuickSelect(forms.Select):
    """A select drawn in Python, the same HTML as Django's (tests/core/test_forms.py).
    Django makes a dict per option and draws it through a template of its own: with a
    station's hundreds of posts in a dropdown, that was most of the desk's home page and of
    the service window's (issue 21, item 4)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = set(self.format_value(value))
        found = False

        def option(value: Any, label: Any) -> str:
            # As ChoiceWidget.optgroups: the first option whose value matches is selected.
            nonlocal found
            text = "" if value is None else str(value)
            selected = not found and text in chosen
            found = found or selected
            mark = " selected" if selected else ""
            return f'<option value="{escape(text)}"{mark}>{conditional_escape(label)}</option>'

        # As django/forms/widgets/attrs.html: in order, True as a bare name, False left out.
        drawn = "".join(
            f" {key}" if item is True else f' {key}="{escape(item)}"'
            for key, item in self.build_attrs(self.attrs, attrs).items()
            if item is not False
        )
        html = [format_html('<select name="{}"', name), drawn, ">"]
        for value, label in self.choices:
            if isinstance(label, list | tuple):
                html.append(format_html('<optgroup label="{}">', value))
                html.extend(option(v, sub) for v, sub in label)
                html.append("</optgroup>")
            else:
                html.append(option(value, label))
        html.append("</select>")
        return SafeString("".join(html))


def style_field(field: forms.Field) -> None:
    """Bootstrap's class on the field's widget, and the browser's own pickers for dates and
    times (every form and filter of the workbench goes through here)."""
    if isinstance(field, forms.DateTimeField) and not isinstance(field.widget, DateTimeInput):
        field.widget = _picker(DateTimeInput, field)
    elif isinstance(field, forms.DateField) and not isinstance(field.widget, DateInput):
        field.widget = _picker(DateInput, field)
    widget = field.widget
    if type(widget) is forms.Select:
        # The same widget, choices and attributes; only the drawing differs.
        widget.__class__ = QuickSelect
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def _picker(widget_class: type[DateInput | DateTimeInput], field: forms.Field) -> forms.Widget:
    # What Field.__init__ did for the widget it was given: required, and its own attrs.
    widget = widget_class(attrs=field.widget.attrs)
    widget.is_required = field.required
    widget.is_localized = field.localize
    widget.attrs.update(field.widget_attrs(widget))
    return widget
