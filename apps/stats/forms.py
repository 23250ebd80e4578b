"""The pickers of the statistics pages: unit, period kind and a day inside the period."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.forms import style_field

from .selectors import TWELVE_MONTHS

PERIOD_CHOICES = [
    ("day", _("Day")),
    ("month", _("Month")),
    ("quarter", _("Quarter")),
    ("year", _("Year")),
    (TWELVE_MONTHS, _("Twelve months to")),
]


def yesterday():
    # The store is filled nightly: yesterday is the newest complete day.
    return timezone.localdate() - timedelta(days=1)


class PeriodForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES)
    at = forms.DateField(label=_("Within"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units
        for field in self.fields.values():
            style_field(field)


class QuarterForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(q, f"Q{q}") for q in range(1, 5)]
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units
        for field in self.fields.values():
            style_field(field)


class RecomputeForm(forms.Form):
    bureau = forms.TypedChoiceField(label=_("Sub-bureau"), coerce=int)
    first_day = forms.DateField(label=_("From"))
    last_day = forms.DateField(label=_("To"))

    def __init__(self, *args, bureaus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau"].choices = bureaus
        for field in self.fields.values():
            style_field(field)

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and first > last:
            raise forms.ValidationError(_("The first day comes after the last."))
        if last and last > timezone.localdate():
            raise forms.ValidationError(_("Days in the future have no figures yet."))
        return data
