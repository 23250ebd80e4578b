"""Pages of patrol findings and video patrols: the findings list, a finding's page with the
one-tap conversions (转为警情 / 转为纠纷) and "handled on the spot", its photo, and the
command room's video-patrol log with a quick form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.pagination import NoCountPaginator
from apps.core.scoping import VIEW
from apps.core.uploads import private_file_response
from apps.core.views import ScopedDetailView, ScopedListView, require_perm

from ..choices import FindingStatus
from ..models import Finding, VideoPatrol
from . import services
from .filters import FindingFilter, VideoPatrolFilter
from .forms import HandleForm, ToDisputeForm, ToIncidentForm, VideoPatrolForm

PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


class FindingList(ScopedListView):
    model = Finding
    filterset_class = FindingFilter
    template_name = "patrols/finding_list.html"
    paginator_class = NoCountPaginator
    select_related = services.LIST_JOINS

    def get_queryset(self):
        return super().get_queryset().order_by("-found_at", "-pk")


class FindingDetail(ScopedDetailView):
    model = Finding
    template_name = "patrols/finding_detail.html"
    select_related = (
        "station",
        "patrol",
        "community",
        "unit",
        "found_by",
        "handled_by",
        "incident",
        "dispute",
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        finding, user = self.object, self.request.user
        is_open = finding.status == FindingStatus.OPEN
        may_change = user.has_perm("patrols.change_finding") and is_open
        if may_change and user.has_perm("cases.add_incident"):
            context["incident_form"] = ToIncidentForm(station=finding.station)
        if may_change and user.has_perm("mediation.add_dispute"):
            context["dispute_form"] = ToDisputeForm()
        if may_change:
            context["handle_form"] = HandleForm()
        context["video_patrol"] = VideoPatrol.objects.filter(finding=finding).first()
        return context


def _finding(request, pk, action):
    finding = Finding.objects.restrict(request.user, action).get_or_404(pk)
    return finding


@login_required
def finding_photo(request, pk):
    require_perm(request, "patrols.view_finding")
    finding = _finding(request, pk, VIEW)
    if not finding.photo:
        raise Http404
    extension = finding.photo.name.rsplit(".", 1)[-1]
    return private_file_response(
        finding.photo.name,
        content_type=PHOTO_TYPES.get(extension, "application/octet-stream"),
        download_name=f"finding-{finding.pk}.{extension}",
    )


@login_required
def video_list(request):
    """The command room's log of camera checks, newest first, with the quick form on top
    (for those who keep the log)."""
    require_perm(request, "patrols.view_videopatrol")
    may_log = request.user.has_perm("patrols.add_videopatrol")
    form = None
    if request.method == "POST":
        require_perm(request, "patrols.add_videopatrol")
        form = VideoPatrolForm(request.POST)
        if form.is_valid():
            try:
                video = services.video_patrol_log(
                    by=request.user, checked_at=None, **form.cleaned_data
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if video.finding_id:
                    messages.success(request, _("Camera check logged, finding raised."))
                else:
                    messages.success(request, _("Camera check logged."))
                return redirect("patrols:video_list")
    elif may_log:
        form = VideoPatrolForm()
    rows = VideoPatrol.objects.restrict(request.user).select_related("officer", "finding")
    filterset = VideoPatrolFilter(request.GET or None, queryset=rows, request=request)
    page = NoCountPaginator(filterset.qs.order_by("-checked_at", "-pk"), 50).page(
        request.GET.get("page")
    )
    return render(
        request,
        "patrols/video_list.html",
        {"form": form, "filter": filterset, "page_obj": page, "opts": VideoPatrol._meta},
        status=400 if form is not None and form.errors else 200,
    )
