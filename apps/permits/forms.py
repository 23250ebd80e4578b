"""Forms of the officers' review and the citizens' portal: they only check input; the
services decide."""

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.forms import style_field
from apps.core.limits import validate_past
from apps.registry.models import Address, Unit
from apps.stations.models import Community

from .choices import Basis, DocumentKind, VisitResult


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_field(field)


class SupplementForm(BootstrapForm):
    """One request that lists everything missing (一次性告知, 居住证暂行条例 第九条)."""

    documents = forms.MultipleChoiceField(
        label=_("Documents missing"),
        choices=DocumentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label=_("What must be added"),
        help_text=_("Every missing item at once, one per line: a second request is refused."),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict:
        """The service's input, as the API gives it: the message and the items listed."""
        cleaned = super().clean()
        documents = cleaned.pop("documents", [])
        cleaned["items"] = [str(DocumentKind(k).label) for k in documents]
        return cleaned


class ApproveForm(forms.Form):
    documents_confirmed = forms.BooleanField(
        label=_(
            "I checked every document otherwise (e.g. the originals at the window),"
            " without opening each one here"
        ),
        required=False,
    )


class RejectForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class RevokeForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class VisitForm(BootstrapForm):
    visited_on = forms.DateField(label=_("Visited on"), validators=[validate_past])
    result = forms.ChoiceField(label=_("Result"), choices=VisitResult.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = timezone.localdate()


class DocumentForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Which document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File (photo or PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


class ApplicationForm(BootstrapForm):
    """The registration form: the community decides the station and post."""

    community = forms.ModelChoiceField(
        label=_("Village / community where you live"), queryset=Community.objects.none()
    )
    address = forms.ModelChoiceField(
        label=_("Standard address"), queryset=Address.objects.none(), required=False
    )
    address_text = forms.CharField(label=_("Or type the address"), max_length=200, required=False)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    # 户籍地 (居住证暂行条例 第二条): by default the ID number's first six digits.
    household_region = forms.CharField(
        label=_("Household registration region code (empty: from the ID number)"),
        max_length=6,
        required=False,
    )
    household_address = forms.CharField(
        label=_("Household address"), max_length=200, required=False
    )
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=20, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    basis = forms.ChoiceField(label=_("Basis"), choices=Basis.choices)
    basis_detail = forms.CharField(
        label=_("Employer, landlord or school"), max_length=100, required=False
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities.select_related("station")
        self.fields["community"].label_from_instance = lambda c: f"{c.station} · {c.name}"
        # Choosing the community loads its standard addresses (htmx), without a reload.
        self.fields["community"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("permits:portal_addresses"),
                "hx-target": "#id_address",
                "hx-trigger": "change",
            }
        )
        chosen = self.data.get("community") or self.initial.get("community")
        addresses = Address.objects.none()
        if chosen and str(getattr(chosen, "pk", chosen)).isdigit():
            addresses = Address.objects.filter(community_id=getattr(chosen, "pk", chosen))
        self.fields["address"].queryset = addresses
        self.fields["address"].label_from_instance = lambda a: a.text


class WorkersFileForm(BootstrapForm):
    """The list alone: what an enterprise's contact person uploads for their own unit."""

    file = forms.FileField(
        label=_("Workers (XLSX or CSV: 姓名, 身份证号码, 手机, 居住地址)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class EnterpriseUploadForm(WorkersFileForm):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Unit.objects.none())
    field_order = ["enterprise", "file"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Unit.objects.restrict(user, "change").filter(
            kind="enterprise"
        )
