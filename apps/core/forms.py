from django import forms

from .scoping import CHANGE


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose related-record choices are those the user may write to, styled
    for Bootstrap. Cross-field rules stay in the model's clean(), which the form runs."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset.model, "scope"):
                field.queryset = queryset.model.objects.restrict(user, CHANGE)
            add_bootstrap_class(field)
        # Station staff have one station: new records start there.
        if "station" in self.fields and not self.instance.pk and user.station_id:
            self.fields["station"].initial = user.station_id


def add_bootstrap_class(field: forms.Field) -> None:
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
