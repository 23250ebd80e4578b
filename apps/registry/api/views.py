from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from apps.core.api.pagination import TimeCursorPagination
from apps.core.api.viewsets import ScopedModelViewSet
from apps.core.idnumbers import parse_id_number

from .. import filters
from ..models import Address, FocusRecord, HotelStay, Housing, Person, Residence, Unit
from . import serializers

NO_DELETE = ["get", "post", "put", "patch", "head", "options"]


class CheckInCursorPagination(TimeCursorPagination):
    ordering = ("-checked_in_at", "-id")


class AddressViewSet(ScopedModelViewSet):
    http_method_names = NO_DELETE
    queryset = Address.objects.all()
    serializer_class = serializers.AddressSerializer
    filterset_class = filters.AddressFilter


class PersonViewSet(ScopedModelViewSet):
    http_method_names = NO_DELETE
    queryset = Person.objects.all()
    serializer_class = serializers.PersonSerializer
    filterset_class = filters.PersonFilter

    @extend_schema(
        request=serializers.PersonLookupSerializer, responses={200: serializers.PersonSerializer}
    )
    @action(detail=False, methods=["post"])
    def lookup(self, request):
        """Find a person by ID number, sent in the body (never in a URL)."""
        data = serializers.PersonLookupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            number = parse_id_number(data.validated_data["id_number"]).value
        except ValidationError as exc:
            raise DRFValidationError({"id_number": exc.messages}) from exc
        person = self.get_queryset().filter(id_number=number).first()
        if person is None:
            raise NotFound(_("Not found."))
        return Response(self.get_serializer(person).data)


class HousingViewSet(ScopedModelViewSet):
    http_method_names = NO_DELETE
    queryset = Housing.objects.all()
    serializer_class = serializers.HousingSerializer
    filterset_class = filters.HousingFilter


class ResidenceViewSet(ScopedModelViewSet):
    http_method_names = NO_DELETE
    queryset = Residence.objects.all()
    serializer_class = serializers.ResidenceSerializer


class UnitViewSet(ScopedModelViewSet):
    http_method_names = NO_DELETE
    queryset = Unit.objects.all()
    serializer_class = serializers.UnitSerializer
    filterset_class = filters.UnitFilter


class HotelStayViewSet(ScopedModelViewSet):
    http_method_names = NO_DELETE
    queryset = HotelStay.objects.all()
    serializer_class = serializers.HotelStaySerializer
    filterset_class = filters.HotelStayFilter
    pagination_class = CheckInCursorPagination


class FocusRecordViewSet(ScopedModelViewSet):
    http_method_names = NO_DELETE
    queryset = FocusRecord.objects.all()
    serializer_class = serializers.FocusRecordSerializer
