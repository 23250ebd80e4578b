"""The API of the tablet (review) and of the window: applications with one action endpoint
per state change, certificates, and permits with their endorsement. Changes go through the
services only; another station's record is a 404.

Citizens use the same endpoints for their own records (the portal's app): they read what
`restrict()` gives them (their applications, certificates and permits), file, upload and
submit with the add permission of their role, and every officer's action stays a 403."""

from django.conf import settings
from django.db.models import F, Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from apps.core.actions import api_action
from apps.core.api.parsers import JSONParser
from apps.core.api.permissions import ActionPermissions, ModelPermissions
from apps.core.api.viewsets import ScopedReadOnlyViewSet
from apps.core.errors import OutOfScope
from apps.core.rules import permissions_of
from apps.core.uploads import private_file_response

from .. import actions, enterprise, services, verify
from ..choices import ApplicationKind
from ..filters import PermitApplicationFilter, ResidenceCertificateFilter, ResidencePermitFilter
from ..models import (
    EnterpriseRegistration,
    HomeVisit,
    PermitApplication,
    ResidenceCertificate,
    ResidencePermit,
)
from . import serializers as s


class PermitApplicationViewSet(viewsets.mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = PermitApplication.objects.all()
    serializer_class = s.PermitApplicationSerializer
    filterset_class = PermitApplicationFilter
    permission_classes = [ActionPermissions]
    owners_read = True
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    select_related = ("community",)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.PermitApplicationDetailSerializer
        return s.PermitApplicationSerializer

    def get_queryset(self):
        # The queue's order, longest waiting first; drafts and decided ones after it.
        qs = super().get_queryset().order_by(F("queued_at").asc(nulls_last=True), "-id")
        if self.action == "retrieve":
            qs = qs.prefetch_related("documents", self._visits())
        return qs

    def _visits(self) -> Prefetch:
        # Home visits are officers' notes: scoped without an owner, so an applicant gets none.
        return Prefetch("visits", queryset=HomeVisit.objects.restrict(self.request.user))

    def answer(self, application, code=status.HTTP_200_OK):
        application = PermitApplication.objects.prefetch_related("documents", self._visits()).get(
            pk=application.pk
        )
        return Response(
            s.PermitApplicationDetailSerializer(
                application, context=self.get_serializer_context()
            ).data,
            status=code,
        )

    @extend_schema(
        request=s.ApplicationCreateSerializer, responses={201: s.PermitApplicationDetailSerializer}
    )
    def create(self, request, *args, **kwargs):
        data = s.ApplicationCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        application = services.application_create(
            by=request.user, kind=ApplicationKind.REGISTRATION, **data.validated_data
        )
        return self.answer(application, status.HTTP_201_CREATED)

    documents = api_action(
        actions.DOCUMENT_ADD, responses={201: s.PermitApplicationDetailSerializer}, code=201
    )
    submit = api_action(actions.SUBMIT, responses=s.PermitApplicationDetailSerializer)
    review = api_action(actions.REVIEW, responses=s.PermitApplicationDetailSerializer)
    approve = api_action(actions.APPROVE, responses=s.PermitApplicationDetailSerializer)
    supplement = api_action(actions.SUPPLEMENT, responses=s.PermitApplicationDetailSerializer)
    reject = api_action(actions.REJECT, responses=s.PermitApplicationDetailSerializer)
    visit = api_action(
        actions.VISIT, responses={201: s.PermitApplicationDetailSerializer}, code=201
    )

    @extend_schema(request=None, responses={(200, "*/*"): OpenApiTypes.BINARY})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"documents/(?P<document_pk>[0-9]+)/file",
        url_name="document-file",
    )
    def document_file(self, request, pk=None, document_pk=None):
        """A document's file, for the app signed in with a device token (the HTML link
        needs a session): to the applicant and to officers in scope."""
        application = self.get_object()
        document = application.documents.filter(pk=document_pk).first()
        if document is None:
            raise OutOfScope(_("Not found."))
        document.application = application
        services.document_opened(document=document, by=request.user)
        return private_file_response(
            document.file.name,
            content_type=document.content_type,
            download_name=f"{document.kind}.{document.file.name.rsplit('.', 1)[-1]}",
        )


class LiveCodeMixin:
    """The live QR code of a certificate or permit, for an app that shows the document."""

    @extend_schema(responses=s.LiveCodeSerializer)
    @action(detail=True, methods=["get"], url_path="live-code")
    def live_code(self, request, pk=None):
        """A new live code: the verification link to show as a QR code, when it was made and
        when it expires (two minutes on). Ask again every `refresh_seconds`; `verify_url`
        of the document itself is the printout's static code."""
        code = verify.live_code(self.get_object())  # type: ignore[attr-defined]
        data = s.LiveCodeSerializer(
            {
                "verify_url": code.path,
                "made_at": code.made_at,
                "expires_at": code.expires_at,
                "refresh_seconds": settings.LIVE_REFRESH_SECONDS["permit_code"],
            }
        ).data
        return Response(data, headers={"Cache-Control": "no-store"})


class ResidenceCertificateViewSet(LiveCodeMixin, ScopedReadOnlyViewSet):
    queryset = ResidenceCertificate.objects.all()
    serializer_class = s.ResidenceCertificateSerializer
    filterset_class = ResidenceCertificateFilter
    permission_classes = [ActionPermissions]
    owners_read = True
    # The applicant's step, by the rule its service declares.
    action_permissions = {"permit_application": permissions_of(services.permit_application_start)}

    @extend_schema(
        request=s.PermitStartSerializer, responses={201: s.PermitApplicationDetailSerializer}
    )
    @action(detail=True, methods=["post"], url_path="permit-application")
    def permit_application(self, request, pk=None):
        """The permit application from this certificate (six months on), prefilled with the
        registration's data and documents: check it, then submit it."""
        data = s.PermitStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.permit_application_start(
            certificate=self.get_object(), by=request.user, **data.validated_data
        )
        application = PermitApplication.objects.prefetch_related(
            "documents", Prefetch("visits", queryset=HomeVisit.objects.none())
        ).get(pk=application.pk)
        return Response(
            s.PermitApplicationDetailSerializer(
                application, context=self.get_serializer_context()
            ).data,
            status=status.HTTP_201_CREATED,
        )


class ResidencePermitViewSet(LiveCodeMixin, ScopedReadOnlyViewSet):
    queryset = ResidencePermit.objects.all()
    serializer_class = s.ResidencePermitSerializer
    filterset_class = ResidencePermitFilter
    permission_classes = [ActionPermissions]
    owners_read = True

    def get_queryset(self):
        return super().get_queryset().prefetch_related("endorsements")

    endorse = api_action(actions.PERMIT_ENDORSE, responses=s.ResidencePermitSerializer)
    revoke = api_action(actions.PERMIT_REVOKE, responses=s.ResidencePermitSerializer)


class ContactOrModelPermissions(ModelPermissions):
    """An enterprise's contact person lists and uploads their unit's lists by the link to the
    unit, as on the portal (no role permission); anyone else needs the role's."""

    def has_permission(self, request, view):
        if request.method in (*SAFE_METHODS, "POST") and view.contact_unit() is not None:
            return True
        return super().has_permission(request, view)


class EnterpriseRegistrationViewSet(viewsets.mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """An enterprise's workers from a spreadsheet: POST the file, then poll the batch for its
    progress and report. The enterprise's contact person sees their unit's lists only."""

    queryset = EnterpriseRegistration.objects.all()
    serializer_class = s.EnterpriseRegistrationSerializer
    permission_classes = [ContactOrModelPermissions]
    parser_classes = [MultiPartParser, FormParser]
    select_related = ("enterprise",)

    def contact_unit(self):
        if not hasattr(self, "_contact_unit"):
            self._contact_unit = enterprise.contact_unit(self.request.user)
        return self._contact_unit

    @extend_schema(
        request=s.EnterpriseUploadSerializer, responses={201: s.EnterpriseRegistrationSerializer}
    )
    def create(self, request, *args, **kwargs):
        data = s.EnterpriseUploadSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        batch = enterprise.enterprise_upload(
            by=request.user,
            enterprise=data.validated_data.get("enterprise") or self.contact_unit(),
            upload=data.validated_data["file"],
        )
        batch = EnterpriseRegistration.objects.select_related("enterprise").get(pk=batch.pk)
        return Response(
            s.EnterpriseRegistrationSerializer(batch).data, status=status.HTTP_201_CREATED
        )
