"""Residence registration (居住登记) and residence permits (居住证): the applications citizens
file from the portal (or desk officers at the window), their documents and home visits, and
what approval issues — the residence certificate (居住凭证, kept for good) and the residence
permit with its yearly endorsement (签注).

Every row carries its owning station (directly or through its application) so that
`restrict()` scopes it for officers, and its applicant (a citizen's user) so that the same
`restrict()` gives citizens their own records and nothing else.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.models import SameStationMixin, TimeStampedModel
from apps.core.names import validate_name
from apps.core.progress import get_progress
from apps.core.scoping import Scope, ScopedManager
from apps.core.timefmt import when
from apps.core.uploads import private_storage
from apps.registry.choices import Gender

from .choices import (
    ApplicationKind,
    ApplicationStatus,
    Basis,
    DocumentKind,
    EventKind,
    PermitState,
    VisitResult,
)

APPLICATION_SCOPE = Scope(station="station_id", bureau="station__bureau_id", owner="applicant_id")
VIA_APPLICATION = Scope(
    station="application__station_id",
    bureau="application__station__bureau_id",
    owner="application__applicant_id",
)
ISSUED_SCOPE = Scope(station="station_id", bureau="station__bureau_id", owner="holder_id")
VERIFY_SALT = "permits.verify"


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


class PermitApplication(SameStationMixin, TimeStampedModel):
    """An application for residence registration or for a residence permit, from draft to
    decision (workflow.TRANSITIONS)."""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="permit_applications",
        verbose_name=_("station"),
    )
    post = models.ForeignKey(
        "stations.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="permit_applications",
        verbose_name=_("post"),
    )
    community = models.ForeignKey(
        "stations.Community",
        on_delete=models.PROTECT,
        related_name="permit_applications",
        verbose_name=_("village / community"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ApplicationKind)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="permit_applications",
        verbose_name=_("applicant's account"),
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="permit_applications",
        verbose_name=_("person (registry)"),
    )
    # The registration whose certificate makes a permit application eligible.
    registration = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="permit_applications",
        verbose_name=_("registration"),
    )
    name = models.CharField(
        pgettext_lazy("person", "name"), max_length=50, validators=[validate_name]
    )
    id_number = models.CharField(_("ID number"), max_length=18)
    phone = models.CharField(_("phone"), max_length=20)
    address = models.ForeignKey(
        "registry.Address",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="permit_applications",
        verbose_name=_("standard address"),
    )
    address_text = models.CharField(_("residence address"), max_length=200)
    # 户籍地 (居住证暂行条例 第二条): the region code of the household registration, by
    # default the ID number's first six digits, as recorded by the applicant or the officer.
    household_region = models.CharField(
        _("household registration region code"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^[1-9][0-9]{5}\Z", _("A region code has six digits."))],
    )
    household_address = models.CharField(_("household address"), max_length=200, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    basis = models.CharField(_("basis"), max_length=12, choices=Basis)
    basis_detail = models.CharField(_("employer, landlord or school"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus, default=ApplicationStatus.DRAFT
    )
    # When the application last entered the officers' queue: the queue's order.
    queued_at = models.DateTimeField(_("waiting since"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The last time a complete application reached the station (its submission, or its
    # resubmission after a supplement): the legal time limit runs from here (deadlines.py).
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    officer_message = models.CharField(_("officer's message"), max_length=500, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    # Approved on the officer's explicit confirmation that they checked the documents,
    # without opening each one here (the originals at the window, say).
    documents_confirmed = models.BooleanField(
        _("documents confirmed without opening each"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    enterprise = models.ForeignKey(
        "registry.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="permit_applications",
        verbose_name=_("registered by enterprise"),
    )
    # The enterprise's list this row was declared on: an officer confirms each row.
    batch = models.ForeignKey(
        "EnterpriseRegistration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("enterprise list"),
    )

    objects = ScopedManager()
    scope = APPLICATION_SCOPE
    same_station = {
        "post": _("The post belongs to another station."),
        "community": _("The village / community belongs to another station."),
        "address": _("The standard address belongs to another station."),
    }

    class Meta:
        verbose_name = _("permit application")
        verbose_name_plural = _("permit applications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["station", "status", "queued_at"]),
            models.Index(fields=["post", "status", "queued_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.name}"

    def get_absolute_url(self):
        return reverse("permits:application_detail", args=[self.pk])

    def get_portal_url(self) -> str:
        return reverse("permits:portal_application", args=[self.pk])


class ApplicationDocument(models.Model):
    """A document uploaded for an application: checked by content, stored privately, served
    only to its applicant and to officers in scope."""

    application = models.ForeignKey(
        PermitApplication,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind)
    file = models.FileField(_("file"), storage=private_storage, max_length=200, editable=False)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedManager()
    scope = VIA_APPLICATION

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["application_id", "kind", "uploaded_at", "id"]

    def __str__(self):
        return self.get_kind_display()

    def get_absolute_url(self):
        return reverse("permits:document_file", args=[self.pk])


class DocumentOpening(models.Model):
    """An officer opened a document's file (the review page's viewer, a new tab or the
    tablet's API): approving asks that the approving officer opened every document. The
    first opening per officer is kept; a replaced document takes its openings with it."""

    document = models.ForeignKey(
        ApplicationDocument,
        on_delete=models.CASCADE,
        related_name="openings",
        verbose_name=_("document"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("officer"),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)

    objects = ScopedManager()
    # The officers' trace of their review: the applicant does not see it.
    scope = Scope(
        station="document__application__station_id",
        bureau="document__application__station__bureau_id",
    )

    class Meta:
        verbose_name = _("document opening")
        verbose_name_plural = _("document openings")
        ordering = ["document_id", "opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "officer"], name="permits_document_opened_once"
            )
        ]

    def __str__(self):
        return f"{self.document} · {self.officer}"


class ApplicationEvent(models.Model):
    """One step of an application as its timeline shows it: each change of status, and
    each home visit (its date only: the findings are the officers' notes)."""

    application = models.ForeignKey(
        PermitApplication,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    objects = ScopedManager()
    scope = VIA_APPLICATION

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["application_id", "at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d}"


class HomeVisit(models.Model):
    """An officer's check on site (上门核查): when, who, and what was found."""

    application = models.ForeignKey(
        PermitApplication,
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name=_("application"),
    )
    visited_on = models.DateField(_("visited on"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("officer"),
    )
    result = models.CharField(_("result"), max_length=12, choices=VisitResult)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager()
    # Visits are officers' notes: the applicant does not see them.
    scope = Scope(station="application__station_id", bureau="application__station__bureau_id")

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["application_id", "-visited_on", "-id"]

    def __str__(self):
        return f"{self.visited_on} · {self.get_result_display()}"


class IssuedDocument(models.Model):
    """What the certificate and the permit share: the holder, the number, and the nonce of
    the signed verification token (a new nonce voids every QR code printed before)."""

    station = models.ForeignKey(
        "stations.Station", on_delete=models.PROTECT, related_name="+", verbose_name=_("station")
    )
    post = models.ForeignKey(
        "stations.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("post"),
    )
    application = models.OneToOneField(
        PermitApplication,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("application"),
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("holder's account"),
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person (registry)"),
    )
    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    name = models.CharField(
        pgettext_lazy("person", "name"), max_length=50, validators=[validate_name]
    )
    id_number = models.CharField(_("ID number"), max_length=18)
    address_text = models.CharField(_("residence address"), max_length=200)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    verify_nonce = models.CharField(max_length=24, default=new_nonce, editable=False)

    objects = ScopedManager()
    scope = ISSUED_SCOPE
    verify_kind = ""

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.number} · {self.name}"

    @property
    def verify_token(self) -> str:
        """The printed document's static code (the page shows a live one: permits.verify).
        Signed (HMAC with SECRET_KEY) and carrying a random nonce: not guessable, not
        forgeable, and it names no number or person in the clear."""
        return signing.dumps([self.verify_kind, self.pk, self.verify_nonce], salt=VERIFY_SALT)

    def get_verify_url(self):
        return reverse("permits:verify", args=[self.verify_token])


class ResidenceCertificate(IssuedDocument):
    """The residence certificate (居住凭证), issued at once on approval of a registration and
    kept for good. Six months after it, the holder may apply for a permit."""

    application = models.OneToOneField(
        PermitApplication,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("application"),
    )
    verify_kind = "c"

    class Meta:
        verbose_name = _("residence certificate")
        verbose_name_plural = _("residence certificates")
        ordering = ["-issued_at", "-id"]

    def get_absolute_url(self):
        return reverse("permits:certificate_detail", args=[self.pk])

    @property
    def state(self) -> str:
        return PermitState.VALID


class ResidencePermit(IssuedDocument):
    """The residence permit (居住证): valid a year at a time, extended by each yearly
    endorsement (签注); not endorsed in time it lapses, endorsed late it is restored."""

    application = models.OneToOneField(
        PermitApplication,
        on_delete=models.PROTECT,
        related_name="permit",
        verbose_name=_("application"),
    )
    photo = models.FileField(_("photo"), storage=private_storage, max_length=200, editable=False)
    # What 居住证暂行条例 第四条 has the permit record, beside name, number, addresses, photo
    # and validity: gender, ethnicity, date of birth, household address and the issuing organ
    # (the county-level public-security organ: the station's sub-bureau, 第十条).
    gender = models.CharField(_("gender"), max_length=6, choices=Gender, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    household_address = models.CharField(_("household address"), max_length=200, blank=True)
    issuing_organ = models.CharField(_("issuing organ"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    lapsed_at = models.DateTimeField(_("lapsed at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    # The due date the holder was last reminded of: one reminder per endorsement cycle.
    reminded_for = models.DateField(_("reminded for"), null=True, blank=True)
    verify_kind = "p"

    class Meta:
        verbose_name = _("residence permit")
        verbose_name_plural = _("residence permits")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")),
                name="permits_permit_validity_order",
            )
        ]

    def get_absolute_url(self):
        return reverse("permits:permit_detail", args=[self.pk])

    @property
    def state(self) -> str:
        if self.revoked_at:
            return PermitState.REVOKED
        if self.lapsed_at or self.valid_until < timezone.localdate():
            return PermitState.LAPSED
        return PermitState.VALID

    def get_state_display(self) -> str:
        return PermitState(self.state).label


class PermitEndorsement(models.Model):
    """One yearly endorsement (签注) of a permit."""

    permit = models.ForeignKey(
        ResidencePermit,
        on_delete=models.CASCADE,
        related_name="endorsements",
        verbose_name=_("residence permit"),
    )
    endorsed_at = models.DateTimeField(_("endorsed at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("endorsed by"),
    )
    valid_until = models.DateField(_("now valid until"))

    objects = ScopedManager()
    scope = Scope(
        station="permit__station_id",
        bureau="permit__station__bureau_id",
        owner="permit__holder_id",
    )

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["permit_id", "-endorsed_at"]

    def __str__(self):
        return f"{self.permit.number} · {when(self.endorsed_at, 'date')}"


class EnterpriseRegistration(TimeStampedModel):
    """An enterprise's list of workers (CSV/XLSX), declared in one go: each valid row becomes
    a submitted registration that an officer confirms (and decides) one by one, each bad row
    a line of the report. Runs in one background task whose progress the page polls."""

    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    station = models.ForeignKey(
        "stations.Station", on_delete=models.PROTECT, related_name="+", verbose_name=_("station")
    )
    enterprise = models.ForeignKey(
        "registry.Unit",
        on_delete=models.PROTECT,
        related_name="worker_registrations",
        verbose_name=_("enterprise"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), storage=private_storage, max_length=200, editable=False)
    file_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PROCESSING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    registered_rows = models.PositiveIntegerField(_("registered"), default=0)
    rejected = models.JSONField(_("rejected rows"), default=list, blank=True)
    failure = models.CharField(_("failure"), max_length=300, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedManager()
    # The enterprise's contact person sees every list of their unit (whoever uploaded it)
    # and no other unit's: the link to the unit is their scope, not a station.
    scope = Scope(
        station="station_id", bureau="station__bureau_id", contacts="enterprise__contacts__user_id"
    )

    class Meta:
        verbose_name = _("enterprise registration")
        verbose_name_plural = _("enterprise registrations")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.enterprise} · {when(self.created_at, 'date')}"

    @property
    def progress_key(self) -> str:
        return f"permits-enterprise-{self.pk}"

    @property
    def progress_percent(self) -> int:
        """How far the background task has come (from the cache, not the database)."""
        if self.status != self.Status.PROCESSING:
            return 100
        return get_progress(self.progress_key)["percent"]


class EnterpriseContact(models.Model):
    """The person an enterprise in the registry names to register its workers: a citizen
    account (no station, no staff role) that may upload lists for this one unit from the
    portal and see that unit's lists, and nothing else. Linked by the station's staff."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enterprise_contact",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        "registry.Unit",
        on_delete=models.CASCADE,
        related_name="contacts",
        limit_choices_to={"kind": "enterprise"},
        verbose_name=_("enterprise"),
    )
    # The unit's station, copied on save so that scoping needs no join.
    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("station"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()
    scope = Scope(station="station_id", bureau="station__bureau_id", owner="user_id")

    class Meta:
        verbose_name = _("enterprise contact")
        verbose_name_plural = _("enterprise contacts")
        ordering = ["unit_id", "id"]

    def __str__(self):
        return f"{self.unit} · {self.user}"

    def save(self, *args, **kwargs):
        self.station_id = self.unit.station_id
        super().save(*args, **kwargs)

    def clean(self):
        from apps.accounts.choices import UserKind

        super().clean()
        errors = {}
        if self.unit_id and self.unit.kind != "enterprise":
            errors["unit"] = _("Only an enterprise has a contact person.")
        user = self.user if self.user_id else None
        if user is not None and (
            user.kind != UserKind.CITIZEN or user.station_id or user.bureau_id or user.is_staff
        ):
            # Staff register lists from their own page; a contact's account reaches one unit.
            errors["user"] = _("The contact person must be a citizen's account.")
        if errors:
            raise ValidationError(errors)
