from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from apps.core.api.pagination import TimeCursorPagination, UncountedPageNumberPagination
from apps.core.api.permissions import ActionPermissions
from apps.core.api.viewsets import ScopedModelViewSet
from apps.core.idnumbers import parse_id_number
from apps.core.services import personal_data_lookup

from .. import filters, hub
from ..filters import PersonFilter
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
from ..services import saved_query_create, saved_query_delete
from . import serializers

NO_DELETE = ["get", "post", "put", "patch", "head", "options"]


class HubPermission(permissions.IsAuthenticated):
    """The hub is for those whose role reads the population registry."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.has_perm(
            "registry.view_person"
        )


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
    pagination_class = UncountedPageNumberPagination
    permission_classes = [ActionPermissions]
    # The lookup is a read, posted only to keep the ID number out of the URL.
    action_permissions = {"lookup": ["registry.view_person"]}

    def perform_create(self, serializer):
        try:
            super().perform_create(serializer)
        except IntegrityError:
            # Registered by someone else since the serializer's check (two desks at once):
            # the same answer as that check, which names no station out of scope.
            number = serializer.validated_data.get("id_number", "")
            taken = id_number_taken(
                number=number, user=self.request.user, request=self.request, link=False
            )
            if not taken:
                raise
            raise DRFValidationError({"id_number": [taken]}, code="registered") from None

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
        personal_data_lookup(by=request.user, objects=[person], field="id_number", request=request)
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


class SavedQueryViewSet(ScopedModelViewSet):
    """Named sieves: the caller's own and their station's."""

    http_method_names = ["get", "post", "delete", "head", "options"]
    queryset = SavedQuery.objects.all()
    serializer_class = serializers.SavedQuerySerializer
    permission_classes = [HubPermission]

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        query = saved_query_create(
            by=request.user, name=data.validated_data["name"], params=data.validated_data["params"]
        )
        return Response(self.get_serializer(query).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        saved_query_delete(query=instance, by=self.request.user)


class HubViewSet(viewsets.ViewSet):
    """The hub's collision, comparison and classification."""

    permission_classes = [HubPermission]

    def _set(self, spec: dict):
        user = self.request.user
        kind = spec["kind"]
        if kind == "hotel_stays":
            if not (spec.get("start") and spec.get("end")):
                raise DRFValidationError({"start": [_("Give the period of the hotel stays.")]})
            hotel = None
            if spec.get("hotel"):
                hotel = Unit.objects.restrict(user).filter(pk=spec["hotel"]).first()
                if hotel is None:
                    raise NotFound(_("Not found."))
            return hub.hotel_guests(user=user, start=spec["start"], end=spec["end"], hotel=hotel)
        if kind == "saved_query":
            query = SavedQuery.objects.restrict(user).filter(pk=spec.get("saved_query")).first()
            if query is None:
                raise NotFound(_("Not found."))
            return hub.persons_of_query(user=user, params=query.params)
        if kind == "focus":
            return hub.focus_persons(user=user)
        return hub.listed_persons(user=user, text=spec.get("numbers", ""))

    @extend_schema(
        request=serializers.CollisionSerializer,
        responses={200: serializers.CollisionResultSerializer},
    )
    @action(detail=False, methods=["post"])
    def collision(self, request):
        data = serializers.CollisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        matches = hub.collide(
            self._set(data.validated_data["left"]), self._set(data.validated_data["right"])
        )
        limit = 1000
        page = list(matches[: limit + 1])
        body = {"count": len(page[:limit]), "truncated": len(page) > limit, "results": page[:limit]}
        return Response(serializers.CollisionResultSerializer(body).data)

    @extend_schema(
        parameters=[serializers.ComparisonQuerySerializer],
        responses={200: serializers.ComparisonResultSerializer},
    )
    @action(detail=False, methods=["get"])
    def comparison(self, request):
        data = serializers.ComparisonQuerySerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        result = hub.compare(
            user=request.user,
            measure=values["measure"],
            first=(values["first_start"], values["first_end"]),
            second=(values["second_start"], values["second_end"]),
        )
        return Response(serializers.ComparisonResultSerializer(result).data)

    @extend_schema(
        parameters=[OpenApiParameter("by", str, enum=list(hub.GROUPINGS), required=True)],
        responses={200: serializers.ClassificationRowSerializer(many=True)},
    )
    @action(detail=False, methods=["get"])
    def classification(self, request):
        by = request.query_params.get("by")
        if by not in hub.GROUPINGS:
            raise DRFValidationError({"by": [_("Choose how to group.")]})
        sieve = PersonFilter(
            request.query_params, queryset=Person.objects.restrict(request.user), request=request
        )
        if not sieve.is_valid():
            raise DRFValidationError(sieve.errors)
        rows = [{"label": label, "count": n} for label, n in hub.classify(sieve.qs, by)]
        return Response(serializers.ClassificationRowSerializer(rows, many=True).data)
