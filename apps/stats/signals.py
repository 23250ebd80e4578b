"""Dirty days (apps.stats.models.DirtyDay): what the nightly run's watermarks cannot see.
For every source of the computation (compute.SOURCES), a deleted record marks its days,
a record whose day field moves, or that moves to another bureau, marks the days it left
and the days it came to, and a change of one of its many-to-many relations (a patrol's
villages) marks its days. The marks are written in the same transaction as the change.

Not seen (as by any signal): QuerySet.update() and bulk writes; recompute the range
for those (manage.py stats_recompute)."""

from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from . import compute

_STATE = "_stats_before"  # the record's stored days and bureau, between pre_ and post_save


def _hop(source) -> str:
    """The record's own column on the way to its bureau (station_id, sensor_id)."""
    return source.model._meta.get_field(source.bureau.split("__")[0]).attname


def _stored(source, pks) -> list[dict]:
    fields = (_hop(source), source.bureau, *source.days)
    return list(source.model._base_manager.filter(pk__in=pks).values(*fields))


def _days(source, values) -> set:
    return {compute.local_day(values[field]) for field in source.days} - {None}


def _mark_stored(source, pks) -> None:
    for row in _stored(source, pks):
        compute.dirty_mark(row[source.bureau], _days(source, row))


def _before_save(sender, instance, raw=False, update_fields=None, source=None, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None:
        watched = set(source.days) | {_hop(source), source.bureau.split("__")[0]}
        if not watched & set(update_fields):
            return
    stored = _stored(source, [instance.pk])
    if stored:
        setattr(instance, _STATE, stored[0])


def _after_save(sender, instance, raw=False, source=None, **kwargs):
    before = instance.__dict__.pop(_STATE, None)
    if before is None:
        return
    old = _days(source, before)
    new = {compute.local_day(getattr(instance, field)) for field in source.days} - {None}
    if getattr(instance, _hop(source)) == before[_hop(source)]:
        compute.dirty_mark(before[source.bureau], old ^ new)
    else:
        compute.dirty_mark(before[source.bureau], old)
        _mark_stored(source, [instance.pk])


def _before_delete(sender, instance, source=None, **kwargs):
    _mark_stored(source, [instance.pk])


def _relation_changed(sender, instance, action, reverse, pk_set, source=None, field=None, **kw):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        records = [instance.pk]
    elif action == "pre_clear":
        records = sender.objects.filter(**{field.m2m_reverse_field_name(): instance.pk})
        records = list(records.values_list(field.m2m_field_name(), flat=True))
    else:
        records = list(pk_set or ())
    if records:
        _mark_stored(source, records)


def _bind(receiver, **bound):
    def handler(*args, **kwargs):
        return receiver(*args, **kwargs, **bound)

    return handler


def connect() -> None:
    for source in compute.SOURCES:
        uid = f"stats-dirty-{source.name}"
        for signal, receiver in (
            (pre_save, _before_save),
            (post_save, _after_save),
            (pre_delete, _before_delete),
        ):
            signal.connect(
                _bind(receiver, source=source), sender=source.model, weak=False, dispatch_uid=uid
            )
        for name in source.relations:
            field = source.model._meta.get_field(name)
            m2m_changed.connect(
                _bind(_relation_changed, source=source, field=field),
                sender=field.remote_field.through,
                weak=False,
                dispatch_uid=uid,
            )
