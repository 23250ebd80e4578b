from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationKind(models.TextChoices):
    REGISTRATION = "registration", _("Residence registration (居住登记)")
    PERMIT = "permit", _("Residence permit (居住证)")


class Basis(models.TextChoices):
    EMPLOYMENT = "employment", _("Stable employment")
    HOUSING = "housing", _("Stable housing")
    STUDY = "study", _("Continuous study")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    NEEDS_SUPPLEMENT = "needs_supplement", _("Needs supplement")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class EventKind(models.TextChoices):
    """The steps of an application's timeline: its changes of status and the home visits."""

    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    NEEDS_SUPPLEMENT = "needs_supplement", _("Needs supplement")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    VISITED = "visited", _("Home visit")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DocumentKind(models.TextChoices):
    ID_FRONT = "id_front", _("ID card, front")
    ID_BACK = "id_back", _("ID card, back")
    LEASE_OR_PROPERTY = "lease_or_property", _("Lease or property proof")
    EMPLOYMENT_OR_STUDY = "employment_or_study", _("Employment or study proof")
    PORTRAIT = "portrait", _("Portrait photo")


class VisitResult(models.TextChoices):
    CONFIRMED = "confirmed", _("Lives there as stated")
    DISCREPANCY = "discrepancy", _("Differs from the application")
    NOBODY_HOME = "nobody_home", _("Nobody at home")


class PermitState(models.TextChoices):
    VALID = "valid", _("Valid")
    LAPSED = "lapsed", _("Lapsed (not endorsed)")
    REVOKED = "revoked", _("Revoked")
