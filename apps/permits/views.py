"""Pages of residence registration and permits: the officers' review queue (tablet), the
application page with its one-tap decisions, the electronic documents (page and PDF, for
their holder and for officers in scope) and the public verification page.

Files and documents are looked up through `restrict()` and then through the reader's role
or ownership: anything else — another station's, another applicant's — is a 404.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin

from apps.core.clients import client_address
from apps.core.errors import DomainError
from apps.core.masking import mask_name
from apps.core.pagination import NoCountPaginator
from apps.core.qr import qr_svg
from apps.core.scoping import VIEW, owner_or_permitted, owns
from apps.core.uploads import private_file_response
from apps.core.views import RevealPersonalDataView, ScopedListView, require_perm

from . import documents, enterprise, selectors, services, verify
from .choices import ApplicationStatus, PermitState
from .filters import PermitApplicationFilter, ResidenceCertificateFilter, ResidencePermitFilter
from .forms import EnterpriseUploadForm, RejectForm, RevokeForm, SupplementForm, VisitForm
from .models import (
    ApplicationDocument,
    DocumentOpening,
    EnterpriseRegistration,
    PermitApplication,
    ResidenceCertificate,
    ResidencePermit,
)
from .workflow import QUEUED, WORKFLOW

logger = logging.getLogger(__name__)
S = ApplicationStatus


def visible_application(request, pk) -> PermitApplication:
    """The application for its applicant, or for an officer with the role in scope."""
    application = (
        PermitApplication.objects.restrict(request.user, VIEW)
        .select_related("station", "post", "community", "address", "registration")
        .get_or_404(pk)
    )
    if not owner_or_permitted(request.user, application, "permits.view_permitapplication"):
        raise Http404
    return application


def _issued(request, model, pk):
    """A certificate or permit for its holder, or for an officer with the role in scope
    (without the role: 403 whatever the id, so that nothing is learnt by probing)."""
    user = request.user
    document = model.objects.restrict(user).select_related("station").filter(pk=pk).first()
    if document is not None and owns(user, document):
        return document
    opts = model._meta
    if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        raise PermissionDenied
    if document is None:
        raise Http404
    return document


# --- the review queue ----------------------------------------------------------------------


@login_required
def queue(request):
    """The tablet's queue: my post's applications, longest waiting first, today's counts."""
    require_perm(request, "permits.view_permitapplication")
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    rows = selectors.review_queue(user=request.user, status=status, overdue=overdue)
    page = NoCountPaginator(rows, 30).page(request.GET.get("page"))
    return render(
        request,
        "permits/queue.html",
        {
            "page_obj": page,
            "status": status,
            "overdue": overdue,
            "statuses": S.choices,
            "counts": selectors.today_counts(user=request.user),
            "can_decide": request.user.has_perm("permits.change_permitapplication"),
        },
    )


class ApplicationList(ScopedListView):
    model = PermitApplication
    filterset_class = PermitApplicationFilter
    paginator_class = NoCountPaginator
    select_related = ("community", "post")
    columns = [
        ("name", pgettext_lazy("person", "Name")),
        ("kind", gettext_lazy("Kind")),
        ("status", gettext_lazy("Status")),
        ("community", gettext_lazy("Village / community")),
        ("phone", gettext_lazy("Phone"), "phone"),
        ("submitted_at", gettext_lazy("Submitted at")),
        ("accepted_at", gettext_lazy("Accepted at")),
        ("decided_at", gettext_lazy("Decided at")),
    ]


@login_required
def application_detail(request, pk):
    require_perm(request, "permits.view_permitapplication")
    application = visible_application(request, pk)
    can_decide = request.user.has_perm("permits.change_permitapplication") and (
        WORKFLOW.can(application.status, S.APPROVED)
    )
    documents = list(application.documents.all())
    opened = set(
        DocumentOpening.objects.restrict(request.user)
        .filter(document__application=application, officer=request.user)
        .values_list("document_id", flat=True)
    )
    return render(
        request,
        "permits/application_detail.html",
        {
            "application": application,
            "documents": documents,
            "opened": opened,
            "unopened": [d for d in documents if d.pk not in opened],
            "visits": application.visits.select_related("officer"),
            "can_decide": can_decide,
            "supplement_form": SupplementForm(),
            "reject_form": RejectForm(),
            "visit_form": VisitForm(),
            "missing": services.missing_documents(application),
            "personal_fields": [
                ("id_number", "id_number", _("ID number")),
                ("phone", "phone", _("Phone")),
            ],
        },
    )


class ApplicationReveal(RevealPersonalDataView):
    """The applicant's ID number or phone in full, for officers in scope; logged."""

    model = PermitApplication
    fields = ("id_number", "phone")


@login_required
@xframe_options_sameorigin
def document_file(request, pk):
    """A document's file, to its applicant and to officers in scope (without the role: 403
    whatever the id, as for certificates). Framable by the workbench's own pages only: the
    review page embeds PDFs in its viewer. An officer's opening is noted for the approval;
    the review page's thumbnails (?thumbnail=1) are not an opening."""
    document = (
        ApplicationDocument.objects.restrict(request.user)
        .select_related("application")
        .filter(pk=pk)
        .first()
    )
    if document is None or not owns(request.user, document):
        require_perm(request, "permits.view_applicationdocument")
    if document is None:
        raise Http404
    if not request.GET.get("thumbnail"):
        services.document_opened(document=document, by=request.user)
    return private_file_response(
        document.file.name,
        content_type=document.content_type,
        download_name=f"{document.kind}.{document.file.name.rsplit('.', 1)[-1]}",
    )


# --- certificates and permits --------------------------------------------------------------


class CertificateList(ScopedListView):
    model = ResidenceCertificate
    filterset_class = ResidenceCertificateFilter
    paginator_class = NoCountPaginator
    select_related = ("post",)
    columns = [
        ("number", gettext_lazy("Number")),
        ("name", pgettext_lazy("person", "Name")),
        ("address_text", gettext_lazy("Residence address")),
        ("post", gettext_lazy("Post")),
        ("issued_at", gettext_lazy("Issued at")),
    ]


class PermitList(ScopedListView):
    model = ResidencePermit
    filterset_class = ResidencePermitFilter
    paginator_class = NoCountPaginator
    select_related = ("post",)
    columns = [
        ("number", gettext_lazy("Number")),
        ("name", pgettext_lazy("person", "Name")),
        ("post", gettext_lazy("Post")),
        ("valid_from", gettext_lazy("Valid from")),
        ("valid_until", gettext_lazy("Valid until")),
        ("revoked_at", gettext_lazy("Revoked at")),
    ]


def _live_code_context(request, document) -> dict:
    code = verify.live_code(document)
    url = request.build_absolute_uri(code.path)
    kind = "permit" if isinstance(document, ResidencePermit) else "certificate"
    return {
        "live_code": code,
        "verify_url": url,
        "qr_svg": qr_svg(url),
        "live_code_url": reverse(f"permits:{kind}_code", args=[document.pk]),
    }


def _document_page(request, document):
    context = {
        "document": document,
        "is_permit": isinstance(document, ResidencePermit),
        "is_holder": document.holder_id == request.user.pk,
        **_live_code_context(request, document),
    }
    if context["is_permit"]:
        context["endorsements"] = document.endorsements.select_related("by")
        context["can_change"] = (
            request.user.has_perm("permits.change_residencepermit") and not context["is_holder"]
        )
        context["revoke_form"] = RevokeForm()
    return render(request, "permits/document.html", context)


def _live_code(request, document):
    """The page's live code, fetched again every minute (never cached: it carries its time)."""
    response = render(request, "permits/_live_code.html", _live_code_context(request, document))
    response["Cache-Control"] = "no-store"
    return response


def _document_pdf(request, document):
    # Paper cannot refresh a code: the PDF carries the static one, which says so when scanned.
    verify_url = request.build_absolute_uri(document.get_verify_url())
    response = HttpResponse(
        documents.document_pdf(document, verify_url=verify_url), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{document.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def certificate_detail(request, pk):
    return _document_page(request, _issued(request, ResidenceCertificate, pk))


@login_required
def certificate_pdf(request, pk):
    return _document_pdf(request, _issued(request, ResidenceCertificate, pk))


@login_required
def certificate_code(request, pk):
    return _live_code(request, _issued(request, ResidenceCertificate, pk))


@login_required
def permit_detail(request, pk):
    return _document_page(request, _issued(request, ResidencePermit, pk))


@login_required
def permit_pdf(request, pk):
    return _document_pdf(request, _issued(request, ResidencePermit, pk))


@login_required
def permit_code(request, pk):
    return _live_code(request, _issued(request, ResidencePermit, pk))


@login_required
def permit_photo(request, pk):
    permit = _issued(request, ResidencePermit, pk)
    if not permit.photo:
        raise Http404
    return private_file_response(
        permit.photo.name, content_type="image/jpeg", download_name=f"{permit.number}.jpg"
    )


# --- enterprise batches --------------------------------------------------------------------


def _awaiting():
    """A list's declared rows still waiting for an officer's confirmation."""
    return Count("applications", filter=Q(applications__status__in=QUEUED))


@login_required
def enterprise_batches(request):
    """Upload an enterprise's workers; the batches with their progress and refused rows."""
    require_perm(request, "permits.view_enterpriseregistration")
    form = EnterpriseUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        require_perm(request, "permits.add_enterpriseregistration")
        if form.is_valid():
            try:
                enterprise.enterprise_upload(
                    by=request.user,
                    enterprise=form.cleaned_data["enterprise"],
                    upload=form.cleaned_data["file"],
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(request, _("The list is being registered."))
                return redirect("permits:enterprise_batches")
    batches = (
        EnterpriseRegistration.objects.restrict(request.user)
        .select_related("enterprise")
        .annotate(awaiting=_awaiting())
        .order_by("-created_at", "-id")  # Meta.ordering is dropped with an aggregate
    )
    page = NoCountPaginator(batches, 20).page(request.GET.get("page"))
    return render(request, "permits/enterprise.html", {"form": form, "page_obj": page})


@login_required
def enterprise_batch(request, pk):
    """One list's card, which the page polls while the background task registers it."""
    require_perm(request, "permits.view_enterpriseregistration")
    batch = (
        EnterpriseRegistration.objects.restrict(request.user)
        .select_related("enterprise")
        .annotate(awaiting=_awaiting())
        .get_or_404(pk)
    )
    return render(request, "permits/_batch.html", {"batch": batch, "poll_url": request.path})


# --- public verification --------------------------------------------------------------------


def verify_document(request, token):
    """What the QR code opens, for anyone: genuine or not, and for a genuine document its
    number, its state (valid / lapsed / revoked), the masked name and the validity, and
    which code was scanned (the page's live one, or a printout's). A link that is not one
    says why the check failed (never the staff's "not found" page); an expired live code
    (410) says when it was made, and nothing of the document."""
    ip = client_address(request)
    if verify.over_limit(ip):
        logger.warning("verification throttled for %s", ip)
        return render(request, "permits/verify.html", {"throttled": True}, status=429)
    check = verify.resolve(token)
    document = check.document
    context = {"code": check.code, "made_at": check.made_at, "lifetime": verify.LIVE_CODE_LIFETIME}
    if document is None:
        logger.warning("verification failed (%s) from %s", check.failure, ip)
        status = 410 if check.failure == verify.EXPIRED else 404
        response = render(
            request, "permits/verify.html", {**context, "failure": check.failure}, status=status
        )
    else:
        response = render(
            request,
            "permits/verify.html",
            {
                **context,
                "document": document,
                "state": document.state,
                "state_label": PermitState(document.state).label,
                "masked_name": mask_name(document.name),
                "is_permit": isinstance(document, ResidencePermit),
                "issued_on": timezone.localdate(document.issued_at),
                "valid_from": getattr(document, "valid_from", None),
                "valid_until": getattr(document, "valid_until", None),
            },
        )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
