"""Dispute mediation (矛盾纠纷调解): disputes from intake to follow-up, the mediators who
handle them, their sessions and agreements, follow-up visits and the lawyer's bookable
sittings.

Every row carries its owning station (directly or through its dispute) so that `restrict()`
scopes it; a mediator's account reads only the disputes assigned to them (`Scope.assigned`).
"""

from dataclasses import replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.limits import PLACE_MAX_LENGTH, LongTextField, clean_times
from apps.core.models import SameStationMixin, TimelineEntry, TimeStampedModel
from apps.core.names import validate_name
from apps.core.scoping import Scope, ScopedManager
from apps.core.timefmt import when
from apps.core.uploads import private_storage
from apps.registry.choices import Gender

from .choices import (
    CommitteeKind,
    ConfirmationStatus,
    Consent,
    DisputeCategory,
    DisputeSource,
    DisputeStatus,
    EscalationSign,
    FollowUpResult,
    MediationKind,
    MediatorKind,
    Outcome,
    PartyRole,
    Referral,
    RiskLevel,
    SessionMode,
)

STATION_SCOPE = Scope(station="station_id", bureau="station__bureau_id")
DISPUTE_CHILD_SCOPE = Scope(station="dispute__station_id", bureau="dispute__station__bureau_id")
# A judicial confirmation must be applied for within 30 days of the agreement taking effect
# (人民调解法 art. 33).
CONFIRMATION_WINDOW = timedelta(days=30)


def confirmation_deadline(took_effect: datetime) -> date:
    """The last day on which the parties may jointly apply to the court for judicial
    confirmation (人民调解法 art. 33): 30 days counted from the day after the agreement took
    effect, the day itself not counted. The one place of this rule: the agreement's
    deadline, the refusal of a late application and the mediator's list of closing windows
    all ask it."""
    return timezone.localdate(took_effect) + CONFIRMATION_WINDOW


class MediationCommittee(SameStationMixin, TimeStampedModel):
    """A people's mediation committee (人民调解委员会, 人民调解法 arts. 8, 13–14): set up by a
    village or residents' committee, or the township's committee sitting in the station's
    mediation room. Its name heads the 人民调解协议书 it issues and its seal (an image
    uploaded in admin) makes the agreement take effect (art. 29)."""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="mediation_committees",
        verbose_name=_("station"),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=CommitteeKind)
    community = models.ForeignKey(
        "stations.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediation_committees",
        verbose_name=_("village / community"),
    )
    seal = models.FileField(
        _("seal image"), storage=private_storage, max_length=200, blank=True, editable=False
    )

    objects = ScopedManager()
    scope = STATION_SCOPE
    same_station = {"community": _("The village / community belongs to another station.")}

    class Meta:
        verbose_name = _("people's mediation committee")
        verbose_name_plural = _("people's mediation committees")
        ordering = ["station_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["station", "name"], name="mediation_committee_unique")
        ]

    def __str__(self):
        return self.name


class Mediator(SameStationMixin, TimeStampedModel):
    """Someone who mediates for the station: a resident people's mediator, a lawyer with a
    weekly sitting, the court's tribunal (警法联调), committee staff or a peacemaker."""

    # Not a column: resolved ÷ concluded, as selectors.mediator_stats derives it.
    resolution_rate: float | None

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="mediators",
        verbose_name=_("station"),
    )
    name = models.CharField(_("name"), max_length=50, validators=[validate_name])
    kind = models.CharField(_("kind"), max_length=20, choices=MediatorKind)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    committee = models.ForeignKey(
        MediationCommittee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediators",
        verbose_name=_("mediation committee"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mediator_roles",
        verbose_name=_("user account"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager()
    scope = replace(STATION_SCOPE, assigned="user_id")
    same_station = {
        "user": _("This user account belongs to another station."),
        "committee": _("The committee belongs to another station."),
    }

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        ordering = ["station_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "name", "kind"], name="mediation_mediator_unique"
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("mediation:mediator_detail", args=[self.pk])


class Dispute(SameStationMixin, TimeStampedModel):
    """A dispute (矛盾纠纷) from intake through assessment, mediation and follow-up."""

    # Not a column: what the dispute waits for, as selectors.mediator_work says it.
    next_step: "str | Promise"

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="disputes",
        verbose_name=_("station"),
    )
    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=10, choices=DisputeSource)
    kind = models.CharField(
        _("kind of mediation"),
        max_length=10,
        choices=MediationKind,
        default=MediationKind.PEOPLES,
    )
    category = models.CharField(
        pgettext_lazy("dispute", "category"), max_length=10, choices=DisputeCategory
    )
    description = LongTextField(_("description"))
    place_text = models.CharField(_("place"), max_length=PLACE_MAX_LENGTH, blank=True)
    community = models.ForeignKey(
        "stations.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
        verbose_name=_("village / community"),
    )
    post = models.ForeignKey(
        "stations.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
        verbose_name=_("post"),
    )
    incident = models.OneToOneField(
        "cases.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispute",
        verbose_name=_("diverted incident"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DisputeStatus, default=DisputeStatus.RECEIVED
    )
    risk_level = models.CharField(_("risk level"), max_length=6, choices=RiskLevel, blank=True)
    signs = models.JSONField(_("signs of escalation"), default=list, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalation_incident = models.ForeignKey(
        "cases.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_disputes",
        verbose_name=_("incident for the police (兜底)"),
    )
    received_at = models.DateTimeField(
        pgettext_lazy("dispute", "received at"), default=timezone.now
    )
    assess_by = models.DateTimeField(_("assess by"))
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    mediator = models.ForeignKey(
        Mediator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
        verbose_name=_("mediator"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    referral = models.CharField(_("referred to"), max_length=14, choices=Referral, blank=True)
    outcome_note = LongTextField(_("outcome details"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The day the assessment reminder last went out, so that a re-run sends it once a day.
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True, editable=False)
    # The session the mediator has planned (on the mediator's home, in the invitations),
    # until a session on or after its day is recorded.
    next_session_at = models.DateTimeField(_("next session at"), null=True, blank=True)
    next_session_mode = models.CharField(
        _("next session's mode"), max_length=10, choices=SessionMode, blank=True
    )
    next_session_place = models.CharField(
        _("next session's place"), max_length=PLACE_MAX_LENGTH, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ScopedManager()
    scope = replace(STATION_SCOPE, assigned="mediator__user_id")
    same_station = {
        "community": _("The village / community belongs to another station."),
        "post": _("The post belongs to another station."),
        "mediator": _("The mediator works for another station."),
    }

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["station", "-received_at", "-id"]),
            models.Index(fields=["station", "status", "assess_by"]),
            models.Index(fields=["mediator", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=DisputeStatus.FAILED) | ~models.Q(referral=""),
                name="mediation_failed_has_referral",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("mediation:dispute_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status == DisputeStatus.RECEIVED and self.assess_by < timezone.now()

    @property
    def sign_labels(self) -> list[str]:
        return [EscalationSign(sign).label for sign in self.signs]

    @property
    def is_escalated(self) -> bool:
        return self.risk_level == RiskLevel.HIGH or bool(self.signs)


class DisputeRecord(models.Model):
    """A record of one dispute (party, event, session, agreement, follow-up, message): scoped
    by the dispute's station and, for a mediator's account, by the dispute's mediator."""

    objects = ScopedManager()
    scope = replace(DISPUTE_CHILD_SCOPE, assigned="dispute__mediator__user_id")

    class Meta:
        abstract = True


class DisputeParty(DisputeRecord):
    """A party to a dispute, linked to the registry when known, or by name and phone."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="parties", verbose_name=_("dispute")
    )
    role = models.CharField(_("role"), max_length=10, choices=PartyRole)
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispute_parties",
        verbose_name=_("person (registry)"),
    )
    name = models.CharField(
        pgettext_lazy("person", "name"), max_length=50, validators=[validate_name]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The basic details the written agreement states (人民调解法 art. 29).
    gender = models.CharField(_("gender"), max_length=6, choices=Gender, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=PLACE_MAX_LENGTH, blank=True)
    # Mediation is voluntary (arts. 3, 17): each party's consent or refusal, with its time,
    # before any session or agreement.
    consent = models.CharField(
        _("consent"), max_length=8, choices=Consent, blank=True, default=Consent.PENDING
    )
    consent_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispute party")
        verbose_name_plural = _("dispute parties")
        ordering = ["dispute_id", "role", "id"]

    def __str__(self):
        return f"{self.name} · {self.get_role_display()}"


class DisputeEvent(DisputeRecord, TimelineEntry):
    """One entry of a dispute's timeline: every transition, flag, session and follow-up."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="events", verbose_name=_("dispute")
    )
    status = models.CharField(_("status"), max_length=12, choices=DisputeStatus, blank=True)
    text = models.CharField(_("text"), max_length=500)

    class Meta:
        verbose_name = _("dispute event")
        verbose_name_plural = _("dispute events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.dispute} · {self.text}"


class MediationSession(DisputeRecord):
    """One mediation session, in the mediation room or online."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("dispute")
    )
    held_at = models.DateTimeField(_("held at"))
    mode = models.CharField(
        _("mode"), max_length=10, choices=SessionMode, default=SessionMode.IN_PERSON
    )
    place = models.CharField(_("place"), max_length=PLACE_MAX_LENGTH, blank=True)
    attendees = models.CharField(_("attendees"), max_length=300)
    notes = LongTextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["-held_at", "-id"]

    def __str__(self):
        return f"{self.dispute} · {when(self.held_at)}"

    def clean(self):
        super().clean()
        clean_times(self, past=["held_at"])


class Agreement(DisputeRecord):
    """The mediation agreement (调解协议, 人民调解法 arts. 28–29): the disputed matters and
    each party's responsibility, its terms, the manner and deadline of performance, the
    signatures (each party's, ticked with the time, or a signed scan; the mediator's; the
    committee's seal for people's mediation) and its judicial confirmation (司法确认).

    A written agreement takes effect when the last required signature or seal is recorded
    (`effective_at`, set by the services); an oral one when reached (art. 28)."""

    # Not columns: the confirmation window as selectors.mediator_work reckons it.
    deadline: date
    days_left: int
    closing: bool

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("dispute")
    )
    oral = models.BooleanField(_("oral agreement"), default=False)
    facts = LongTextField(_("main facts"), blank=True)
    matters = LongTextField(_("disputed matters"), blank=True)
    responsibility = LongTextField(_("each party's responsibility"), blank=True)
    terms = LongTextField(_("terms"))
    performance = LongTextField(_("manner of performance"), blank=True)
    performance_deadline = models.DateField(_("performance deadline"), null=True, blank=True)
    made_at = models.DateTimeField(_("made at"), default=timezone.now)
    mediator_signed_at = models.DateTimeField(_("mediator signed at"), null=True, blank=True)
    sealed_at = models.DateTimeField(_("committee seal affixed at"), null=True, blank=True)
    effective_at = models.DateTimeField(_("in effect since"), null=True, blank=True, editable=False)
    confirmation_reminded_on = models.DateField(
        _("confirmation reminder sent on"), null=True, blank=True, editable=False
    )
    scan = models.FileField(
        _("signed scan"), storage=private_storage, max_length=200, blank=True, editable=False
    )
    scan_name = models.CharField(_("scan file name"), max_length=200, blank=True)
    scan_content_type = models.CharField(_("scan content type"), max_length=50, blank=True)
    confirmation = models.CharField(
        _("judicial confirmation"),
        max_length=10,
        choices=ConfirmationStatus,
        blank=True,
        default=ConfirmationStatus.NONE,
    )
    confirmation_applied_on = models.DateField(
        _("applied for confirmation on"), null=True, blank=True
    )
    confirmation_decided_on = models.DateField(_("confirmation decided on"), null=True, blank=True)
    confirmation_ruling = models.CharField(_("court's ruling"), max_length=200, blank=True)
    # False once a follow-up finds it was not carried out and the dispute is reopened.
    in_force = models.BooleanField(_("in force"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-made_at", "-id"]

    def __str__(self):
        return f"{self.dispute} · {when(self.made_at, 'date')}"

    @property
    def confirmation_deadline(self) -> date | None:
        """None while the agreement is not in effect: no window is open yet."""
        return confirmation_deadline(self.effective_at) if self.effective_at else None

    @property
    def needs_seal(self) -> bool:
        """Only a people's mediation committee's agreement carries its seal (art. 29)."""
        return self.dispute.kind == MediationKind.PEOPLES

    @property
    def in_effect(self) -> bool:
        return self.effective_at is not None


class AgreementSignature(models.Model):
    """A party's signature of an agreement, ticked by the mediator with the time."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("agreement")
    )
    party = models.ForeignKey(
        DisputeParty, on_delete=models.CASCADE, related_name="+", verbose_name=_("party")
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    objects = ScopedManager()
    scope = Scope(
        station="agreement__dispute__station_id",
        bureau="agreement__dispute__station__bureau_id",
        assigned="agreement__dispute__mediator__user_id",
    )

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["agreement_id", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "party"], name="mediation_signature_unique"
            )
        ]

    def __str__(self):
        return f"{self.party.name} · {when(self.signed_at)}"


class FollowUp(DisputeRecord):
    """A follow-up visit (回访) after an agreement: due on a day, on an officer's list."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("dispute")
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("agreement")
    )
    due_on = models.DateField(_("due on"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mediation_follow_ups",
        verbose_name=_("community officer"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    result = models.CharField(_("result"), max_length=16, choices=FollowUpResult, blank=True)
    note = LongTextField(_("note"), blank=True)
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["officer", "done_at", "due_on"])]

    def __str__(self):
        return f"{self.dispute} · {when(self.due_on, 'date')}"

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()


class LawyerSlot(SameStationMixin, models.Model):
    """One bookable slot of a lawyer's sitting in the station's mediation room."""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="lawyer_slots",
        verbose_name=_("station"),
    )
    mediator = models.ForeignKey(
        Mediator, on_delete=models.CASCADE, related_name="slots", verbose_name=_("lawyer")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=PLACE_MAX_LENGTH, blank=True)
    dispute = models.ForeignKey(
        Dispute,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lawyer_slots",
        verbose_name=_("dispute"),
    )
    booked_for = models.CharField(_("booked for"), max_length=100, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    booked_at = models.DateTimeField(_("booked at"), null=True, blank=True)

    objects = ScopedManager()
    scope = replace(STATION_SCOPE, assigned="mediator__user_id")
    same_station = {
        "mediator": _("The mediator works for another station."),
        "dispute": _("The dispute belongs to another station."),
    }

    class Meta:
        verbose_name = _("lawyer's slot")
        verbose_name_plural = _("lawyer's slots")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mediator", "starts_at"], name="mediation_slot_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="mediation_slot_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.mediator.name} · {when(self.starts_at, 'short')}"

    def clean(self):
        super().clean()
        clean_times(self, planned=["starts_at"])

    @property
    def is_booked(self) -> bool:
        return self.booked_at is not None


class ThreadMessage(DisputeRecord):
    """A message of a dispute's online mediation thread (易联调), written by staff or by a
    party who joined through a signed invitation link; kept with the dispute."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="messages", verbose_name=_("dispute")
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff author"),
    )
    party = models.ForeignKey(
        DisputeParty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("party"),
    )
    text = LongTextField(_("text"), blank=True)
    file = models.FileField(
        _("attachment"), storage=private_storage, max_length=200, blank=True, editable=False
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("thread message")
        verbose_name_plural = _("thread messages")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(author__isnull=True, party__isnull=False)
                | models.Q(author__isnull=False, party__isnull=True),
                name="mediation_message_one_author",
            )
        ]

    def __str__(self):
        return f"{self.dispute} · {self.sender}"

    @property
    def sender(self) -> str:
        """Who wrote it, as the parties and the staff both see it: a party by name, the
        dispute's mediator as "杨德明 调解员", other staff by their full name; never an
        account's login name."""
        if self.party_id:
            return self.party.name
        mediator = self.dispute.mediator
        if mediator is not None and mediator.user_id == self.author_id:
            return _("%(name)s, mediator") % {"name": mediator.name}
        return self.author.get_full_name() or str(_("Station staff"))


class PartyInvitation(DisputeRecord):
    """An invitation to the online mediation texted to a party's mobile (the number stays on
    the party): the text as it went out (with the signed link), who asked for it, and when
    the sender carried it."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("dispute")
    )
    party = models.ForeignKey(
        DisputeParty,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("party"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("texted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("texted invitation")
        verbose_name_plural = _("texted invitations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["party", "-created_at"])]

    def __str__(self):
        return f"{self.dispute} · {self.party.name}"
