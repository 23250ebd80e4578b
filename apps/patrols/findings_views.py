"""Pages of patrol findings and video patrols: the findings list, a finding's page with the
one-tap conversions (转为警情 / 转为纠纷) and "handled on the spot", its photo, and the
command room's video-patrol log with a quick form."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.cases.choices import Priority
from apps.cases.models import IncidentCategory
from apps.core.errors import DomainError
from apps.core.forms import style_field
from apps.core.limits import TEXT_MAX_LENGTH
from apps.core.pagination import NoCountPaginator
from apps.core.scoping import CHANGE, VIEW
from apps.core.uploads import private_file_response
from apps.core.views import ScopedDetailView, ScopedListView, form_errors, require_perm
from apps.mediation.choices import DisputeCategory

from . import findings as services
from .choices import FindingKind, FindingStatus, VideoPatrolKind
from .findings_filters import FindingFilter, VideoPatrolFilter
from .models import Finding, VideoPatrol

PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_field(field)


class ToIncidentForm(_Form):
    category = forms.ModelChoiceField(
        queryset=IncidentCategory.objects.none(),
        required=False,
        label=gettext_lazy("Incident category"),
    )
    priority = forms.TypedChoiceField(
        choices=Priority.choices,
        coerce=int,
        initial=Priority.NORMAL,
        label=gettext_lazy("Priority"),
    )

    def __init__(self, *args, user, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = IncidentCategory.objects.restrict(user).filter(
            bureau_id=station.bureau_id, parent__isnull=False, is_active=True
        )


class ToDisputeForm(_Form):
    category = forms.ChoiceField(
        choices=DisputeCategory.choices, label=gettext_lazy("Dispute category")
    )


class HandleForm(_Form):
    note = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=gettext_lazy("How it was handled"),
        widget=forms.TextInput,
    )


class VideoPatrolForm(_Form):
    kind = forms.ChoiceField(choices=VideoPatrolKind.choices, label=gettext_lazy("Kind"))
    camera = forms.CharField(max_length=100, label=gettext_lazy("Camera"))
    observation = forms.CharField(
        label=gettext_lazy("Observation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX_LENGTH,
    )
    finding_kind = forms.ChoiceField(
        choices=[("", gettext_lazy("No finding")), *FindingKind.choices],
        required=False,
        label=gettext_lazy("Raise a finding"),
    )
    finding_description = forms.CharField(
        required=False,
        label=gettext_lazy("Finding (if other than the observation)"),
        max_length=TEXT_MAX_LENGTH,
    )


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
            context["incident_form"] = ToIncidentForm(user=user, station=finding.station)
        if may_change and user.has_perm("mediation.add_dispute"):
            context["dispute_form"] = ToDisputeForm()
        if may_change:
            context["handle_form"] = HandleForm()
        context["video_patrol"] = VideoPatrol.objects.filter(finding=finding).first()
        return context


def _finding(request, pk, action):
    finding = Finding.objects.restrict(request.user, action).get_or_404(pk)
    return finding


def _act(request, pk, act):
    """Run one action of a finding's page; a domain error or a bad form becomes a message."""
    require_perm(request, "patrols.change_finding")
    finding = _finding(request, pk, CHANGE)
    try:
        return act(finding) or finding
    except DomainError as exc:
        messages.error(request, exc.message)
    return finding


@login_required
@require_POST
def finding_to_incident(request, pk):
    require_perm(request, "cases.add_incident")

    def act(finding):
        form = ToIncidentForm(request.POST, user=request.user, station=finding.station)
        if not form.is_valid():
            raise DomainError(form_errors(form))
        incident = services.finding_to_incident(
            finding=finding, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Incident %(number)s opened.") % {"number": incident.number})
        return incident

    return redirect(_act(request, pk, act))


@login_required
@require_POST
def finding_to_dispute(request, pk):
    require_perm(request, "mediation.add_dispute")

    def act(finding):
        form = ToDisputeForm(request.POST)
        if not form.is_valid():
            raise DomainError(form_errors(form))
        dispute = services.finding_to_dispute(finding=finding, by=request.user, **form.cleaned_data)
        messages.success(request, _("Dispute %(number)s taken in.") % {"number": dispute.number})
        return dispute

    return redirect(_act(request, pk, act))


@login_required
@require_POST
def finding_handle(request, pk):
    def act(finding):
        form = HandleForm(request.POST)
        if not form.is_valid():
            raise DomainError(form_errors(form))
        services.finding_handle(finding=finding, by=request.user, **form.cleaned_data)
        messages.success(request, _("Marked as handled."))

    return redirect(_act(request, pk, act))


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
