from apps.core.forms import ScopedModelForm
from apps.stations.forms import DATE_INPUT

from .models import Address, Housing, Person, Unit


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


class PersonForm(ScopedModelForm):
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
        widgets = {"birth_date": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The number is shown masked; changing it is a new entry, not an edit of a mask.
        if self.instance.pk:
            del self.fields["id_number"]
        else:
            self.fields["id_number"].widget.attrs.update(
                {"autocomplete": "off", "inputmode": "text", "maxlength": 18}
            )


class HousingForm(ScopedModelForm):
    class Meta:
        model = Housing
        fields = ["station", "address", "kind", "owner", "is_rented"]


class UnitForm(ScopedModelForm):
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
