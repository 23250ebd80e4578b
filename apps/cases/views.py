"""Pages of the incidents and cases app: thin views around services and selectors.

The desk takes calls (intake with a live suggestion panel), the command room watches the
board, the dispatched officer works from the tablet job view, the case team keeps cases,
and the roster says who is on duty. The steps posted on one incident or case (dispatch,
take, status, close, transitions, extensions, ...) are declared in actions.py and served by
apps.core.actions, not here.
"""

import uuid
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.masking import mask_phone
from apps.core.pagination import NoCountPaginator
from apps.core.replicas import reads_replica
from apps.core.uploads import private_file_response
from apps.core.views import (
    RevealPersonalDataView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
    require_perm,
)
from apps.places.matcher import match_place
from apps.stations.models import Community, Post, Station
from apps.stations.selectors import map_places, working_station

from . import selectors, services
from .choices import CaseStatus, IncidentStatus
from .filters import CaseFilter, DutyShiftFilter, IncidentFilter
from .forms import (
    CaseForm,
    CaseTransitionForm,
    CloseForm,
    DutyShiftForm,
    EvidenceForm,
    ExtensionDecisionForm,
    ExtensionForm,
    IncidentIntakeForm,
    InjuryGradeForm,
    PartyForm,
    ReconsiderationDecisionForm,
    ReconsiderationForm,
    RosterPatternForm,
    SuspensionEndForm,
    SuspensionForm,
    UploadForm,
)
from .law import public_security_rule
from .models import Case, CaseEvidence, DutyShift, Incident, IncidentAttachment, IncomingCall
from .pdf import not_filed_notice_pdf
from .workflow import CASE_WORKFLOWS


def _incident(request, pk) -> Incident:
    incident = (
        Incident.objects.restrict(request.user)
        .select_related("station", "post", "category", "community", "received_by")
        .get_or_404(pk)
    )
    return incident


def _case(request, pk) -> Case:
    case = (
        Case.objects.restrict(request.user)
        .select_related("station", "lead_officer", "category")
        .get_or_404(pk)
    )
    return case


def _user_station(request) -> Station:
    """The station a page works on: the user's own, or the one chosen (bureau admins)."""
    chosen = request.GET.get("station") or request.POST.get("station")
    station = working_station(request.user, chosen)
    if station is None:
        raise Http404
    return station


# --- incidents -----------------------------------------------------------------------------


class IncidentList(ScopedListView):
    model = Incident
    filterset_class = IncidentFilter
    paginator_class = NoCountPaginator
    select_related = ("category", "post", "community")
    columns = [
        ("number", gettext_lazy("Number")),
        ("received_at", gettext_lazy("Received at")),
        ("category.name", gettext_lazy("Incident category")),
        ("place_text", gettext_lazy("Place")),
        ("status", gettext_lazy("Status")),
        ("post", gettext_lazy("Post")),
        ("caller_phone", gettext_lazy("Caller's phone"), "phone"),
        ("disposition", gettext_lazy("Disposition")),
    ]
    create_url_name = "cases:incident_create"
    live_topic = "incident"


@login_required
def incident_create(request):
    """The desk's intake form with the suggestion panel beside it."""
    require_perm(request, "cases.add_incident")
    station = _user_station(request)
    categories = selectors.categories_for(user=request.user, bureau_id=station.bureau_id)
    call = _ringing(request)
    form = IncidentIntakeForm(
        request.POST or None,
        initial={"call": call},
        user=request.user,
        categories=categories,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident, _created = services.incident_report(by=request.user, station=station, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            post = _dispatch_suggested(request, incident)
            if post is None:
                done = _("Incident %(number)s recorded.") % {"number": incident}
            else:
                done = _("Incident %(number)s recorded and sent to %(post)s.") % {
                    "number": incident,
                    "post": post,
                }
            messages.success(request, done)
            return redirect(incident)
    # The map beside the form (static/js/placemap.js): the station's posts and villages.
    places = map_places(user=request.user, station_id=station.pk)
    context = {"form": form, "station": station, "places": places, "opts": Incident._meta}
    if call is not None:  # the panel opens with what is known of the caller
        context |= {"call": call, **_caller_context(request, station, call.phone)}
    return render(request, "cases/incident_intake.html", context)


def _ringing(request) -> IncomingCall | None:
    """The call the telephone system reported at this desk that the page was opened for
    (?call=, or the form's hidden field), marked opened."""
    chosen = request.GET.get("call") or request.POST.get("call") or ""
    if not chosen.isdigit():
        return None
    call = IncomingCall.objects.restrict(request.user).filter(desk=request.user).get_or_404(chosen)
    return services.call_open(by=request.user, call=call)


def _caller_context(request, station, phone: str) -> dict:
    return {"history": selectors.caller_history(user=request.user, station=station, phone=phone)}


def _dispatch_suggested(request, incident) -> Post | None:
    """登记并派警: the desk accepted the suggested post beside the form, so the recorded call
    goes to it at once; returns the post sent. The call stays recorded if the dispatch is
    refused (the place was changed after the suggestion, the post closed): the incident
    page says why and offers the posts again."""
    chosen = request.POST.get("dispatch_post", "")
    if not chosen.isdigit():
        return None
    post = Post.objects.restrict(request.user).filter(pk=chosen).first()
    try:
        if post is None:
            raise DomainError(_("The suggested post was not found."))
        services.incident_dispatch(incident=incident, post=post, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    return post


def _place_from_request(request, station):
    """Coordinates for the suggestion panel: typed or picked by the desk, else the village
    chosen, else the place recognised in the words (apps.places), which the page then fills
    into the form for the desk to confirm or move. Values the page filled from an earlier
    recognition (place_source=match) give way to the words as they are now."""
    matched = request.POST.get("place_source") == "match"
    lat, lon = request.POST.get("latitude"), request.POST.get("longitude")
    try:
        if lat and lon and not matched:
            return float(lat), float(lon), None, None
    except ValueError:
        pass
    communities = Community.objects.restrict(request.user).filter(station=station)
    chosen = request.POST.get("community")
    if chosen and chosen.isdigit() and not matched:
        community = communities.filter(pk=chosen).first()
        if community:
            return float(community.latitude), float(community.longitude), community, None
    for words in (request.POST.get("place_text", ""), request.POST.get("description", "")):
        match = match_place(station=station, text=words) if words.strip() else None
        if match is not None:
            community = communities.filter(pk=match.community_id).first()
            return match.latitude, match.longitude, community, match
    return None, None, None, None


@login_required
@require_POST
def incident_suggest(request):
    """htmx: the nearest posts for the place being typed or picked, and the caller's
    history for the phone being typed. A POST: the caller's phone must not stand in a URL,
    which access logs and browser histories keep."""
    require_perm(request, "cases.add_incident")
    station = _user_station(request)
    lat, lon, community, match = _place_from_request(request, station)
    context = {"station": station, "community": community, "match": match}
    if lat is not None:
        from apps.core.geo import in_china

        if in_china(lat, lon):
            context["ranking"] = selectors.rank_posts(
                station=station, latitude=lat, longitude=lon, user=request.user
            )
        else:
            context["place_error"] = _(
                "The coordinates are outside China. Check latitude and longitude."
            )
    phone = "".join(request.POST.get("caller_phone", "").split())
    call = _ringing(request)
    if call is not None and not phone:
        phone = call.phone
    if len(phone) >= 7:
        context |= _caller_context(request, station, phone)
    return render(request, "cases/_suggestions.html", context)


@login_required
def ringing(request):
    """Polled by a desk officer's pages (static/js/ringing.js): the intake form to open for
    a call ringing at their desk, or 204. The number stays on the server."""
    call = selectors.ringing_call(request.user)
    if call is None:
        return HttpResponse(status=204)
    url = f"{reverse('cases:incident_create')}?call={call.pk}"
    return JsonResponse({"url": url, "masked": mask_phone(call.phone)})


class CallReveal(RevealPersonalDataView):
    """The number of a call that rang at a desk, in full; logged."""

    model = IncomingCall
    fields = ("phone",)


class IncidentDetail(ScopedDetailView):
    model = Incident
    template_name = "cases/incident_detail.html"
    select_related = ("station", "post", "category", "community", "received_by", "case")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident = self.object
        user = self.request.user
        context["events"] = incident.events.select_related("by")
        context["attachments"] = incident.attachments.all()
        context["officers"] = incident.officers.all()
        can_change = user.has_perm("cases.change_incident")
        context["can_change"] = can_change
        if incident.status == IncidentStatus.ASSIGNED:
            context["takers"] = selectors.post_takers(post=incident.post)
        placed = incident.latitude is not None
        if can_change and incident.status == IncidentStatus.RECEIVED and placed:
            context["ranking"] = selectors.rank_posts(
                station=incident.station,
                latitude=incident.latitude,
                longitude=incident.longitude,
                user=user,
            )
        if can_change and incident.status in (
            IncidentStatus.RECEIVED,
            IncidentStatus.ASSIGNED,
            IncidentStatus.HANDLED,
        ):
            context["close_form"] = CloseForm()
        # One id per rendering: a double click on "Dispatch" acts once.
        context["client_id"] = uuid.uuid4()
        return context


@login_required
def attachment_file(request, pk):
    require_perm(request, "cases.view_incident")
    attachment = IncidentAttachment.objects.restrict(request.user).get_or_404(pk)
    return private_file_response(
        attachment.file.name,
        content_type=attachment.content_type,
        download_name=attachment.file_name,
    )


@reads_replica
@login_required
def board(request):
    """The command room's board: open incidents by status; htmx refreshes it
    (settings.LIVE_REFRESH_SECONDS)."""
    require_perm(request, "cases.view_incident")
    columns = selectors.board(user=request.user)
    context = {
        "columns": [(IncidentStatus(status).label, rows) for status, rows in columns.items()],
        "refreshed_at": timezone.now(),
    }
    template = "cases/_board.html" if request.htmx else "cases/board.html"
    return render(request, template, context)


@login_required
def jobs(request):
    """The dispatched officer's jobs on the tablet."""
    require_perm(request, "cases.view_incident")
    return render(request, "cases/jobs.html", {"jobs": selectors.my_jobs(user=request.user)})


@login_required
def job_detail(request, pk):
    """One job on the tablet: big buttons for the field reports and the checklist."""
    require_perm(request, "cases.view_incident")
    incident = _incident(request, pk)
    can_change = request.user.has_perm("cases.change_incident")
    waiting = incident.status == IncidentStatus.ASSIGNED
    return render(
        request,
        "cases/job_detail.html",
        {
            "incident": incident,
            "can_change": can_change,
            "waiting": waiting,
            "can_take": can_change
            and waiting
            and selectors.post_takers(post=incident.post).filter(pk=request.user.pk).exists(),
            "holders": incident.officers.all(),
            "client_id": uuid.uuid4(),
        },
    )


@login_required
def repeat_callers(request):
    require_perm(request, "cases.view_incident")
    station = _user_station(request)
    settings = selectors.dispatch_settings(station.bureau_id)
    rows = selectors.repeat_callers(
        user=request.user,
        station=station,
        days=settings.repeat_caller_days,
        calls=settings.repeat_caller_calls,
    )[:200]
    return render(
        request,
        "cases/repeat_callers.html",
        {"rows": rows, "settings": settings, "station": station},
    )


# --- cases ---------------------------------------------------------------------------------


class CaseList(ScopedListView):
    model = Case
    filterset_class = CaseFilter
    select_related = ("lead_officer",)
    columns = [
        ("number", gettext_lazy("Number")),
        ("title", gettext_lazy("Title")),
        ("kind", gettext_lazy("Kind")),
        ("status", gettext_lazy("Status")),
        ("accepted_at", gettext_lazy("Accepted at")),
        ("deadline", gettext_lazy("Deadline")),
        ("lead_officer", gettext_lazy("Lead officer")),
    ]
    create_url_name = "cases:case_create"


class CaseCreate(ScopedCreateView):
    model = Case
    form_class = CaseForm
    cancel_url_name = "cases:case_list"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            self.object = services.case_open(by=self.request.user, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        return redirect(self.object)


class CaseDetail(ScopedDetailView):
    model = Case
    template_name = "cases/case_detail.html"
    select_related = ("station", "lead_officer", "category")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        context["events"] = case.events.select_related("by")
        context["parties"] = case.parties.select_related("person")
        context["evidence"] = case.evidence.all()
        context["incidents"] = case.incidents.all()
        if self.request.user.has_perm("cases.change_case"):
            allowed = CASE_WORKFLOWS[case.kind].allowed(case.status)
            choices = [(s, CaseStatus(s).label) for s in allowed]
            context["transition_form"] = CaseTransitionForm(choices=choices) if choices else None
            context["party_form"] = PartyForm()
            context["evidence_form"] = EvidenceForm()
            context["suspension_form"] = SuspensionForm()
            context["suspension_end_form"] = SuspensionEndForm()
            context["injury_form"] = InjuryGradeForm(initial={"grade": case.injury_grade})
            context["reconsideration_form"] = ReconsiderationForm()
        context["extensions"] = case.extensions.select_related("proposed_by", "decided_by")
        context["pending_extension"] = next(
            (e for e in context["extensions"] if e.approved is None), None
        )
        context["suspensions"] = case.suspensions.all()
        context["open_suspension"] = next(
            (p for p in context["suspensions"] if p.ended_at is None), None
        )
        context["reconsiderations"] = case.reconsiderations.select_related("decided_by")
        context["pending_reconsideration"] = next(
            (r for r in context["reconsiderations"] if r.overturned is None), None
        )
        user = self.request.user
        if user.has_perm("cases.propose_extension"):
            context["extension_form"] = ExtensionForm()
        if user.has_perm("cases.approve_extension") and user.station_id is None:
            context["extension_decision_form"] = ExtensionDecisionForm()
        if user.has_perm("cases.decide_reconsideration"):
            context["reconsideration_decision_form"] = ReconsiderationDecisionForm()
        if case.kind == "public_security":
            context["rule"] = public_security_rule(case.accepted_at)
        return context


@login_required
def case_not_filed_notice(request, pk):
    """The 不予立案通知书 as a PDF in Chinese, for the complainant."""
    require_perm(request, "cases.view_case")
    case = _case(request, pk)
    if case.kind != "criminal" or case.not_filed_at is None:
        raise Http404
    response = HttpResponse(not_filed_notice_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}.pdf"'
    return response


@login_required
def evidence_file(request, pk):
    require_perm(request, "cases.view_case")
    evidence = CaseEvidence.objects.restrict(request.user).get_or_404(pk)
    return private_file_response(
        evidence.file.name, content_type=evidence.content_type, download_name=evidence.file_name
    )


@login_required
def overdue(request):
    require_perm(request, "cases.view_case")
    rows = selectors.overdue_cases(user=request.user, within=timedelta(days=3))[:500]
    return render(request, "cases/overdue.html", {"rows": rows, "now": timezone.now()})


# --- roster --------------------------------------------------------------------------------


def _monday(value: str | None) -> date:
    try:
        day = date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


@login_required
def roster(request):
    """The week view: one row per person, one column per day, the shifts in the cells."""
    require_perm(request, "cases.view_dutyshift")
    station = _user_station(request)
    monday = _monday(request.GET.get("week"))
    days = [monday + timedelta(days=i) for i in range(7)]
    grid: dict[str, dict] = {}
    for shift in selectors.roster_week(user=request.user, station=station, monday=monday):
        row = grid.setdefault(shift.staff.name, {day: [] for day in days})
        day = timezone.localtime(shift.starts_at).date()
        if day in row:
            row[day].append(shift)
    return render(
        request,
        "cases/roster.html",
        {
            "station": station,
            "monday": monday,
            "days": days,
            "grid": sorted(grid.items()),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "can_change": request.user.has_perm("cases.add_dutyshift"),
        },
    )


@login_required
def roster_generate(request):
    require_perm(request, "cases.add_dutyshift")
    station = _user_station(request)
    form = RosterPatternForm(
        request.POST or None, station=station, initial={"monday": _monday(None)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.roster_generate(
                by=request.user,
                pattern=services.RosterPattern(
                    station=station,
                    post=data["post"],
                    monday=data["monday"],
                    weekday_staff=list(data["weekday_staff"]),
                    weekend_group=list(data["weekend_group"]),
                    day_start=data["day_start"],
                    day_end=data["day_end"],
                ),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(n)d shifts added.") % {"n": created})
            return redirect(f"{reverse('cases:roster')}?week={data['monday']:%Y-%m-%d}")
    return render(
        request,
        "cases/roster_form.html",
        {"form": form, "title": _("Weekly duty pattern"), "station": station},
    )


@login_required
def roster_import(request):
    require_perm(request, "cases.add_dutyshift")
    station = _user_station(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    rejected = []
    if request.method == "POST" and form.is_valid():
        try:
            created, rejected = services.roster_import(
                by=request.user, station=station, upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if not rejected:
                messages.success(request, _("%(n)d shifts imported.") % {"n": created})
                return redirect("cases:roster")
    return render(
        request,
        "cases/roster_form.html",
        {
            "form": form,
            "title": _("Import a roster"),
            "rejected": rejected,
            "station": station,
            "multipart": True,
        },
    )


class DutyShiftList(ScopedListView):
    model = DutyShift
    filterset_class = DutyShiftFilter
    select_related = ("staff", "post")
    columns = [
        ("staff.name", gettext_lazy("On duty")),
        ("post", gettext_lazy("Post")),
        ("starts_at", gettext_lazy("From")),
        ("ends_at", gettext_lazy("Until")),
        ("role", gettext_lazy("Role")),
    ]
    create_url_name = "cases:shift_create"


class _ShiftSave:
    def form_valid(self, form):
        try:
            self.object = services.shift_save(by=self.request.user, shift=form.instance)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("cases:roster")


class DutyShiftCreate(_ShiftSave, ScopedCreateView):
    model = DutyShift
    form_class = DutyShiftForm
    cancel_url_name = "cases:roster"


class DutyShiftUpdate(_ShiftSave, ScopedUpdateView):
    model = DutyShift
    form_class = DutyShiftForm
