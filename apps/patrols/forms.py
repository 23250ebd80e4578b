from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.choices import UserKind
from apps.accounts.models import User
from apps.core.forms import ScopedModelForm, style_field
from apps.core.limits import TEXT_MAX_LENGTH, validate_plannable
from apps.stations.models import Community, Post

from .choices import ParticipantKind, PatrolMode
from .models import Vehicle
from .selectors import vehicle_choice_label, vehicles_for_patrol


class VehicleChoiceField(forms.ModelChoiceField):
    """The station's vehicles in service, the officer's post's first, each saying whether
    it is out on a patrol now."""

    def label_from_instance(self, obj):
        return vehicle_choice_label(obj)


def vehicle_field(**kwargs) -> VehicleChoiceField:
    return VehicleChoiceField(
        queryset=Vehicle.objects.none(),
        required=False,
        label=_("vehicle"),
        empty_label=_("— no vehicle —"),
        **kwargs,
    )


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
    vehicle = vehicle_field()
    loudspeaker = forms.BooleanField(label=_("loudspeaker patrol"), required=False)
    note = forms.CharField(
        label=_("note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )

    def __init__(self, *args, station, post=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = Post.objects.filter(station=station, is_active=True)
        self.fields["vehicle"].queryset = vehicles_for_patrol(station=station, post=post)
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


class StartForm(_Bootstrap):
    """Start a planned patrol, with the vehicle of its plan or another one."""

    vehicle = vehicle_field()

    def __init__(self, *args, patrol, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = vehicles_for_patrol(
            station=patrol.station_id, post=patrol.post_id
        )
        self.fields["vehicle"].initial = patrol.vehicle_id

    def clean(self):
        # A page without the vehicle field (an older one) keeps the plan's vehicle.
        cleaned = super().clean()
        if "vehicle" not in self.data:
            cleaned.pop("vehicle", None)
        return cleaned


class VehicleForm(ScopedModelForm):
    """Register or edit a vehicle; its post must be of its station (the model's clean)."""

    class Meta:
        model = Vehicle
        fields = ["station", "post", "plate", "kind", "has_loudspeaker", "is_active", "note"]
