"""Reads of the patrols app: the bureau's rules, the patrol lists and a patrol's track."""

from django.db.models import Prefetch

from apps.accounts.models import User
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
