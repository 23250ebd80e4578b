"""Reads of the patrols app: the bureau's rules, the patrol lists, a patrol's track and the
village a point on the way belongs to."""

from django.db.models import Prefetch

from apps.accounts.models import User
from apps.core.geo import haversine_km_sql
from apps.stations.models import Community

from .models import Patrol, PatrolSettings, TrackPoint


def patrol_settings(bureau) -> PatrolSettings:
    """The bureau's patrol settings, or unsaved defaults when its admin has saved none.
    `bureau` is a Bureau or its id."""
    bureau_id = getattr(bureau, "pk", bureau)
    found = PatrolSettings.objects.filter(bureau_id=bureau_id).first()
    return found or PatrolSettings(bureau_id=bureau_id)


def patrols_for(user, action="view"):
    """The user's patrols with what a list shows, in a fixed number of queries."""
    return (
        Patrol.objects.restrict(user, action)
        .select_related("station", "post")
        .prefetch_related(
            Prefetch("officers", queryset=User.objects.order_by("last_name", "first_name")),
            Prefetch("covered", queryset=Community.objects.only("id", "name")),
            Prefetch("communities", queryset=Community.objects.only("id", "name")),
        )
    )


def track_rows(patrol):
    """The patrol's track in time order as lean rows (lat, lon, time, flag): no model
    instances, no limit (a four-hour patrol at one fix per 5 s is ~3,000 rows)."""
    return (
        TrackPoint.objects.filter(patrol=patrol)
        .order_by("recorded_at", "id")
        .values_list("latitude", "longitude", "recorded_at", "flag")
    )


def community_near(*, station, latitude, longitude) -> Community | None:
    """The station's village / community nearest to the point, if it lies within the
    bureau's coverage radius (the distance at which a patrol counts as having covered a
    village): one query, the distance computed by the database."""
    radius_km = patrol_settings(station.bureau_id).coverage_radius_m / 1000
    return (
        Community.objects.filter(station=station)
        .annotate(distance_km=haversine_km_sql(latitude, longitude, Community._meta.db_table))
        .filter(distance_km__lte=radius_km)
        .order_by("distance_km", "pk")
        .first()
    )
