import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.forms import ScopedModelForm, style_field
from apps.core.limits import PLACE_MAX_LENGTH, TEXT_MAX_LENGTH, validate_plannable
from apps.registry.models import Person
from apps.stations.models import Community, Post, StaffAssignment

from .choices import (
    CaseKind,
    CaseOutcome,
    Disposition,
    EvidenceKind,
    ExtensionKind,
    IncidentSource,
    InjuryGrade,
    PartyRole,
    Priority,
    SuspensionKind,
)
from .models import Case, DutyShift, IncidentCategory, IncomingCall


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_field(field)


class CategoryChoiceField(forms.ModelChoiceField):
    """Minor categories grouped under their major one, as the desk knows them."""

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.parent.name} · {obj.name}"


class IncidentIntakeForm(BootstrapForm):
    """The desk's fast intake: category, place, caller. Tab order follows the call."""

    category = CategoryChoiceField(
        queryset=IncidentCategory.objects.none(), label=_("Incident category")
    )
    place_text = forms.CharField(label=_("Place"), max_length=PLACE_MAX_LENGTH)
    community = forms.ModelChoiceField(
        queryset=Community.objects.none(), required=False, label=_("Village / community")
    )
    caller_phone = forms.CharField(label=_("Caller's phone"), max_length=20, required=False)
    caller_name = forms.CharField(label=_("Caller's name"), max_length=50, required=False)
    # Picked with the registry's caller lookup (templates/registry/_caller_lookup.html).
    caller_person = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, widget=forms.HiddenInput
    )
    source = forms.ChoiceField(
        choices=IncidentSource.choices, initial=IncidentSource.CENTRE_110, label=_("Source")
    )
    priority = forms.TypedChoiceField(
        choices=[("", _("Category default")), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
        label=_("Priority"),
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=_("Description"),
        max_length=TEXT_MAX_LENGTH,
    )
    latitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, label=_("Latitude")
    )
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, label=_("Longitude")
    )
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    # A call the telephone system reported at this desk: its number, never sent to the page
    # in full, is the caller's when none is typed.
    call = forms.ModelChoiceField(
        queryset=IncomingCall.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, user, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        # static/js/select-search.js puts a search box over the 116 categories.
        self.fields["category"].widget.attrs.update(
            {
                "data-search": _("Search: a code or words, e.g. 斗殴"),
                "data-search-none": _("No category matches."),
                "data-search-count": _("%(n)s categories match."),
            }
        )
        communities = Community.objects.restrict(user).order_by("name")
        if user.station_id:
            communities = communities.filter(station_id=user.station_id)
        self.fields["community"].queryset = communities
        self.fields["caller_person"].queryset = Person.objects.restrict(user)
        self.fields["call"].queryset = IncomingCall.objects.restrict(user).filter(desk=user)
        self.fields["place_text"].widget.attrs["autofocus"] = True


class DispatchForm(BootstrapForm):
    """The desk sends a post; the post's officers take the job (接单)."""

    post = forms.ModelChoiceField(queryset=Post.objects.none(), label=_("Post"))
    reason = forms.CharField(max_length=200, required=False, label=_("Reason for another post"))
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts


class TakeForm(BootstrapForm):
    """接单 on the tablet: the page's id makes a double tap act once."""

    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)


class FieldStatusForm(BootstrapForm):
    status = forms.ChoiceField(
        choices=[
            ("en_route", _("On the way")),
            ("arrived", _("Arrived")),
            ("handled", _("Handled")),
        ]
    )
    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=_("Handling result"),
        max_length=TEXT_MAX_LENGTH,
    )
    client_id = forms.UUIDField(required=False)


class ChecklistForm(BootstrapForm):
    """One tick of the handling procedure (htmx from the checklist)."""

    NO_STEP = _("There is no such step.")

    step = forms.IntegerField(
        min_value=0,
        error_messages={"required": NO_STEP, "invalid": NO_STEP, "min_value": NO_STEP},
    )
    done = forms.CharField(required=False, max_length=1)  # "1" ticks, "0" unticks

    def clean_done(self):
        return self.cleaned_data["done"] == "1"


class CloseForm(BootstrapForm):
    # Nothing chosen in advance: the desk says how it ended (a case is not the default).
    disposition = forms.ChoiceField(
        choices=[("", _("Choose how it ended")), *Disposition.choices], label=_("Disposition")
    )
    case_kind = forms.ChoiceField(
        choices=[("", "—"), *CaseKind.choices], required=False, label=_("Case kind")
    )
    note = forms.CharField(max_length=200, required=False, label=_("Note"))
    caller_consents = forms.BooleanField(
        required=False, label=_("Diverted to mediation: the caller agrees to mediation")
    )


class NoteForm(BootstrapForm):
    text = forms.CharField(max_length=500, label=_("Note"))


class UploadForm(BootstrapForm):
    file = forms.FileField(label=_("File"))


class CaseForm(ScopedModelForm):
    class Meta:
        model = Case
        fields = ["station", "kind", "title", "summary", "category", "lead_officer"]


class CaseTransitionForm(BootstrapForm):
    to = forms.ChoiceField(choices=[], label=_("Next step"))
    outcome = forms.ChoiceField(
        choices=[("", "—"), *CaseOutcome.choices], required=False, label=_("Outcome")
    )
    note = forms.CharField(max_length=500, required=False, label=_("Note"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = choices


class ExtensionForm(BootstrapForm):
    kind = forms.ChoiceField(choices=ExtensionKind.choices, label=_("Time limit"))
    days = forms.TypedChoiceField(
        coerce=int,
        choices=[(30, _("30 days")), (7, _("7 days"))],
        label=_("Filing review up to"),
        required=False,
        empty_value=30,
    )
    reason = forms.CharField(max_length=200, label=_("Reason for extension"))


class ExtensionDecisionForm(BootstrapForm):
    approve = forms.TypedChoiceField(
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Approve")), ("no", _("Refuse"))],
        label=_("Decision"),
    )
    note = forms.CharField(max_length=200, required=False, label=_("Note"))


class SuspensionForm(BootstrapForm):
    kind = forms.ChoiceField(choices=SuspensionKind.choices, label=_("Kind"))
    at = forms.DateTimeField(label=_("Started at"), required=False)
    note = forms.CharField(max_length=200, required=False, label=_("Note"))


class SuspensionEndForm(BootstrapForm):
    at = forms.DateTimeField(label=_("Ended at"), required=False)


class InjuryGradeForm(BootstrapForm):
    grade = forms.ChoiceField(choices=InjuryGrade.choices, label=_("Injury grade"))


class ReconsiderationForm(BootstrapForm):
    applicant = forms.CharField(max_length=50, label=_("Applicant"))
    reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}), label=_("Reasons")
    )


class ReconsiderationDecisionForm(BootstrapForm):
    overturn = forms.TypedChoiceField(
        coerce=lambda value: value == "yes",
        choices=[("no", _("Uphold the refusal")), ("yes", _("Overturn it and file the case"))],
        label=_("Decision"),
    )
    note = forms.CharField(
        max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}), label=_("Decision")
    )


class PartyForm(BootstrapForm):
    role = forms.ChoiceField(choices=PartyRole.choices, label=_("Role"))
    name = forms.CharField(max_length=50, required=False, label=pgettext_lazy("person", "Name"))
    id_number = forms.CharField(
        max_length=18, required=False, label=_("ID number (links the registry person)")
    )
    phone = forms.CharField(max_length=20, required=False, label=_("Phone"))
    note = forms.CharField(max_length=200, required=False, label=_("Note"))


class EvidenceForm(UploadForm):
    kind = forms.ChoiceField(choices=EvidenceKind.choices, label=_("Kind"))
    description = forms.CharField(max_length=200, required=False, label=_("Description"))


class DutyShiftForm(ScopedModelForm):
    class Meta:
        model = DutyShift
        fields = ["station", "post", "staff", "starts_at", "ends_at", "role", "note"]


class RosterPatternForm(BootstrapForm):
    """Weekdays everyone on duty, weekends a duty group (the seeds' traffic roster)."""

    monday = forms.DateField(label=_("Week starting (Monday)"), validators=[validate_plannable])
    post = forms.ModelChoiceField(queryset=Post.objects.none(), required=False, label=_("Post"))
    weekday_staff = forms.ModelMultipleChoiceField(
        queryset=StaffAssignment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("On duty on weekdays"),
    )
    weekend_group = forms.ModelMultipleChoiceField(
        queryset=StaffAssignment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Weekend duty group"),
    )
    day_start = forms.TimeField(initial="08:30", label=_("Weekday shift from"))
    day_end = forms.TimeField(initial="17:30", label=_("Weekday shift until"))

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        staff = StaffAssignment.objects.filter(station=station, ended_on__isnull=True)
        self.fields["weekday_staff"].queryset = staff
        self.fields["weekend_group"].queryset = staff
        self.fields["post"].queryset = Post.objects.filter(station=station, is_active=True)
