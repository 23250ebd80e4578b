from django import forms
from django.forms.models import construct_instance
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.forms import ScopedModelForm, style_field
from apps.core.limits import validate_past
from apps.core.scoping import CHANGE
from apps.stations.models import Community, Station

from . import selectors
from .choices import ResidenceRelation
from .models import Address, Housing, ImportBatch, Person, Unit


class AddressForm(ScopedModelForm):
    class Meta:
        model = Address
        fields = [
            "station",
            "community",
            "road",
            "number",
            "building",
            "unit",
            "room",
            "latitude",
            "longitude",
        ]


class PersonFieldsForm(ScopedModelForm):
    """A new person's ID number says the rest: gender and date of birth may be left empty
    (the model fills them in; static/js/idnumber.js does so on the page as it is typed),
    and a number already registered is named, with a link, when the officer may see that
    person — otherwise the refusal says nothing of where."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        for name in ("gender", "birth_date"):
            self.fields[name].required = False
            self.fields[name].help_text = _("Filled in from the ID number.")
        if "id_number" in self.fields:
            self.fields["id_number"].widget.attrs.update(
                {"autocomplete": "off", "maxlength": 18, "data-id-number": ""}
            )

    def clean_id_number(self):
        number = self.cleaned_data["id_number"].strip().upper()
        taken = selectors.id_number_taken(number=number, user=self.user, request=self.request)
        if taken:
            raise forms.ValidationError(taken, code="registered")
        return number


class PersonForm(PersonFieldsForm):
    masked_fields = {"phone": "phone"}

    class Meta:
        model = Person
        fields = [
            "station",
            "name",
            "id_number",
            "gender",
            "birth_date",
            "ethnicity",
            "phone",
            "domicile_address",
            "category",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The number is shown masked; changing it is a new entry, not an edit of a mask.
        # The date of birth and the gender come from it and cannot change either; the date
        # is not shown (it is the middle of the number: a logged reveal on the record).
        if self.instance.pk:
            del self.fields["id_number"]
            del self.fields["birth_date"]


class HousingForm(ScopedModelForm):
    class Meta:
        model = Housing
        fields = ["station", "address", "kind", "owner", "is_rented"]


class UnitForm(ScopedModelForm):
    masked_fields = {"contact_phone": "phone"}

    class Meta:
        model = Unit
        fields = [
            "station",
            "name",
            "kind",
            "address",
            "contact_name",
            "contact_phone",
            "staff_count",
        ]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Records"), choices=ImportBatch.Kind.choices)
    file = forms.FileField(
        label=_("Spreadsheet (XLSX or CSV)"),
        help_text=_(
            "Persons: 姓名, 身份证号码, 人员类别 (常住/流动), optional 性别, 民族, 联系电话, "
            "户籍地址. Addresses: 村（社区）, 路, 门牌号, optional 栋, 单元, 室. Units: 名称, "
            "类别, 标准地址, optional 联系人, 联系电话, 从业人数. Hotel stays: 身份证号码, 旅馆, "
            "入住时间, optional 房间, 退房时间."
        ),
    )
    station = forms.ModelChoiceField(
        label=_("Station"), queryset=Station.objects.none(), required=False
    )
    update_existing = forms.BooleanField(
        label=_("Update persons already registered"),
        required=False,
        help_text=_(
            "Otherwise a row whose ID number (or unit name) is already registered is rejected."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Station.objects.restrict(user, CHANGE)
        if user.station_id:
            del self.fields["station"]  # station staff import into their own station
        for field in self.fields.values():
            style_field(field)


class ResidentForm(PersonFieldsForm):
    """Adding a resident at the door on a tablet: who, and where — community, then
    building, then room, each list narrowed by the choice before it."""

    # Each choice asks for the next list (htmx, registry:address_options).
    community = forms.ModelChoiceField(
        label=_("Village / community"),
        queryset=Community.objects.all(),
        widget=forms.Select(
            attrs={
                "class": "form-select-lg",
                "hx-get": reverse_lazy("registry:address_options"),
                "hx-target": "#id_building",
                "hx-trigger": "change",
                "hx-include": "this",
            }
        ),
    )
    # The id of one address of the building, as the htmx options name it (selectors.buildings).
    building = forms.IntegerField(
        label=_("Building"),
        required=False,
        widget=forms.Select(
            attrs={
                "class": "form-select-lg",
                "hx-get": reverse_lazy("registry:address_options"),
                "hx-target": "#id_address",
                "hx-trigger": "change",
                "hx-include": "#id_community, this",
            }
        ),
    )
    address = forms.ModelChoiceField(label=_("Room / address"), queryset=Address.objects.all())
    relation = forms.ChoiceField(label=_("Lives there as"), choices=ResidenceRelation.choices)
    since = forms.DateField(
        label=_("Since"), initial=timezone.localdate, validators=[validate_past]
    )

    class Meta:
        model = Person
        fields = ["name", "id_number", "gender", "birth_date", "phone", "category"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        community = self.data.get("community") or self.initial.get("community")
        building = self.data.get("building")
        addresses = self.fields["address"].queryset.filter(community_id=community or 0)
        self.fields["address"].queryset = (
            selectors.in_building(addresses, building) if building else addresses
        )
        # A form shown again keeps its building list (buildings named by their address).
        self.fields["building"].widget.choices = [
            ("", "---------"),
            *(selectors.buildings(addresses) if community else []),
        ]

    def _post_clean(self):
        # Fill the person from the form but leave the model's checks to the service: the
        # station comes from the chosen address, and they run in the save's transaction.
        self.instance = construct_instance(self, self.instance, self._meta.fields)
