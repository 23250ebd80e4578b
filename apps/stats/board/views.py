"""The command room's wall screen (可视化指挥): a full-screen page with no menu, whose script
(static/stats/board.js) reads /api/v1/board/ every few seconds and redraws the map, the
counters and the lists in place; when a read fails it keeps the last picture, says the
connection is lost and tries again until it is back."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.cases.choices import IncidentStatus
from apps.core.replicas import reads_replica
from apps.core.views import require_perm

from ..api.board import BOARD_PERMISSION
from .selectors import AWAITING_ARRIVAL, LATE_AFTER, OPEN_STATUSES, STATUS_COLORS, WAITING_AFTER


def _texts():
    """What board.js says, translated here (the script has no catalogue of its own)."""
    return {
        "lost": _("Connection lost, retrying…"),
        "minutes": _("min"),
        # The map's label of an incident: its category and age (打架斗殴 · 12分钟).
        "age": _("%(minutes)s min"),
        "none": _("None."),
        "noPosition": _("no position yet"),
        "level": _("now"),
        "peak": _("peak"),
        "limit": _("limit"),
        "since": _("since"),
        "bands": {
            "new": _("new"),
            "waiting": _("waiting over %(minutes)s min") % {"minutes": WAITING_AFTER},
            "late": _("late: over %(minutes)s min") % {"minutes": LATE_AFTER},
            "on_scene": _("on the scene"),
        },
    }


@reads_replica
@login_required
def board(request):
    require_perm(request, BOARD_PERMISSION)
    statuses = [
        {
            "value": status.value,
            "label": IncidentStatus(status).label,
            "color": STATUS_COLORS[status],
            "awaiting": status in AWAITING_ARRIVAL,
        }
        for status in OPEN_STATUSES
    ]
    context = {
        "statuses": statuses,
        "show_patrols": request.user.has_perm("patrols.view_patrol"),
        "show_noise": request.user.has_perm("noise.view_noiseevent"),
        "texts": _texts(),
    }
    return render(request, "stats/board.html", context)
