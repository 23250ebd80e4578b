"""Hand-made DailyFact rows for the statistics pages' tests."""

from datetime import date

from apps.stats.models import DailyFact


def fact(unit, day, metric, value, dimension="", *, station=None, bureau=None):
    """A row of the store for a Station, Post or Bureau instance."""
    from apps.stations.models import Bureau, Post, Station

    if isinstance(unit, Post):
        kind, station, bureau = "post", unit.station, unit.station.bureau
    elif isinstance(unit, Station):
        kind, station, bureau = "station", unit, unit.bureau
    else:
        assert isinstance(unit, Bureau)
        kind, station, bureau = "bureau", None, unit
    return DailyFact.objects.create(
        day=day if isinstance(day, date) else date.fromisoformat(day),
        unit_kind=kind,
        unit_id=unit.pk,
        bureau=bureau,
        station=station,
        metric=metric,
        dimension=dimension,
        value=value,
    )
