"""Forms of the mediation pages; they validate shapes, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.forms import style_field
from apps.core.limits import PLACE_MAX_LENGTH, TEXT_MAX_LENGTH, validate_past
from apps.core.scoping import CHANGE
from apps.registry.choices import Gender
from apps.stations.models import Community

from .choices import (
    ConfirmationStatus,
    Consent,
    DisputeCategory,
    DisputeSource,
    EscalationSign,
    FollowUpResult,
    MediationKind,
    PartyRole,
    Referral,
    RiskLevel,
    SessionMode,
)
from .models import Mediator


class StyledForm(forms.Form):
    """Bootstrap-styled fields; checkbox lists keep their own look."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple):
                style_field(field)


class DisputeForm(StyledForm):
    source = forms.ChoiceField(label=_("Source"), choices=DisputeSource.choices)
    kind = forms.ChoiceField(
        label=_("Kind of mediation"),
        choices=MediationKind.choices,
        initial=MediationKind.PEOPLES,
        required=False,
    )
    category = forms.ChoiceField(label=_("Dispute category"), choices=DisputeCategory.choices)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )
    place_text = forms.CharField(label=_("Place"), max_length=PLACE_MAX_LENGTH, required=False)
    community = forms.ModelChoiceField(
        label=_("Village / community"), queryset=Community.objects.none(), required=False
    )
    applicant = forms.CharField(label=_("Applicant"), max_length=50, required=False)
    applicant_phone = forms.CharField(label=_("Applicant's phone"), max_length=20, required=False)
    respondent = forms.CharField(label=_("Respondent"), max_length=50, required=False)
    respondent_phone = forms.CharField(label=_("Respondent's phone"), max_length=20, required=False)
    signs = forms.MultipleChoiceField(
        label=_("Signs of escalation"),
        choices=EscalationSign.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.restrict(user, CHANGE)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        parties = []
        for role in (PartyRole.APPLICANT, PartyRole.RESPONDENT):
            name, phone = data.pop(str(role)), data.pop(f"{role}_phone")
            if name.strip():
                parties.append({"role": role, "name": name, "phone": phone})
        return {**data, "kind": data["kind"] or MediationKind.PEOPLES, "parties": parties}


class AssessForm(StyledForm):
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    category = forms.ChoiceField(
        label=_("Dispute category"), choices=[("", "—"), *DisputeCategory.choices], required=False
    )
    signs = forms.MultipleChoiceField(
        label=_("Signs of escalation"),
        choices=EscalationSign.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class FlagForm(StyledForm):
    signs = forms.MultipleChoiceField(
        label=_("Signs of escalation"),
        choices=EscalationSign.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=[("", "—"), *RiskLevel.choices], required=False
    )


class AssignForm(StyledForm):
    mediator = forms.ModelChoiceField(label=_("Mediator"), queryset=Mediator.objects.none())

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = Mediator.objects.filter(station=station, is_active=True)


class PartyForm(StyledForm):
    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False
    )
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=150, required=False)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=PLACE_MAX_LENGTH, required=False)


class ConsentForm(StyledForm):
    """A party's consent to mediation, or refusal with the referral (人民调解法 arts. 3, 17)."""

    party = forms.ChoiceField(label=_("Party"))
    consent = forms.ChoiceField(label=_("Answer"), choices=[c for c in Consent.choices if c[0]])
    at = forms.DateTimeField(label=_("Time"), validators=[validate_past])
    referral = forms.ChoiceField(
        label=_("If refused, referred to"), choices=[("", "—"), *Referral.choices], required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {str(p.pk): p for p in parties}
        self.fields["party"].choices = [(pk, p.name) for pk, p in self.parties.items()]

    def clean_party(self):
        return self.parties[self.cleaned_data["party"]]


def signer_choices(agreement, parties) -> list[tuple[str, str]]:
    """Who may still sign the written agreement: each party who has not, the mediator, the
    committee's seal (people's mediation only)."""
    signed = {s.party_id for s in agreement.signatures.all()}
    choices = [(f"party-{p.pk}", p.name) for p in parties if p.pk not in signed]
    if agreement.mediator_signed_at is None:
        choices.append(("mediator", str(_("The mediator"))))
    if agreement.needs_seal and agreement.sealed_at is None:
        choices.append(("seal", str(_("The committee's seal"))))
    return choices


class SignForm(StyledForm):
    """Record one signature of the agreement in force: a party's, the mediator's or the
    committee's seal. Cleaned as the API's input: the agreement, the signer ("party",
    "mediator" or "seal") and the party."""

    signer = forms.ChoiceField(label=_("Signed by"))

    def __init__(self, *args, agreement=None, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self.parties = {p.pk: p for p in parties}
        choices = signer_choices(agreement, self.parties.values()) if agreement else []
        self.fields["signer"].choices = choices

    def clean(self):
        data = super().clean()
        signer = data.get("signer", "")
        party = None
        if signer.startswith("party-"):
            party = self.parties[int(signer.removeprefix("party-"))]
            signer = "party"
        return {**data, "agreement": self.agreement, "signer": signer, "party": party}


class SessionForm(StyledForm):
    held_at = forms.DateTimeField(label=_("Held at"), validators=[validate_past])
    mode = forms.ChoiceField(label=_("Mode"), choices=SessionMode.choices)
    place = forms.CharField(label=_("Place"), max_length=PLACE_MAX_LENGTH, required=False)
    attendees = forms.CharField(label=_("Attendees"), max_length=300)
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )


class ScheduleForm(StyledForm):
    at = forms.DateTimeField(label=_("Date and time"))
    mode = forms.ChoiceField(label=_("Mode"), choices=SessionMode.choices)
    place = forms.CharField(label=_("Place"), max_length=PLACE_MAX_LENGTH, required=False)


class InviteForm(forms.Form):
    party = forms.IntegerField(widget=forms.HiddenInput)


def _area(label, rows=2, required=False):
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=TEXT_MAX_LENGTH,
        required=required,
    )


class AgreementForm(StyledForm):
    """The agreement as 人民调解法 art. 29 lists it; the facts default to the dispute's."""

    oral = forms.BooleanField(label=_("Oral agreement (in effect when reached)"), required=False)
    facts = _area(_("Main facts (the dispute's description if left empty)"))
    matters = _area(_("Disputed matters"))
    responsibility = _area(_("Each party's responsibility"))
    terms = _area(_("Terms"), rows=5, required=True)
    performance = _area(_("Manner of performance"))
    performance_deadline = forms.DateField(label=_("Performance deadline"), required=False)
    signed_parties = forms.MultipleChoiceField(
        label=_("Signed by"), required=False, widget=forms.CheckboxSelectMultiple
    )
    mediator_signed = forms.BooleanField(label=_("The mediator has signed"), required=False)
    sealed = forms.BooleanField(label=_("The committee's seal is affixed"), required=False)
    scan = forms.FileField(label=_("Signed scan"), required=False)

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_parties"].choices = [(str(p.pk), p.name) for p in parties]

    def clean_signed_parties(self):
        return [int(pk) for pk in self.cleaned_data["signed_parties"]]


class ConfirmationForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Judicial confirmation"),
        choices=[c for c in ConfirmationStatus.choices if c[0]],
    )
    on = forms.DateField(label=_("Date"), validators=[validate_past])
    ruling = forms.CharField(label=_("Court's ruling"), max_length=200, required=False)

    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement

    def clean(self):
        return {**super().clean(), "agreement": self.agreement}


class FailForm(StyledForm):
    referral = forms.ChoiceField(label=_("Referred to"), choices=Referral.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class NoteForm(StyledForm):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class FollowUpForm(StyledForm):
    result = forms.ChoiceField(label=_("Result"), choices=FollowUpResult.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, follow_up=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.follow_up = follow_up

    def clean(self):
        return {**super().clean(), "follow_up": self.follow_up}


class BookForm(StyledForm):
    booked_for = forms.CharField(label=_("Booked for"), max_length=100, required=False)
    # The dispute's number, looked up in the booker's scope (apps.mediation.actions).
    dispute = forms.CharField(label=_("Dispute number"), max_length=40, required=False)


class MessageForm(StyledForm):
    text = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )
    file = forms.FileField(label=_("Attachment"), required=False)
