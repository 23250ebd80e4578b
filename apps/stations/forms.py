import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import ScopedModelForm, style_field

from .choices import ServiceKind
from .models import Community, PoliceDistrict, Post, StaffAssignment, Station


class StationForm(ScopedModelForm):
    class Meta:
        model = Station
        fields = ["name", "address", "phone", "latitude", "longitude", "area", "area_km2"]


class PostForm(ScopedModelForm):
    class Meta:
        model = Post
        fields = [
            "station",
            "name",
            "kind",
            "address",
            "phone",
            "latitude",
            "longitude",
            "area",
            "opened_on",
            "is_active",
        ]


class PoliceDistrictForm(ScopedModelForm):
    class Meta:
        model = PoliceDistrict
        fields = ["station", "name", "post", "responsible_officers", "real_population"]


class CommunityForm(ScopedModelForm):
    class Meta:
        model = Community
        fields = [
            "station",
            "name",
            "kind",
            "district",
            "post",
            "latitude",
            "longitude",
            "population",
            "note",
        ]


class StaffAssignmentForm(ScopedModelForm):
    masked_fields = {"phone": "phone"}

    class Meta:
        model = StaffAssignment
        fields = [
            "station",
            "name",
            "kind",
            "unit",
            "duty",
            "post",
            "community",
            "user",
            "phone",
            "started_on",
            "ended_on",
        ]


class ServiceLogForm(forms.Form):
    """The desk officer's fast entry: one tap on a service type records it."""

    kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    post = forms.ModelChoiceField(label=_("Post"), queryset=Post.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        posts = Post.objects.restrict(user, "change").filter(is_active=True)
        self.fields["post"].queryset = posts.only("id", "name")  # a dropdown's need
        if user.post_id:
            self.fields["post"].initial = user.post_id
        # A fresh id per rendered form: a double click records the service once.
        self.fields["client_id"].initial = uuid.uuid4()
        for field in self.fields.values():
            style_field(field)
