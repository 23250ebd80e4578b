from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ScopedAdmin
from apps.core.masking import mask_birth_date, mask_id_number

from .models import (
    Address,
    FocusRecord,
    HotelStay,
    Housing,
    ImportBatch,
    Person,
    Residence,
    Unit,
)


@admin.register(Address)
class AddressAdmin(ScopedAdmin):
    list_display = ["text", "community", "station"]
    search_fields = ["text"]
    list_select_related = ["community", "station"]


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ["name", "gender", "birth_year", "masked_id_number", "category", "station"]
    list_filter = ["category", "gender"]
    # Search by name only: an ID number typed into admin search would travel in the URL.
    search_fields = ["name"]
    list_select_related = ["station"]
    # The date of birth is the middle of the ID number: hidden and logged like it.
    personal_data_fields = ("id_number", "phone", "birth_date")
    show_full_result_count = False

    @admin.display(description=_("ID number"))
    def masked_id_number(self, person):
        return mask_id_number(person.id_number)

    @admin.display(description=_("Year of birth"), ordering="birth_date")
    def birth_year(self, person):
        return mask_birth_date(person.birth_date)


# Addresses and housing are picked by their address text (searched as typed), not by a bare
# id: an admin knows 白彭路12号5栋, not 1234.
@admin.register(Housing)
class HousingAdmin(ScopedAdmin):
    list_display = ["address", "kind", "owner", "is_rented", "station"]
    list_filter = ["kind", "is_rented"]
    list_select_related = ["address", "owner", "station"]
    search_fields = ["address__text"]
    raw_id_fields = ["owner"]
    autocomplete_fields = ["address"]


@admin.register(Residence)
class ResidenceAdmin(ScopedAdmin):
    list_display = ["person", "housing", "relation", "since", "until"]
    list_select_related = ["person", "housing__address"]
    raw_id_fields = ["person"]
    autocomplete_fields = ["housing"]


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ["name", "kind", "address", "staff_count", "station"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["address", "station"]
    autocomplete_fields = ["address"]
    personal_data_fields = ("contact_phone",)


@admin.register(HotelStay)
class HotelStayAdmin(ScopedAdmin):
    list_display = ["person", "hotel", "room", "checked_in_at", "checked_out_at"]
    list_select_related = ["person", "hotel"]
    raw_id_fields = ["person"]
    show_full_result_count = False


@admin.register(FocusRecord)
class FocusRecordAdmin(ScopedAdmin):
    list_display = ["person", "level", "responsible_officer", "review_on", "station"]
    list_filter = ["level"]
    list_select_related = ["person", "responsible_officer", "station"]
    raw_id_fields = ["person"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ScopedAdmin):
    """Read-only: imports are made, checked and committed on the workbench's pages."""

    list_display = [
        "file_name",
        "status",
        "total_rows",
        "accepted_rows",
        "rejected_count",
        "uploaded_by",
        "created_at",
        "station",
    ]
    list_filter = ["status"]
    list_select_related = ["uploaded_by", "station"]
    exclude = ["file", "rejected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
