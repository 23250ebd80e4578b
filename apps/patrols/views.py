"""Pages of patrols: the list, planning a patrol, and a patrol's page with its track's
figures, participants and broadcasts, and the buttons that start (with a vehicle), finish
or cancel it. The map on the patrol's page is filled by the map script from the track API.
And the vehicles: the board of each post's vehicles, a vehicle's page and its form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_filters.views import FilterView

from apps.core.errors import DomainError
from apps.core.pagination import NoCountPaginator
from apps.core.scoping import CHANGE
from apps.core.views import (
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ScopedUpdateView,
    require_perm,
)
from apps.stations.models import Station
from apps.stations.selectors import working_station

from . import selectors, services
from .choices import PatrolStatus
from .filters import PatrolFilter, VehicleFilter
from .findings.services import enterprises_visited, findings_of_patrol
from .forms import ParticipantFormSet, PatrolForm, StartForm, VehicleForm
from .models import Patrol, Vehicle
from .workflow import WORKFLOW


class PatrolList(ScopedListView):
    model = Patrol
    filterset_class = PatrolFilter
    paginator_class = NoCountPaginator
    template_name = "patrols/patrol_list.html"
    create_url_name = "patrols:patrol_create"

    def get_queryset(self):
        return selectors.patrols_for(self.request.user)


def _station(request) -> Station:
    """The station a new patrol belongs to: the user's own, or the one chosen."""
    chosen = request.GET.get("station") or request.POST.get("station")
    station = working_station(request.user, chosen, CHANGE)
    if station is None:
        raise Http404
    return station


@login_required
def patrol_create(request):
    require_perm(request, "patrols.add_patrol")
    station = _station(request)
    data = request.POST if request.method == "POST" else None
    own_post = request.user.post_id if request.user.station_id == station.pk else None
    form = PatrolForm(data, station=station, post=own_post)
    if data is None and request.user.station_id == station.pk:
        form.initial.update(officers=[request.user.pk], post=request.user.post_id)
    participants = ParticipantFormSet(data, prefix="participants")
    if data is not None and form.is_valid() and participants.is_valid():
        rows = [row for row in participants.cleaned_data if row and row.get("name")]
        try:
            patrol = services.patrol_create(
                by=request.user, station=station, participants=rows, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Patrol planned."))
            return redirect(patrol)
    return render(
        request,
        "patrols/patrol_form.html",
        {
            "form": form,
            "participants": participants,
            "station": station,
            "stations": Station.objects.restrict(request.user, CHANGE)
            if not request.user.station_id
            else None,
            "opts": Patrol._meta,
        },
    )


class PatrolDetail(ScopedDetailView):
    model = Patrol
    template_name = "patrols/patrol_detail.html"
    select_related = ("station", "post", "vehicle", "created_by")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("officers", "communities", "covered")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        patrol = self.object
        context["participants"] = patrol.participants.all()
        context["broadcasts"] = patrol.broadcasts.select_related("by")
        context["batches"] = patrol.batches.count()
        if self.request.user.has_perm("patrols.view_finding"):
            context["findings"] = findings_of_patrol(patrol=patrol, user=self.request.user)
            context["enterprises"] = enterprises_visited(patrol=patrol, user=self.request.user)
        can_change = self.request.user.has_perm("patrols.change_patrol")
        context["can_start"] = can_change and WORKFLOW.can(patrol.status, PatrolStatus.ACTIVE)
        if context["can_start"]:
            context["start_form"] = StartForm(patrol=patrol)
        context["can_finish"] = can_change and WORKFLOW.can(patrol.status, PatrolStatus.FINISHED)
        # The tablet page (apps.patrols.tablet): for the officers on the way, and to empty a queue.
        context["can_tablet"] = can_change and not WORKFLOW.is_final(patrol.status)
        context["can_cancel"] = can_change and WORKFLOW.can(patrol.status, PatrolStatus.CANCELLED)
        duration = patrol.duration
        context["duration_minutes"] = (
            None if duration is None else round(duration.total_seconds() / 60)
        )
        return context


# --- vehicles --------------------------------------------------------------------------------


class VehicleBoard(ScopedMixin, FilterView):
    """Each post's vehicles (and the station HQ's): free, or out on which patrol under way,
    and their patrol hours this month; a constant number of queries."""

    model = Vehicle
    filterset_class = VehicleFilter
    template_name = "patrols/vehicle_board.html"

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        filterset.narrow_choices_to_station()
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = selectors.vehicle_board(
            user=self.request.user, vehicles=context["object_list"]
        )
        context["can_add"] = self.request.user.has_perm("patrols.add_vehicle")
        context["can_see_patrols"] = self.request.user.has_perm("patrols.view_patrol")
        return context


class VehicleDetail(ScopedDetailView):
    model = Vehicle
    select_related = ("station", "post")
    fields = ["plate", "kind", "station", "post", "has_loudspeaker", "is_active", "note"]
    update_url_name = "patrols:vehicle_update"


class VehicleCreate(ScopedCreateView):
    model = Vehicle
    form_class = VehicleForm
    cancel_url_name = "patrols:vehicle_board"


class VehicleUpdate(ScopedUpdateView):
    model = Vehicle
    form_class = VehicleForm
