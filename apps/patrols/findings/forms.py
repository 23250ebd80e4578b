"""Forms of a finding's page: the one-tap conversions, "handled on the spot" and the
command room's video-patrol log."""

from django import forms
from django.utils.translation import gettext_lazy

from apps.cases.choices import Priority
from apps.cases.models import IncidentCategory
from apps.core.forms import style_field
from apps.core.limits import TEXT_MAX_LENGTH
from apps.mediation.choices import DisputeCategory

from ..choices import FindingKind, VideoPatrolKind


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_field(field)


class ToIncidentForm(_Form):
    category = forms.ModelChoiceField(
        queryset=IncidentCategory.objects.none(),
        required=False,
        label=gettext_lazy("Incident category"),
    )
    priority = forms.TypedChoiceField(
        choices=Priority.choices,
        coerce=int,
        initial=Priority.NORMAL,
        label=gettext_lazy("Priority"),
    )

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        # The finding is in the user's scope already: its bureau's categories are theirs.
        self.fields["category"].queryset = IncidentCategory.objects.filter(
            bureau_id=station.bureau_id, parent__isnull=False, is_active=True
        )


class ToDisputeForm(_Form):
    category = forms.ChoiceField(
        choices=DisputeCategory.choices, label=gettext_lazy("Dispute category")
    )


class HandleForm(_Form):
    note = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=gettext_lazy("How it was handled"),
        widget=forms.TextInput,
    )


class VideoPatrolForm(_Form):
    kind = forms.ChoiceField(choices=VideoPatrolKind.choices, label=gettext_lazy("Kind"))
    camera = forms.CharField(max_length=100, label=gettext_lazy("Camera"))
    observation = forms.CharField(
        label=gettext_lazy("Observation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX_LENGTH,
    )
    finding_kind = forms.ChoiceField(
        choices=[("", gettext_lazy("No finding")), *FindingKind.choices],
        required=False,
        label=gettext_lazy("Raise a finding"),
    )
    finding_description = forms.CharField(
        required=False,
        label=gettext_lazy("Finding (if other than the observation)"),
        max_length=TEXT_MAX_LENGTH,
    )
