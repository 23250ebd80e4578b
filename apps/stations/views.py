from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.choices import UserKind
from apps.core.errors import DomainError
from apps.core.pagination import NoCountPaginator
from apps.core.views import (
    RevealPersonalDataView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
    form_errors,
    safe_next,
)

from . import filters, forms, selectors
from .choices import StaffKind
from .models import Bureau, Community, PoliceDistrict, Post, ServiceLog, StaffAssignment, Station
from .services import service_log_record

# --- Sub-bureaus -------------------------------------------------------------------------


class BureauList(ScopedListView):
    model = Bureau
    filterset_class = filters.BureauFilter
    columns = [("name", _("Name")), ("code", _("Code")), ("city_bureau", _("City bureau"))]


class BureauDetail(ScopedDetailView):
    model = Bureau
    fields = ["name", "code", "city_bureau"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = [
            (
                _("Stations"),
                Station.objects.restrict(self.request.user).filter(bureau=self.object),
                StationList.columns,
            )
        ]
        return context


# --- Stations ----------------------------------------------------------------------------


class StationList(ScopedListView):
    model = Station
    filterset_class = filters.StationFilter
    select_related = ("bureau",)
    columns = [
        ("name", _("Name")),
        ("bureau", _("Sub-bureau")),
        ("address", _("Address")),
        ("phone", _("Duty phone")),
    ]


class StationDetail(ScopedDetailView):
    model = Station
    select_related = ("bureau",)
    fields = [
        "name",
        "bureau",
        "organ_code",
        "address",
        "phone",
        "area_km2",
        "latitude",
        "longitude",
    ]
    update_url_name = "stations:station_update"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        station = self.object
        context["related"] = [
            (_("Posts"), station.posts.all(), PostList.columns[:1] + PostList.columns[2:]),
            (
                _("Police districts"),
                station.districts.select_related("post"),
                PoliceDistrictList.columns[:1] + PoliceDistrictList.columns[2:],
            ),
            (
                _("Villages / communities"),
                station.communities.select_related("district", "post"),
                CommunityList.columns[:1] + CommunityList.columns[2:],
            ),
        ]
        return context


class StationUpdate(ScopedUpdateView):
    model = Station
    form_class = forms.StationForm


# --- Posts -------------------------------------------------------------------------------


class PostList(ScopedListView):
    model = Post
    filterset_class = filters.PostFilter
    select_related = ("station",)
    create_url_name = "stations:post_create"
    columns = [
        ("name", _("Name")),
        ("station", _("Station")),
        ("kind", _("Kind")),
        ("address", _("Address")),
        ("opened_on", _("Opened on")),
        ("is_active", _("In service")),
    ]


class PostDetail(ScopedDetailView):
    model = Post
    select_related = ("station",)
    fields = [
        "name",
        "station",
        "kind",
        "address",
        "phone",
        "opened_on",
        "is_active",
        "latitude",
        "longitude",
    ]
    update_url_name = "stations:post_update"

    template_name = "stations/post_detail.html"
    # The post's police listed on its page; the joint forces (张坪: 160-odd grid workers,
    # building heads and guards) are counted by kind, and listed page by page in the staff
    # list filtered to the post.
    listed_kinds = (StaffKind.OFFICER, StaffKind.AUXILIARY)
    listed_max = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        post = self.object
        context["staff_counts"] = selectors.post_staff_counts(post=post)
        context["staff_total"] = sum(n for _kind, n in context["staff_counts"])
        context["staff_url"] = f"{reverse('stations:staff_list')}?post={post.pk}"
        context["related"] = [
            (
                _("Villages / communities"),
                post.communities.select_related("district"),
                [("name", _("Name")), ("kind", _("Kind")), ("district", _("Police district"))],
            ),
            (
                _("Police officers and auxiliaries"),
                post.staff.filter(kind__in=self.listed_kinds, ended_on__isnull=True)[
                    : self.listed_max
                ],
                StaffAssignmentList.columns[:1] + StaffAssignmentList.columns[2:],
            ),
        ]
        return context


class PostCreate(ScopedCreateView):
    model = Post
    cancel_url_name = "stations:post_list"
    form_class = forms.PostForm


class PostUpdate(ScopedUpdateView):
    model = Post
    form_class = forms.PostForm


# --- Police districts --------------------------------------------------------------------


class PoliceDistrictList(ScopedListView):
    model = PoliceDistrict
    filterset_class = filters.PoliceDistrictFilter
    select_related = ("station", "post")
    create_url_name = "stations:district_create"
    columns = [
        ("name", _("Name")),
        ("station", _("Station")),
        ("post", _("Post")),
        ("real_population", _("Real population")),
    ]


class PoliceDistrictDetail(ScopedDetailView):
    model = PoliceDistrict
    select_related = ("station", "post")
    fields = ["name", "station", "post", "real_population", "responsible_officers"]
    update_url_name = "stations:district_update"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = [
            (
                _("Villages / communities"),
                self.object.communities.select_related("post"),
                [("name", _("Name")), ("kind", _("Kind")), ("post", _("Responsible post"))],
            ),
        ]
        return context


class PoliceDistrictCreate(ScopedCreateView):
    model = PoliceDistrict
    cancel_url_name = "stations:district_list"
    form_class = forms.PoliceDistrictForm


class PoliceDistrictUpdate(ScopedUpdateView):
    model = PoliceDistrict
    form_class = forms.PoliceDistrictForm


# --- Villages and communities -------------------------------------------------------------


class CommunityList(ScopedListView):
    model = Community
    filterset_class = filters.CommunityFilter
    select_related = ("station", "district", "post")
    create_url_name = "stations:community_create"
    columns = [
        ("name", _("Name")),
        ("station", _("Station")),
        ("kind", _("Kind")),
        ("district", _("Police district")),
        ("post", _("Responsible post")),
        ("population", _("Population")),
    ]


class CommunityDetail(ScopedDetailView):
    model = Community
    select_related = ("station", "district", "post")
    fields = [
        "name",
        "kind",
        "station",
        "district",
        "post",
        "population",
        "latitude",
        "longitude",
        "note",
    ]
    update_url_name = "stations:community_update"
    template_name = "stations/community_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("stations.view_communityappointment"):
            context["appointments"] = selectors.appointments_of(
                user=self.request.user, community=self.object
            )
        return context


class CommunityCreate(ScopedCreateView):
    model = Community
    cancel_url_name = "stations:community_list"
    form_class = forms.CommunityForm


class CommunityUpdate(ScopedUpdateView):
    model = Community
    form_class = forms.CommunityForm


# --- Staff -------------------------------------------------------------------------------


class StaffAssignmentList(ScopedListView):
    model = StaffAssignment
    filterset_class = filters.StaffAssignmentFilter
    select_related = ("station", "post")
    create_url_name = "stations:staff_create"
    columns = [
        ("name", pgettext_lazy("person", "Name")),
        ("station", _("Station")),
        ("kind", _("Kind")),
        ("unit", _("Unit")),
        ("duty", _("Duty")),
        ("post", _("Post")),
        ("phone", _("Phone"), "phone"),
    ]


class StaffAssignmentDetail(ScopedDetailView):
    model = StaffAssignment
    select_related = ("station", "post", "community", "user")
    masked_fields = [("phone", "phone", "stations:staff_reveal")]
    fields = [
        "name",
        "kind",
        "station",
        "unit",
        "duty",
        "post",
        "community",
        "user",
        "started_on",
        "ended_on",
    ]
    update_url_name = "stations:staff_update"
    template_name = "stations/staffassignment_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("stations.view_communityappointment"):
            context["appointments"] = selectors.appointments_of(
                user=self.request.user, officer=self.object
            )
        return context


class StaffAssignmentCreate(ScopedCreateView):
    model = StaffAssignment
    cancel_url_name = "stations:staff_list"
    form_class = forms.StaffAssignmentForm


class StaffAssignmentUpdate(ScopedUpdateView):
    model = StaffAssignment
    form_class = forms.StaffAssignmentForm


class StaffPhoneReveal(RevealPersonalDataView):
    model = StaffAssignment
    fields = ("phone",)


# --- Service window ----------------------------------------------------------------------


class ServiceLogList(ScopedListView):
    model = ServiceLog
    paginator_class = NoCountPaginator
    filterset_class = filters.ServiceLogFilter
    select_related = ("station", "post", "recorded_by")
    template_name = "stations/servicelog_list.html"
    columns = [
        ("occurred_at", _("Time")),
        ("kind", _("Service")),
        ("station", _("Station")),
        ("post", _("Post")),
        ("note", _("Note")),
        ("recorded_by", _("Recorded by")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.has_perm("stations.add_servicelog") and user.station_id:
            context["counters"] = selectors.service_counters_today(user=user)
            context["entry_form"] = forms.ServiceLogForm(user=user)
        return context


@login_required
@permission_required("stations.add_servicelog", raise_exception=True)
@require_POST
def service_log_create(request):
    """The fast entry form: record one service, answer with the refreshed counters."""
    form = forms.ServiceLogForm(request.POST, user=request.user)
    error = None
    if form.is_valid():
        try:
            service_log_record(
                by=request.user,
                kind=form.cleaned_data["kind"],
                post=form.cleaned_data["post"],
                note=form.cleaned_data["note"],
                client_id=form.cleaned_data["client_id"],
            )
        except DomainError as exc:
            error = exc.message
    else:
        error = form_errors(form)
    if request.htmx:
        # The entry with its counters, and the home page's other counts of today swapped in
        # beside it (htmx out-of-band), so that every number on the page agrees.
        context = {**_home_counters(request.user), "entry_error": error, "oob": True}
        return render(
            request, "stations/_service_recorded.html", context, status=400 if error else 200
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Recorded."))
    return redirect(safe_next(request) or "home")


# --- Home --------------------------------------------------------------------------------


@login_required
def home(request):
    """One page per role: counters and quick entry for the desk, the district for community
    police, the station overview for leaders, the bureau for its admins, their own work
    for mediators."""
    user = request.user
    if user.kind == UserKind.CITIZEN:
        return redirect("permits:portal_home")  # a citizen's home is the portal
    context = {"today": timezone.localdate(), **_home_counters(user)}
    if user.has_perm("stations.view_community") and user.station_id:
        context["my_districts"] = selectors.districts_of(user=user)
    from apps.mediation.selectors import is_mediator, mediator_work

    if user.has_perm("mediation.view_dispute") and is_mediator(user):
        context["mediator_work"] = mediator_work(user)
    if user.has_perm("cases.approve_extension") or user.has_perm("cases.decide_reconsideration"):
        from apps.cases.selectors import awaiting_decision

        context["awaiting_decision"] = list(awaiting_decision(user=user)[:50])
    return render(request, "stations/home.html", context)


def _home_counters(user) -> dict:
    """What the home page counts today, for the page and for the service entry's answer."""
    context = {}
    if user.has_perm("stations.add_servicelog") and user.station_id:
        context["counters"] = selectors.service_counters_today(user=user)
        context["entry_form"] = forms.ServiceLogForm(user=user)
    if user.has_perm("stations.view_station") and user.kind != UserKind.MEDIATOR:
        context["station_overview"] = selectors.station_overview(user=user)
    if user.has_perm("stats.view_dailyfact") and user.has_perm("cases.add_incident"):
        from apps.stats.selectors import home_counters

        context["stats_counters"] = home_counters(user=user)
    return context
