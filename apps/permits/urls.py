"""Three audiences, one URLconf: officers under /permits/, citizens under /apply/, and the
public verification page /verify/<token> (no login)."""

from django.urls import path

from apps.accounts import portal as accounts
from apps.core.actions import action_view

from . import actions, portal, views

app_name = "permits"
urlpatterns = [
    # officers
    path("permits/", views.queue, name="queue"),
    path("permits/applications/", views.ApplicationList.as_view(), name="application_list"),
    path("permits/applications/<int:pk>/", views.application_detail, name="application_detail"),
    path(
        "permits/applications/<int:pk>/reveal/<str:field>/",
        views.ApplicationReveal.as_view(),
        name="application_reveal",
    ),
    path("permits/applications/<int:pk>/approve/", action_view(actions.APPROVE), name="approve"),
    path("permits/applications/<int:pk>/review/", action_view(actions.REVIEW), name="review"),
    path(
        "permits/applications/<int:pk>/supplement/",
        action_view(actions.SUPPLEMENT),
        name="supplement",
    ),
    path("permits/applications/<int:pk>/reject/", action_view(actions.REJECT), name="reject"),
    path("permits/applications/<int:pk>/visit/", action_view(actions.VISIT), name="visit"),
    path("permits/documents/<int:pk>/", views.document_file, name="document_file"),
    path("permits/certificates/", views.CertificateList.as_view(), name="certificate_list"),
    path("permits/certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("permits/certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("permits/certificates/<int:pk>/code/", views.certificate_code, name="certificate_code"),
    path("permits/permits/", views.PermitList.as_view(), name="permit_list"),
    path("permits/permits/<int:pk>/", views.permit_detail, name="permit_detail"),
    path("permits/permits/<int:pk>/pdf/", views.permit_pdf, name="permit_pdf"),
    path("permits/permits/<int:pk>/code/", views.permit_code, name="permit_code"),
    path("permits/permits/<int:pk>/photo/", views.permit_photo, name="permit_photo"),
    path(
        "permits/permits/<int:pk>/endorse/",
        action_view(actions.PERMIT_ENDORSE),
        name="permit_endorse",
    ),
    path(
        "permits/permits/<int:pk>/revoke/", action_view(actions.PERMIT_REVOKE), name="permit_revoke"
    ),
    path("permits/enterprise/", views.enterprise_batches, name="enterprise_batches"),
    path("permits/enterprise/<int:pk>/", views.enterprise_batch, name="enterprise_batch"),
    # citizens (their accounts: apps.accounts.portal)
    path("apply/", portal.home, name="portal_home"),
    path("apply/login/", accounts.PortalLogin.as_view(), name="portal_login"),
    path("apply/signup/", accounts.signup, name="portal_signup"),
    path("apply/login/code/", accounts.code_login, name="portal_code_login"),
    path("apply/password/", accounts.password_reset, name="portal_password_reset"),
    path("apply/new/", portal.application_new, name="portal_new"),
    path("apply/addresses/", portal.address_options, name="portal_addresses"),
    path("apply/<int:pk>/", portal.application, name="portal_application"),
    path("apply/<int:pk>/upload/", portal.upload, name="portal_upload"),
    path("apply/<int:pk>/submit/", portal.submit, name="portal_submit"),
    path("apply/certificates/<int:pk>/permit/", portal.permit_start, name="portal_permit_start"),
    path("apply/enterprise/", portal.enterprise_batches, name="portal_enterprise"),
    path("apply/enterprise/<int:pk>/", portal.enterprise_batch, name="portal_enterprise_batch"),
    # anyone
    path("verify/<str:token>", views.verify_document, name="verify"),
]
