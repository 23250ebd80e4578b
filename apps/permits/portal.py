"""The citizens' portal under /apply/, phone first (its sign-up and logins are
`apps.accounts.portal`): file the registration, upload the documents, follow the status,
keep the certificate and permit, and start the permit application from the certificate
without typing anything again.

Citizens see their own records only: every lookup is `restrict()` (their ownership) and
filtered to them as applicant or holder.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.portal import portal_login_required
from apps.core.actions import Action
from apps.core.errors import DomainError
from apps.core.pagination import NoCountPaginator
from apps.core.rules import may
from apps.core.views import require_perm
from apps.registry.models import Address
from apps.stations.models import Community

from . import actions, enterprise, selectors, services
from .choices import ApplicationKind, ApplicationStatus
from .forms import ApplicationForm, DocumentForm, WorkersFileForm
from .models import (
    EnterpriseRegistration,
    PermitApplication,
    ResidenceCertificate,
    ResidencePermit,
)
from .workflow import EDITABLE

PREFILLED = (
    "community",
    "address",
    "address_text",
    "name",
    "id_number",
    "household_region",
    "household_address",
    "ethnicity",
    "phone",
    "basis",
    "basis_detail",
)


def _own_application(request, pk) -> PermitApplication:
    application = (
        PermitApplication.objects.restrict(request.user)
        .filter(pk=pk, applicant=request.user)
        .select_related("community", "station")
        .first()
    )
    if application is None:
        raise Http404
    return application


@portal_login_required
def home(request):
    """The citizen's records and, of the next steps, only those possible now."""
    user = request.user
    context = selectors.portal_overview(user=user)
    context["enterprise_unit"] = enterprise.contact_unit(user)
    return render(request, "permits/portal_home.html", context)


def _prefill(user) -> dict:
    """The applicant's earlier data, so that nothing is typed twice."""
    earlier = PermitApplication.objects.restrict(user).filter(applicant=user).first()
    if earlier is None:
        return {"phone": user.phone, "name": user.get_full_name()}
    return {field: getattr(earlier, field) for field in PREFILLED}


@portal_login_required
def application_new(request):
    # Filing, as in the API: the citizens' role has it (and the window's officers'); any
    # other account reads its own records here but files nothing.
    require_perm(request, services.APPLY)
    communities = Community.objects.order_by("station__name", "name")
    form = ApplicationForm(
        request.POST or None, communities=communities, initial=_prefill(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                by=request.user, kind=ApplicationKind.REGISTRATION, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error("id_number" if exc.code == "invalid_id_number" else None, exc.message)
        else:
            messages.success(request, _("Saved. Now upload the documents."))
            return redirect("permits:portal_application", application.pk)
    return render(request, "permits/portal_form.html", {"form": form})


@portal_login_required
def address_options(request):
    """The standard addresses of one community, as <option>s for the form's address list."""
    community = request.GET.get("community", "")
    addresses = (
        Address.objects.filter(community_id=community).order_by("text")[:500]
        if community.isdigit()
        else []
    )
    return render(request, "permits/_address_options.html", {"addresses": addresses})


@portal_login_required
def application(request, pk):
    application = _own_application(request, pk)
    issued = None  # the certificate or permit it gave, once approved
    if application.status == ApplicationStatus.APPROVED:
        model = (
            ResidencePermit if application.kind == ApplicationKind.PERMIT else ResidenceCertificate
        )
        issued = model.objects.restrict(request.user).filter(application=application).first()
    return render(
        request,
        "permits/portal_application.html",
        {
            "application": application,
            "documents": application.documents.all(),
            "editable": application.status in EDITABLE,
            "missing": services.missing_documents(application),
            "upload_form": DocumentForm(),
            "timeline": selectors.application_timeline(application=application, user=request.user),
            "issued": issued,
        },
    )


def _own_step(action: Action, request, pk):
    """A step on one's own application, as declared in `actions` (the API takes the same):
    403 without the role, another's application not found, back to the application."""
    if not request.user.has_perms(action.permissions):
        raise PermissionDenied
    application = _own_application(request, pk)
    try:
        action.submit(request, application)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("permits:portal_application", application.pk)


@portal_login_required
@require_POST
def upload(request, pk):
    return _own_step(actions.DOCUMENT_ADD, request, pk)


@portal_login_required
@require_POST
def submit(request, pk):
    return _own_step(actions.SUBMIT, request, pk)


@portal_login_required
@require_POST
def permit_start(request, pk):
    """The permit application from a certificate: everything prefilled, documents reused."""
    if not may(request.user, services.permit_application_start):
        raise PermissionDenied
    certificate = (
        ResidenceCertificate.objects.restrict(request.user)
        .filter(pk=pk, holder=request.user)
        .first()
    )
    if certificate is None:
        raise Http404
    try:
        application = services.permit_application_start(
            certificate=certificate, by=request.user, basis=request.POST.get("basis", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("permits:portal_home")
    messages.success(request, _("Your permit application is ready: check it and submit."))
    return redirect("permits:portal_application", application.pk)


# --- an enterprise's contact person ----------------------------------------------------------


def _contact_unit(request):
    unit = enterprise.contact_unit(request.user)
    if unit is None:
        raise PermissionDenied  # not anyone's contact person: this page is not for them
    return unit


@portal_login_required
def enterprise_batches(request):
    """The contact person uploads their enterprise's workers and follows the lists."""
    unit = _contact_unit(request)
    form = WorkersFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise.enterprise_upload(
                by=request.user, enterprise=unit, upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("The list is being registered."))
            return redirect("permits:portal_enterprise")
    batches = EnterpriseRegistration.objects.restrict(request.user).select_related("enterprise")
    page = NoCountPaginator(batches, 20).page(request.GET.get("page"))
    status = 400 if form.errors else 200
    return render(
        request,
        "permits/portal_enterprise.html",
        {"unit": unit, "form": form, "page_obj": page},
        status=status,
    )


@portal_login_required
def enterprise_batch(request, pk):
    """One list's card, which the page polls while the list is being registered; another
    unit's list is not found."""
    _contact_unit(request)
    batch = (
        EnterpriseRegistration.objects.restrict(request.user)
        .select_related("enterprise")
        .get_or_404(pk)
    )
    return render(request, "permits/_batch.html", {"batch": batch, "poll_url": request.path})
