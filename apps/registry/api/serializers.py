from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.serializers import MaskedField, ModelSerializer

from .. import hub
from ..models import (
    Address,
    FocusRecord,
    HotelStay,
    Housing,
    Person,
    Residence,
    SavedQuery,
    Unit,
)
from ..selectors import id_number_taken


class AddressSerializer(ModelSerializer):
    class Meta:
        model = Address
        fields = [
            "id",
            "station",
            "community",
            "road",
            "number",
            "building",
            "unit",
            "room",
            "text",
            "latitude",
            "longitude",
        ]
        read_only_fields = ["text"]


class PersonSerializer(ModelSerializer):
    """ID number and phone are written in full and always read masked; the date of birth,
    the middle of the ID number, is written in full and read as its year only (the full
    values come with the page's logged reveal)."""

    id_number = MaskedField("id_number", max_length=18)
    phone = MaskedField("phone", max_length=20, required=False, allow_blank=True)
    # The year only, read from the date in the database (the list's lean path reads it too).
    birth_year = serializers.IntegerField(source="birth_date.year", read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "station",
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "birth_year",
            "id_number",
            "domicile_province",
            "phone",
            "domicile_address",
            "category",
        ]
        read_only_fields = ["domicile_province"]
        # Left out, they are taken from the ID number (Person.derive).
        extra_kwargs = {
            "gender": {"required": False},
            "birth_date": {"required": False, "write_only": True},
        }

    def validate_id_number(self, value):
        if self.instance is not None:
            if value != self.instance.id_number:
                raise serializers.ValidationError(_("An ID number cannot be changed."))
            return value
        request = self.context["request"]
        taken = id_number_taken(number=value, user=request.user, request=request, link=False)
        if taken:
            raise serializers.ValidationError(taken, code="registered")
        return value.strip().upper()


class PersonLookupSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=18, label=_("ID number"))


class HousingSerializer(ModelSerializer):
    class Meta:
        model = Housing
        fields = ["id", "station", "address", "kind", "owner", "is_rented"]


class ResidenceSerializer(ModelSerializer):
    class Meta:
        model = Residence
        fields = ["id", "station", "person", "housing", "relation", "since", "until"]


class UnitSerializer(ModelSerializer):
    contact_phone = MaskedField("phone", max_length=20, required=False, allow_blank=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "station",
            "name",
            "kind",
            "address",
            "contact_name",
            "contact_phone",
            "staff_count",
        ]


class HotelStaySerializer(ModelSerializer):
    class Meta:
        model = HotelStay
        fields = ["id", "station", "person", "hotel", "room", "checked_in_at", "checked_out_at"]


class FocusRecordSerializer(ModelSerializer):
    class Meta:
        model = FocusRecord
        fields = ["id", "station", "person", "reason", "level", "responsible_officer", "review_on"]


class SavedQuerySerializer(serializers.ModelSerializer):
    class Meta:
        model = SavedQuery
        fields = ["id", "name", "params", "station", "owner", "created_at"]
        read_only_fields = ["station", "owner", "created_at"]


class CollisionSetSerializer(serializers.Serializer):
    KINDS = ["hotel_stays", "saved_query", "focus", "list"]

    kind = serializers.ChoiceField(choices=KINDS)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    hotel = serializers.IntegerField(required=False)
    saved_query = serializers.IntegerField(required=False)
    numbers = serializers.CharField(
        required=False,
        max_length=hub.NUMBERS_MAX_LENGTH,
        help_text=_("ID or phone numbers, any separators"),
    )


class CollisionSerializer(serializers.Serializer):
    left = CollisionSetSerializer()
    right = CollisionSetSerializer()


class CollisionResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    truncated = serializers.BooleanField()
    results = PersonSerializer(many=True)


class ComparisonQuerySerializer(serializers.Serializer):
    measure = serializers.ChoiceField(choices=list(hub.MEASURES))
    first_start = serializers.DateField()
    first_end = serializers.DateField()
    second_start = serializers.DateField()
    second_end = serializers.DateField()


class ComparisonResultSerializer(serializers.Serializer):
    measure = serializers.CharField()
    label = serializers.CharField()
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    change = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class ClassificationRowSerializer(serializers.Serializer):
    label = serializers.CharField(allow_null=True)
    count = serializers.IntegerField()
