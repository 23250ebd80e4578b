"""The noise page: live levels against the limit, open events (refreshed by htmx,
settings.LIVE_REFRESH_SECONDS) and the day's curve per sensor; an event's page; and the
one-click conversion of an event that qualifies for an incident (selectors.incident_grounds)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.timefmt import when
from apps.core.views import ScopedDetailView, require_perm

from . import selectors
from .models import NoiseEvent


def _may_convert(user) -> bool:
    return user.has_perm("noise.change_noiseevent") and user.has_perm("cases.add_incident")


def _sensor_map(sensors, events):
    """What the page's map draws (static/noise/map.js): each sensor at its place, with its
    level and, when it has one, its open event (the marker turns red)."""
    open_by_sensor = {event.sensor_id: event for event in events}
    rows = []
    for sensor in sensors:
        event = open_by_sensor.get(sensor.pk)
        lines = [sensor.name]
        if sensor.latest_db is not None:
            lines.append(_("Level %(level)s dB(A)") % {"level": f"{sensor.latest_db:.1f}"})
        if event:
            lines.append(
                _(
                    "Over the limit since %(time)s, LAeq %(laeq)s dB(A), Lmax %(peak)s dB(A), "
                    "limit %(limit)s dB(A)"
                )
                % {
                    "time": when(event.opened_at, "time"),
                    "laeq": event.laeq if event.laeq is not None else "—",
                    "peak": event.peak,
                    "limit": event.limit,
                }
            )
        rows.append(
            {
                "id": sensor.pk,
                "lat": float(sensor.latitude),
                "lon": float(sensor.longitude),
                "event": event.pk if event else None,
                "over": bool(sensor.is_over),
                "popup": lines,
            }
        )
    return rows


@login_required
def dashboard(request):
    require_perm(request, "noise.view_noisesensor")
    sensors = selectors.sensors_live(user=request.user)
    events = selectors.open_events(user=request.user)
    context = {
        "sensors": sensors,
        "events": events,
        "sensor_map": _sensor_map(sensors, events),
        "refreshed_at": timezone.now(),
        "can_convert": _may_convert(request.user),
    }
    if request.htmx:
        return render(request, "noise/_live.html", context)
    context["past_week"] = selectors.past_week_events(user=request.user)
    curves = selectors.day_curves(sensors=sensors)
    context["curves"] = []
    for sensor in sensors:
        curve = curves.get(sensor.pk, {"labels": [], "values": [], "limits": [], "hours": []})
        # Element ids of the json_script data each chart reads.
        curve["ids"] = {
            part: f"curve-{part}-{sensor.pk}" for part in ("labels", "values", "limits")
        }
        context["curves"].append((sensor, curve))
    return render(request, "noise/dashboard.html", context)


class EventDetail(ScopedDetailView):
    """An event, open or closed: how long it lasted, its repeats at the sensor in the week,
    why it may (or may not yet) become an incident, and the button when it may."""

    model = NoiseEvent
    template_name = "noise/event_detail.html"
    select_related = ("sensor__station", "sensor__community", "incident")

    def get_queryset(self):
        return selectors.with_repeats(super().get_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        config = selectors.noise_settings(event.sensor.station.bureau_id)
        context["rules"] = config
        context["grounds"] = selectors.incident_grounds(event, config)
        context["lasted_minutes"] = int(selectors.lasted(event).total_seconds() // 60)
        context["can_convert"] = _may_convert(self.request.user) and not event.incident_id
        return context
