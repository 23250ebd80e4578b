"""The lean read path of the API's lists (issue 21, item 4).

A list page through DRF builds a model instance per row and asks every serializer field of
every row for its attribute: at 50 rows and 30 fields that is most of the request, more
than the query itself. Here a list reads the same columns with `values()` and turns each
into JSON with the serializer's own field (`to_representation`, so masking, time zones and
decimals stay where they are written), skipping the fields whose JSON is the stored value.
A many-to-many of ids costs one query on its through table, as the prefetch did.

The plan is made once per serializer class from its fields. A serializer that does more
than map model columns (a method field, a nested serializer, a property, its own
`to_representation`) gets no plan and lists through DRF as before.
`tests/api/test_lean_lists.py` compares both paths on every API list.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.utils import timezone
from rest_framework import ISO_8601, fields, relations, serializers
from rest_framework.settings import api_settings

from .serializers import MaskedField

# Serializer fields whose JSON is the value the database gives for a matching model field.
_STORED_AS_JSON: dict[type[Any], tuple[type[Any], ...]] = {
    fields.CharField: (models.CharField, models.TextField),
    fields.IntegerField: (models.IntegerField, models.AutoField),
    fields.BooleanField: (models.BooleanField,),
    fields.ChoiceField: (models.Field,),
    fields.JSONField: (models.JSONField,),
}
# Fields whose own to_representation is asked for each value (it reads no context).
_CONVERTED = (
    MaskedField,
    fields.DateTimeField,
    fields.DateField,
    fields.TimeField,
    fields.DecimalField,
    fields.FloatField,
    fields.UUIDField,
    fields.EmailField,
    fields.CharField,
    fields.IntegerField,
)


def local_time(value: Any, zone: Any) -> str:
    """DRF's ISO 8601 of an aware time in the request's zone (DateTimeField), with the zone
    looked up once per page rather than once per value."""
    text: str = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@dataclass(frozen=True)
class _Column:
    name: str  # the output key
    column: str  # the values() path
    convert: Callable[[Any], Any] | None  # None: the stored value as it is
    local_time: bool = False  # a time, in the request's zone (local_time)


@dataclass(frozen=True)
class _ManyIds:
    name: str
    through: type[models.Model]
    source: str  # the through model's field naming the listed row
    target: str  # … and the related row


@dataclass(frozen=True)
class LeanList:
    columns: tuple[_Column, ...]
    many: tuple[_ManyIds, ...]
    names: tuple[str, ...]  # output keys in the serializer's order

    def rows(self, queryset: models.QuerySet[Any], ordering: Iterable[str] = ()) -> Any:
        """The queryset's rows as values(), with what the pagination orders by."""
        paths = {c.column for c in self.columns} | {"pk"}
        paths |= {name.lstrip("-") for name in ordering}
        return queryset.prefetch_related(None).values(*paths)

    def render(self, rows: Iterable[dict[str, Any]], using: str) -> list[dict[str, Any]]:
        rows = list(rows)
        pks = [row["pk"] for row in rows]
        many = {m.name: self._ids(m, pks, using) for m in self.many}
        zone = timezone.get_current_timezone()
        out = []
        for row in rows:
            item: dict[str, Any] = {}
            for column in self.columns:
                value, convert = row[column.column], column.convert
                if value is None:
                    item[column.name] = None
                elif column.local_time:
                    item[column.name] = local_time(value, zone)
                else:
                    item[column.name] = value if convert is None else convert(value)
            for name, ids in many.items():
                item[name] = ids.get(row["pk"], [])
            out.append({name: item[name] for name in self.names})
        return out

    @staticmethod
    def _ids(many: _ManyIds, pks: list[Any], using: str) -> dict[Any, list[Any]]:
        """The related ids of a page's rows, in the order they were added. Plain SQL: the
        ORM's compiling of this one fixed query cost more than running it."""
        found: dict[Any, list[Any]] = defaultdict(list)
        if not pks:
            return found
        meta: Any = many.through._meta
        quote = connections[using].ops.quote_name
        source = quote(meta.get_field(many.source).column)
        target = quote(meta.get_field(many.target).column)
        marks = ", ".join(["%s"] * len(pks))
        sql = (
            f"SELECT {source}, {target} FROM {quote(meta.db_table)} "
            f"WHERE {source} IN ({marks}) ORDER BY {quote(meta.pk.column)}"
        )
        with connections[using].cursor() as cursor:
            cursor.execute(sql, pks)
            for pk, related in cursor.fetchall():
                found[pk].append(related)
        return found


def _model_field(model: type[models.Model], path: list[str]) -> Any:
    """The concrete model field at the end of a dotted source through foreign keys, or the
    output field of a transform the database computes (`birth_date.year`)."""
    field: Any = None
    for index, part in enumerate(path):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if index == len(path) - 2 and not field.is_relation:
            transform = field.get_transform(path[-1])
            return transform(models.F(part)).output_field if transform else None
        if not getattr(field, "concrete", False) or field.many_to_many:
            return None
        if index < len(path) - 1:
            if not (field.many_to_one or field.one_to_one):
                return None
            model = field.related_model
    return field


def _converter(field: Any, model_field: Any) -> Callable[[Any], Any] | None:
    for kind, stored in _STORED_AS_JSON.items():
        if type(field) is kind and isinstance(model_field, stored):
            return None
    if isinstance(field, _CONVERTED):
        return field.to_representation
    raise LookupError(field)


def _is_local_time(field: Any) -> bool:
    """A DateTimeField as DRF writes it by default: ISO 8601 in the request's zone."""
    iso = getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601
    return type(field) is fields.DateTimeField and iso and not hasattr(field, "timezone")


def _many_ids(model: type[models.Model], name: str, field: Any) -> _ManyIds:
    if not isinstance(field.child_relation, relations.PrimaryKeyRelatedField):
        raise LookupError(field)
    if field.child_relation.pk_field is not None:
        raise LookupError(field)
    m2m: Any = model._meta.get_field(field.source)
    if not m2m.many_to_many or not m2m.concrete:
        raise LookupError(field)
    through = m2m.remote_field.through
    return _ManyIds(name, through, m2m.m2m_field_name(), m2m.m2m_reverse_field_name())


def _column(model: type[models.Model], name: str, field: Any) -> _Column:
    path = str(field.source).split(".")
    model_field = _model_field(model, path)
    if model_field is None:
        raise LookupError(field)
    column = "__".join(path)
    if isinstance(field, relations.PrimaryKeyRelatedField):
        if field.pk_field is not None or not model_field.is_relation:
            raise LookupError(field)
        return _Column(name, column, None)  # values() gives the foreign key's id
    if model_field.is_relation:
        raise LookupError(field)
    if _is_local_time(field):
        return _Column(name, column, None, local_time=True)
    return _Column(name, column, _converter(field, model_field))


_PLANS: dict[type[Any], LeanList | None] = {}


def lean_list(serializer_class: type[Any]) -> LeanList | None:
    """The plan for listing through `serializer_class` (made once per class), or None when
    it needs DRF."""
    if serializer_class not in _PLANS:
        _PLANS[serializer_class] = _plan(serializer_class)
    return _PLANS[serializer_class]


def _plan(serializer_class: type[Any]) -> LeanList | None:
    if not issubclass(serializer_class, serializers.ModelSerializer):
        return None
    own = ("to_representation", "get_fields", "__init__", "data")
    if any(
        getattr(serializer_class, name) is not getattr(serializers.ModelSerializer, name)
        for name in own
    ):
        return None
    model = serializer_class.Meta.model
    readable = [
        (name, field) for name, field in serializer_class().fields.items() if not field.write_only
    ]
    columns, many = [], []
    try:
        for name, field in readable:
            if isinstance(field, relations.ManyRelatedField):
                many.append(_many_ids(model, name, field))
            elif isinstance(field, serializers.BaseSerializer) or field.source == "*":
                return None
            else:
                columns.append(_column(model, name, field))
    except LookupError:
        return None
    return LeanList(tuple(columns), tuple(many), tuple(name for name, _ in readable))
