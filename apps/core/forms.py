from django import forms

from .masking import MASKS
from .scoping import CHANGE


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose related-record choices are those the user may write to, styled
    for Bootstrap. Cross-field rules stay in the model's clean(), which the form runs.

    `masked_fields` (field -> mask kind) are personal data: editing a record shows them
    masked, and a mask sent back unchanged keeps the stored value, as the API's MaskedField
    does. The full value is only ever shown by the logged reveal."""

    masked_fields: dict[str, str] = {}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            for name, kind in self.masked_fields.items():
                if name in self.fields:
                    self.initial[name] = MASKS[kind](getattr(self.instance, name))
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset.model, "scope"):
                field.queryset = queryset.model.objects.restrict(user, CHANGE)
            add_bootstrap_class(field)
        # Station staff have one station: new records start there.
        if "station" in self.fields and not self.instance.pk and user.station_id:
            self.fields["station"].initial = user.station_id

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            for name in self.masked_fields:
                if name in data and data[name] == self.initial.get(name):
                    data[name] = getattr(self.instance, name)
        return data


def add_bootstrap_class(field: forms.Field) -> None:
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
