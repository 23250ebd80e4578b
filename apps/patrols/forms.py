from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.choices import UserKind
from apps.accounts.models import User
from apps.core.forms import style_field
from apps.core.limits import TEXT_MAX_LENGTH, validate_plannable
from apps.stations.models import Community, Post

from .choices import ParticipantKind, PatrolMode


class _Bootstrap(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_field(field)


class PatrolForm(_Bootstrap):
    """Plan a patrol of one station: its posts, officers and villages are the choices."""

    mode = forms.ChoiceField(label=_("mode"), choices=PatrolMode.choices)
    post = forms.ModelChoiceField(queryset=Post.objects.none(), required=False, label=_("post"))
    planned_start = forms.DateTimeField(label=_("planned start"), validators=[validate_plannable])
    planned_end = forms.DateTimeField(
        label=_("planned end"), required=False, validators=[validate_plannable]
    )
    officers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple, label=_("officers")
    )
    communities = forms.ModelMultipleChoiceField(
        queryset=Community.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("planned area"),
    )
    route = forms.CharField(label=_("route"), max_length=300, required=False)
    loudspeaker = forms.BooleanField(label=_("loudspeaker patrol"), required=False)
    note = forms.CharField(
        label=_("note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = Post.objects.filter(station=station, is_active=True)
        self.fields["officers"].queryset = User.objects.filter(
            station=station, is_active=True, kind__in=[UserKind.OFFICER, UserKind.AUXILIARY]
        ).order_by("last_name", "first_name", "username")
        self.fields["communities"].queryset = Community.objects.filter(station=station)
        for name in ("officers", "communities"):  # ticks, not a select box
            self.fields[name].widget.attrs["class"] = "form-check-input"


class ParticipantForm(_Bootstrap):
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", "—"), *ParticipantKind.choices], required=False
    )
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50, required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ("name", "phone"):
            self.fields[field].widget.attrs["placeholder"] = self.fields[field].label

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("kind"):
            self.add_error("kind", _("Choose what kind of participant."))
        return data


ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=3, max_num=20)
