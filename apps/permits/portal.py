"""The citizens' portal under /apply/, phone first: sign up with an SMS code, file the
registration, upload the documents, follow the status, keep the certificate and permit, and
start the permit application from the certificate without typing anything again.

Citizens see their own records only: every lookup is `restrict()` (their ownership) and
filtered to them as applicant or holder.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.views import LoginView
from apps.core.errors import DomainError
from apps.core.pagination import NoCountPaginator
from apps.core.ratelimit import count_hit
from apps.core.views import form_errors, require_perm
from apps.registry.models import Address
from apps.stations.models import Community

from . import enterprise, services
from .choices import ApplicationKind
from .forms import ApplicationForm, DocumentForm, SignupCodeForm, SignupForm, WorkersFileForm
from .models import PermitApplication, ResidenceCertificate, ResidencePermit
from .workflow import EDITABLE

SIGNUPS_PER_HOUR_PER_IP = 10
# Filing, as in the API: the citizens' role has it (and the window's officers'); any other
# account reads its own records here but files nothing.
APPLY = "permits.add_permitapplication"
PREFILLED = (
    "community",
    "address",
    "address_text",
    "name",
    "id_number",
    "phone",
    "basis",
    "basis_detail",
)


def portal_login_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("permits:portal_login"))
        return view(request, *args, **kwargs)

    return wrapper


class PortalLogin(LoginView):
    template_name = "permits/portal_login.html"

    def get_default_redirect_url(self):
        return reverse("permits:portal_home")


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


def _ip_over_limit(request) -> bool:
    count = count_hit(f"permits:signup:{request.META.get('REMOTE_ADDR', '')}", 3600)
    # Cache down: let it through; the limit of codes per phone is kept in the database.
    return count is not None and count > SIGNUPS_PER_HOUR_PER_IP


def signup(request):
    """Step 1: the phone gets a code; step 2: code and password make the account."""
    if request.user.is_authenticated:
        return redirect("permits:portal_home")
    code_form, form = SignupCodeForm(), SignupForm()
    status = 200
    if request.method == "POST":
        if _ip_over_limit(request):
            messages.error(request, _("Too many sign-up attempts from here: try again later."))
            return render(
                request, "permits/signup.html", {"code_form": code_form, "form": form}, status=429
            )
        if "code" not in request.POST:
            code_form = SignupCodeForm(request.POST)
            if code_form.is_valid():
                try:
                    services.signup_code_send(phone=code_form.cleaned_data["phone"])
                except DomainError as exc:
                    code_form.add_error("phone", exc.message)
                    status = 429 if exc.code == "throttled" else 400
                else:
                    messages.info(request, _("A code was sent to your phone."))
                    form = SignupForm(initial={"phone": code_form.cleaned_data["phone"]})
        else:
            form = SignupForm(request.POST)
            if form.is_valid():
                try:
                    user = services.citizen_signup(**form.cleaned_data)
                except DomainError as exc:
                    form.add_error(None, exc.message)
                    status = 400
                else:
                    login(request, user, backend="apps.accounts.backends.CachedModelBackend")
                    return redirect("permits:portal_home")
            else:
                status = 400
    return render(
        request, "permits/signup.html", {"code_form": code_form, "form": form}, status=status
    )


@portal_login_required
def home(request):
    user = request.user
    return render(
        request,
        "permits/portal_home.html",
        {
            "applications": PermitApplication.objects.restrict(user)
            .filter(applicant=user)
            .select_related("community"),
            "certificates": ResidenceCertificate.objects.restrict(user).filter(holder=user),
            "permits": ResidencePermit.objects.restrict(user).filter(holder=user),
            "enterprise_unit": enterprise.contact_unit(user),
        },
    )


def _prefill(user) -> dict:
    """The applicant's earlier data, so that nothing is typed twice."""
    earlier = PermitApplication.objects.restrict(user).filter(applicant=user).first()
    if earlier is None:
        return {"phone": user.phone, "name": user.get_full_name()}
    return {field: getattr(earlier, field) for field in PREFILLED}


@portal_login_required
def application_new(request):
    require_perm(request, APPLY)
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
    return render(
        request,
        "permits/portal_application.html",
        {
            "application": application,
            "documents": application.documents.all(),
            "editable": application.status in EDITABLE,
            "missing": services.missing_documents(application),
            "upload_form": DocumentForm(),
        },
    )


@portal_login_required
@require_POST
def upload(request, pk):
    require_perm(request, APPLY)
    application = _own_application(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        try:
            services.document_add(
                application=application,
                by=request.user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Uploaded."))
    return redirect("permits:portal_application", application.pk)


@portal_login_required
@require_POST
def submit(request, pk):
    require_perm(request, APPLY)
    application = _own_application(request, pk)
    try:
        services.application_submit(application=application, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Submitted. You will get a message when it is decided."))
    return redirect("permits:portal_application", application.pk)


@portal_login_required
@require_POST
def permit_start(request, pk):
    """The permit application from a certificate: everything prefilled, documents reused."""
    require_perm(request, APPLY)
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
    page = NoCountPaginator(enterprise.contact_batches(request.user), 20).page(
        request.GET.get("page")
    )
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
    batch = enterprise.contact_batches(request.user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return render(request, "permits/_batch.html", {"batch": batch, "poll_url": request.path})
