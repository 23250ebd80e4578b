"""The patrol's tablet page (works offline: static/patrols/tablet.js queues points and
findings in the browser and sends them to the API when the network is back) and the command
room's live map of the patrols under way (static/patrols/live.js polls the API).

Both pages are shells: the data comes and goes through /api/v1/patrols/ and
/api/v1/patrol-findings/, so the tablet and the map use the API's rules, nothing of their own.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.limits import PLACE_MAX_LENGTH, TEXT_MAX_LENGTH
from apps.core.scoping import CHANGE
from apps.core.views import require_perm
from apps.registry.choices import UnitKind
from apps.registry.models import Unit
from apps.stations.selectors import map_places

from .choices import MODES_WITHOUT_VEHICLE, FindingKind, PatrolMode, PatrolStatus
from .models import Patrol
from .selectors import vehicle_choice_label, vehicles_for_patrol


def _tablet_texts():
    """What tablet.js says, translated here (the script has no catalogue of its own)."""
    return {
        "online": _("Connected to the network"),
        "offline": _("Offline: everything is kept on this tablet"),
        # %(points)s and %(findings)s are filled in by the script.
        "waiting": _("%(points)s points / %(findings)s findings"),
        "never": _("not yet"),
        "noGps": _("No GPS position: allow location for this page."),
        "needsNetwork": _("This needs the network; try again when online."),
        "saved": _("Finding saved; it is sent when the network allows."),
        "sending": _("Sending the finding…"),
        "sent": _("Finding saved at the station."),
        "refusedFinding": _("The server refused the finding:"),
        "textKept": _(
            "Its text is back in the form: choose another photo or correct it, then save again."
        ),
        "refusedListed": _("It is kept below: put it back in the form when this one is saved."),
        "again": _("Put back in the form"),
        "formBusy": _("Save or clear the finding in the form first."),
        "visitSaved": _("Enterprise visit saved; it is sent when the network allows."),
        "broadcastLogged": _("Broadcast logged."),
        "refused": _("The server refused:"),
        "discard": _("Discard"),
        "noStorage": _("This browser cannot keep data offline; keep the tablet online."),
        "here": _("You are here"),
    }


def _enterprises(user, station):
    """The station's registry units an enterprise-protection visit may record, enterprises
    first: rendered into the page, so that the choice works offline like the rest of the
    form (the page is cached by the service worker)."""
    return (
        Unit.objects.restrict(user)
        .filter(station=station)
        .annotate(
            enterprise_first=Case(
                When(kind=UnitKind.ENTERPRISE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("enterprise_first", "name")
        .values_list("pk", "name")
    )


@login_required
def patrol_tablet(request, pk):
    require_perm(request, "patrols.change_patrol")
    patrol = (
        Patrol.objects.restrict(request.user, CHANGE)
        .select_related("station", "post", "vehicle")
        .get_or_404(pk)
    )
    vehicles = []
    if patrol.status == PatrolStatus.PLANNED and patrol.mode not in MODES_WITHOUT_VEHICLE:
        # The start's choice: the post's vehicles first (the API refuses one that is out).
        vehicles = [
            (v.pk, vehicle_choice_label(v))
            for v in vehicles_for_patrol(station=patrol.station_id, post=patrol.post_id)
        ]
    context = {
        "vehicles": vehicles,
        "patrol": patrol,
        "finding_kinds": FindingKind.choices,
        "can_report": request.user.has_perm("patrols.add_finding"),
        "enterprises": _enterprises(request.user, patrol.station),
        "statuses": dict(PatrolStatus.choices),
        "text_max_length": TEXT_MAX_LENGTH,
        "place_max_length": PLACE_MAX_LENGTH,
        "texts": _tablet_texts(),
        # The map: rendered into the page, so that it opens offline like the rest of it.
        "places": map_places(user=request.user, station_id=patrol.station_id),
        "planned": " ".join(str(pk) for pk in patrol.communities.values_list("pk", flat=True)),
    }
    return render(request, "patrols/tablet.html", context)


def tablet_service_worker(request):
    """The tablet page's service worker, served under /patrols/ so that its scope covers the
    tablet pages (a script under /static/ could only control /static/). Code, no data: it
    needs no login, and the browser checks it for updates whoever is logged in."""
    response = render(request, "patrols/tablet-sw.js", content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def live(request):
    require_perm(request, "patrols.view_patrol")
    texts = {
        "modes": dict(PatrolMode.choices),
        "noPosition": _("no position yet"),
        "lastSeen": _("last position at"),
        "detail": reverse("patrols:patrol_detail", args=[0]),
    }
    return render(request, "patrols/live.html", {"texts": texts})
