from django.utils.translation import gettext_lazy as _

from apps.core.views import (
    RevealPersonalDataView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
)

from . import filters, forms, selectors
from .models import Address, HotelStay, Housing, Person, Unit

PERSON_COLUMNS = [
    ("name", _("Name")),
    ("gender", _("Gender")),
    ("birth_date", _("Date of birth")),
    ("id_number", _("ID number"), "id_number"),
    ("phone", _("Phone"), "phone"),
    ("category", _("Category")),
    ("station", _("Station")),
]


class AddressList(ScopedListView):
    model = Address
    filterset_class = filters.AddressFilter
    select_related = ("station", "community")
    create_url_name = "registry:address_create"
    columns = [
        ("text", _("Standard address")),
        ("community", _("Village / community")),
        ("station", _("Station")),
    ]


class AddressDetail(ScopedDetailView):
    model = Address
    select_related = ("station", "community")
    fields = [
        "text",
        "community",
        "station",
        "road",
        "number",
        "building",
        "unit",
        "room",
        "latitude",
        "longitude",
    ]
    update_url_name = "registry:address_update"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = selectors.address_related(address=self.object, user=self.request.user)
        return context


class AddressCreate(ScopedCreateView):
    model = Address
    form_class = forms.AddressForm
    cancel_url_name = "registry:address_list"


class AddressUpdate(ScopedUpdateView):
    model = Address
    form_class = forms.AddressForm


class PersonList(ScopedListView):
    model = Person
    filterset_class = filters.PersonFilter
    select_related = ("station",)
    create_url_name = "registry:person_create"
    columns = PERSON_COLUMNS


class PersonDetail(ScopedDetailView):
    """The association page (关联法): everything linked to one person."""

    model = Person
    select_related = ("station",)
    fields = [
        "name",
        "gender",
        "birth_date",
        "ethnicity",
        "category",
        "domicile_province",
        "domicile_address",
        "station",
    ]
    masked_fields = [
        ("id_number", "id_number", "registry:person_reveal"),
        ("phone", "phone", "registry:person_reveal"),
    ]
    update_url_name = "registry:person_update"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = selectors.person_related(person=self.object, user=self.request.user)
        return context


class PersonCreate(ScopedCreateView):
    model = Person
    form_class = forms.PersonForm
    cancel_url_name = "registry:person_list"


class PersonUpdate(ScopedUpdateView):
    model = Person
    form_class = forms.PersonForm


class PersonReveal(RevealPersonalDataView):
    model = Person
    fields = ("id_number", "phone")


class HousingList(ScopedListView):
    model = Housing
    filterset_class = filters.HousingFilter
    select_related = ("station", "address", "owner")
    create_url_name = "registry:housing_create"
    columns = [
        ("address", _("Address")),
        ("kind", _("Kind")),
        ("owner", _("Owner")),
        ("is_rented", _("Rented out")),
        ("station", _("Station")),
    ]


class HousingDetail(ScopedDetailView):
    model = Housing
    select_related = ("station", "address", "owner")
    fields = ["address", "kind", "owner", "is_rented", "station"]
    update_url_name = "registry:housing_update"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = [
            (
                _("Residents"),
                self.object.residences.select_related("person"),
                [
                    ("person", _("Name")),
                    ("relation", _("Relation")),
                    ("since", _("Since")),
                    ("until", _("Until")),
                ],
            )
        ]
        return context


class HousingCreate(ScopedCreateView):
    model = Housing
    form_class = forms.HousingForm
    cancel_url_name = "registry:housing_list"


class HousingUpdate(ScopedUpdateView):
    model = Housing
    form_class = forms.HousingForm


class UnitList(ScopedListView):
    model = Unit
    filterset_class = filters.UnitFilter
    select_related = ("station", "address")
    create_url_name = "registry:unit_create"
    columns = [
        ("name", _("Name")),
        ("kind", _("Kind")),
        ("address", _("Address")),
        ("contact_name", _("Contact")),
        ("contact_phone", _("Contact phone"), "phone"),
        ("staff_count", _("Staff")),
    ]


class UnitDetail(ScopedDetailView):
    model = Unit
    select_related = ("station", "address")
    fields = ["name", "kind", "address", "contact_name", "staff_count", "station"]
    masked_fields = [("contact_phone", "phone", "registry:unit_reveal")]
    update_url_name = "registry:unit_update"


class UnitCreate(ScopedCreateView):
    model = Unit
    form_class = forms.UnitForm
    cancel_url_name = "registry:unit_list"


class UnitUpdate(ScopedUpdateView):
    model = Unit
    form_class = forms.UnitForm


class UnitReveal(RevealPersonalDataView):
    model = Unit
    fields = ("contact_phone",)


class HotelStayList(ScopedListView):
    model = HotelStay
    filterset_class = filters.HotelStayFilter
    select_related = ("person", "hotel")
    columns = [
        ("person", _("Guest")),
        ("hotel", _("Hotel")),
        ("room", _("Room")),
        ("checked_in_at", _("Checked in")),
        ("checked_out_at", _("Checked out")),
    ]
