from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers

from ..masking import MASKS
from ..scoping import CHANGE, ScopedQuerySet


class MaskedField(serializers.CharField):
    """A personal-data field that is always masked when read (see core.masking)."""

    def __init__(self, kind: str, **kwargs: Any) -> None:
        self.mask = MASKS[kind]
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return self.mask(value)

    def to_internal_value(self, data: Any) -> str:
        # A client that PUTs back what it read sends the masked value: keep the stored one.
        instance = getattr(self.parent, "instance", None)
        # The field's attribute: DRF sets `source` (to the field's name by default) on bind.
        source: str = self.source  # type: ignore[assignment]
        if instance is not None and data == self.mask(getattr(instance, source, "")):
            raise serializers.SkipField
        return super().to_internal_value(data)


class ScopedRelatedField(serializers.PrimaryKeyRelatedField[models.Model]):
    """A foreign key whose choices are the rows the requesting user may write to (or, with
    `action=VIEW`, may see: a bureau's incident category is referenced, not changed).

    A foreign or out-of-scope id reads as "does not exist", never as "forbidden".
    """

    def __init__(self, *, action: str = CHANGE, **kwargs: Any) -> None:
        self.scope_action = action
        super().__init__(**kwargs)

    def get_queryset(self) -> "models.QuerySet[models.Model] | None":
        queryset = super().get_queryset()
        if not isinstance(queryset, ScopedQuerySet):  # an unscoped model, e.g. auth groups
            return queryset
        return queryset.restrict(self.context["request"].user, self.scope_action)


class ModelSerializer(serializers.ModelSerializer[models.Model]):
    """Runs the model's own clean() so that cross-field rules live in one place (the model)."""

    serializer_related_field = ScopedRelatedField

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        model: type[models.Model] = self.Meta.model
        many_to_many = {f.name for f in model._meta.many_to_many}
        instance = self.instance or model()
        probe = model(
            **{f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields}
        )
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(probe, name, value)
        try:
            probe.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc
        return attrs
