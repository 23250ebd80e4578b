from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.exports import xlsx_response
from apps.core.filters import is_number, whole_number
from apps.core.progress import get_progress
from apps.core.templatetags.workbench import cell
from apps.core.views import (
    RevealPersonalDataView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
)

from . import filters, forms, hub, hub_forms, related, selectors, services
from .models import Address, HotelStay, Housing, ImportBatch, Person, SavedQuery, Unit

PERSON_COLUMNS = [
    ("name", pgettext_lazy("person", "Name")),
    ("gender", _("Gender")),
    # Beside a masked ID number, the year of birth only (see apps/core/masking.py).
    ("birth_date", _("Year of birth"), "birth_date"),
    ("id_number", _("ID number"), "id_number"),
    ("phone", _("Phone"), "phone"),
    ("category", pgettext_lazy("person", "Category")),
    ("station", _("Station")),
]


class AddressList(ScopedListView):
    model = Address
    filterset_class = filters.AddressFilter
    select_related = ("station", "community")
    create_url_name = "registry:address_create"
    columns = [
        ("text", _("Standard address")),
        ("community", _("Village / community")),
        ("station", _("Station")),
    ]


class AddressDetail(ScopedDetailView):
    model = Address
    select_related = ("station", "community")
    fields = [
        "text",
        "community",
        "station",
        "road",
        "number",
        "building",
        "unit",
        "room",
        "latitude",
        "longitude",
    ]
    update_url_name = "registry:address_update"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = selectors.address_related(address=self.object, user=self.request.user)
        return context


class AddressCreate(ScopedCreateView):
    model = Address
    form_class = forms.AddressForm
    cancel_url_name = "registry:address_list"


class AddressUpdate(ScopedUpdateView):
    model = Address
    form_class = forms.AddressForm


class PersonList(ScopedListView):
    model = Person
    filterset_class = filters.PersonFilter
    select_related = ("station",)
    create_url_name = "registry:person_create"
    columns = PERSON_COLUMNS


class PersonDetail(ScopedDetailView):
    """The association page (关联法): everything linked to one person."""

    model = Person
    select_related = ("station",)
    fields = [
        "name",
        "gender",
        "ethnicity",
        "category",
        "domicile_province",
        "domicile_address",
        "station",
    ]
    # The date of birth is the middle of the ID number: its year only, the rest on a
    # logged reveal like the number itself.
    masked_fields = [
        ("birth_date", "birth_date", "registry:person_reveal"),
        ("id_number", "id_number", "registry:person_reveal"),
        ("phone", "phone", "registry:person_reveal"),
    ]
    update_url_name = "registry:person_update"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = related.sections_for(person=self.object, user=self.request.user)
        return context


class PersonFormMixin:
    form_class = forms.PersonForm
    template_name = "registry/person_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PersonCreate(PersonFormMixin, ScopedCreateView):
    model = Person
    cancel_url_name = "registry:person_list"


class PersonUpdate(PersonFormMixin, ScopedUpdateView):
    model = Person


class PersonReveal(RevealPersonalDataView):
    model = Person
    fields = ("id_number", "phone", "birth_date")


class HousingList(ScopedListView):
    model = Housing
    filterset_class = filters.HousingFilter
    select_related = ("station", "address", "owner")
    create_url_name = "registry:housing_create"
    columns = [
        ("address", _("Address")),
        ("kind", _("Kind")),
        ("owner", _("Owner")),
        ("is_rented", _("Rented out")),
        ("station", _("Station")),
    ]


class HousingDetail(ScopedDetailView):
    model = Housing
    select_related = ("station", "address", "owner")
    fields = ["address", "kind", "owner", "is_rented", "station"]
    update_url_name = "registry:housing_update"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = [
            (
                _("Residents"),
                self.object.residences.select_related("person"),
                [
                    ("person", pgettext_lazy("person", "Name")),
                    ("relation", _("Relation")),
                    ("since", _("Since")),
                    ("until", _("Until")),
                ],
            )
        ]
        return context


class HousingCreate(ScopedCreateView):
    model = Housing
    form_class = forms.HousingForm
    cancel_url_name = "registry:housing_list"


class HousingUpdate(ScopedUpdateView):
    model = Housing
    form_class = forms.HousingForm


class UnitList(ScopedListView):
    model = Unit
    filterset_class = filters.UnitFilter
    select_related = ("station", "address")
    create_url_name = "registry:unit_create"
    columns = [
        ("name", _("Name")),
        ("kind", _("Kind")),
        ("address", _("Address")),
        ("contact_name", _("Contact")),
        ("contact_phone", _("Contact phone"), "phone"),
        ("staff_count", _("Staff")),
    ]


class UnitDetail(ScopedDetailView):
    model = Unit
    select_related = ("station", "address")
    fields = ["name", "kind", "address", "contact_name", "staff_count", "station"]
    masked_fields = [("contact_phone", "phone", "registry:unit_reveal")]
    update_url_name = "registry:unit_update"


class UnitCreate(ScopedCreateView):
    model = Unit
    form_class = forms.UnitForm
    cancel_url_name = "registry:unit_list"


class UnitUpdate(ScopedUpdateView):
    model = Unit
    form_class = forms.UnitForm


class UnitReveal(RevealPersonalDataView):
    model = Unit
    fields = ("contact_phone",)


class HotelStayList(ScopedListView):
    model = HotelStay
    filterset_class = filters.HotelStayFilter
    select_related = ("person", "hotel")
    columns = [
        ("person", _("Guest")),
        ("hotel", _("Hotel")),
        ("room", _("Room")),
        ("checked_in_at", _("Checked in")),
        ("checked_out_at", _("Checked out")),
    ]


# --- The hub (百宝箱) ------------------------------------------------------------------

HUB_PERMISSION = "registry.view_person"


class PersonSieve(PersonList):
    """The person list is the sieve: its filters can be saved by name and reused."""

    template_name = "registry/person_sieve.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["saved_queries"] = SavedQuery.objects.restrict(self.request.user)
        context["save_form"] = hub_forms.SavedQueryForm()
        q = self.request.GET.get("q", "")
        # A search by number is not saved, and only a whole number finds anyone: say so.
        context["number_search"] = is_number(q)
        context["part_of_a_number"] = is_number(q) and whole_number(q) is None
        return context


@login_required
@permission_required(HUB_PERMISSION, raise_exception=True)
@require_POST
def saved_query_create(request):
    form = hub_forms.SavedQueryForm(request.POST)
    params = request.POST.get("params", "")
    if form.is_valid():
        try:
            services.saved_query_create(
                by=request.user, name=form.cleaned_data["name"], params=params
            )
            messages.success(request, _("Saved."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, " ".join(form.errors.get("name", [])))
    return redirect(f"{reverse('registry:person_list')}?{params}")


@login_required
@permission_required(HUB_PERMISSION, raise_exception=True)
def collision(request):
    """碰撞: cross-match two sets of persons; POST (lists of numbers never go in a URL)."""
    form = hub_forms.CollisionForm(request.POST or None, request.FILES or None, user=request.user)
    matches = None
    if request.method == "POST" and form.is_valid():
        try:
            matches = hub.collide(*form.sets())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if request.POST.get("export") == "xlsx":
                return xlsx_response(
                    filename="collision.xlsx",
                    title=str(_("Collision")),
                    headers=[label for _path, label, *_mask in PERSON_COLUMNS],
                    rows=(
                        [str(cell(person, column)) for column in PERSON_COLUMNS]
                        for person in matches.iterator()
                    ),
                )
            matches = list(matches[:500])
    return render(
        request,
        "registry/hub_collision.html",
        {"form": form, "matches": matches, "columns": PERSON_COLUMNS},
    )


@login_required
@permission_required(HUB_PERMISSION, raise_exception=True)
def comparison(request):
    """比较: the same count for two periods side by side."""
    form = hub_forms.ComparisonForm(request.GET or None, user=request.user)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = hub.compare(
                user=request.user,
                measure=data["measure"],
                first=(data["first_start"], data["first_end"]),
                second=(data["second_start"], data["second_end"]),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
    chart = result and {
        "labels": [str(_("First period")), str(_("Second period"))],
        "values": [result["first"], result["second"]],
    }
    return render(
        request, "registry/hub_comparison.html", {"form": form, "result": result, "chart": chart}
    )


@login_required
@permission_required(HUB_PERMISSION, raise_exception=True)
def classification(request):
    """归类: group and count the sieve's persons by one field."""
    form = hub_forms.ClassificationForm(request.GET or {"by": "category"}, user=request.user)
    sieve = filters.PersonFilter(
        request.GET, queryset=Person.objects.restrict(request.user), request=request
    )
    sieve.narrow_choices_to_station()
    rows = []
    if form.is_valid() and sieve.is_valid():
        rows = hub.classify(sieve.qs, form.cleaned_data["by"])
    chart = {"labels": [label for label, _n in rows], "values": [n for _label, n in rows]}
    return render(
        request,
        "registry/hub_classification.html",
        {
            "form": form,
            "filter": sieve,
            "rows": rows,
            "chart": chart,
            "total": sum(n for _label, n in rows),
            "grouped_by": hub.GROUPINGS.get(form.data.get("by"), ""),
        },
    )


# --- Imports ------------------------------------------------------------------------------


class ImportList(ScopedListView):
    model = ImportBatch
    filterset_class = filters.ImportBatchFilter
    select_related = ("station", "uploaded_by")
    create_url_name = "registry:import_create"
    columns = [
        ("file_name", _("File")),
        ("status", _("Status")),
        ("total_rows", _("Rows")),
        ("accepted_rows", _("Accepted")),
        ("rejected_count", _("Rejected")),
        ("uploaded_by", _("Uploaded by")),
        ("created_at", _("Uploaded")),
    ]


@login_required
@permission_required("registry.add_importbatch", raise_exception=True)
def import_create(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.import_upload(
                by=request.user,
                upload=form.cleaned_data["file"],
                update_existing=form.cleaned_data["update_existing"],
                station=form.cleaned_data.get("station"),
                kind=form.cleaned_data["kind"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(batch)
    return render(request, "registry/import_form.html", {"form": form})


class ImportDetail(ScopedDetailView):
    """The preview: figures, every rejected row with its reason, and the commit button."""

    model = ImportBatch
    select_related = ("station", "uploaded_by")
    template_name = "registry/import_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.object
        context["progress"] = get_progress(
            f"import-{'apply' if batch.status == batch.Status.COMMITTING else 'check'}-{batch.pk}"
        )
        context["working"] = batch.status in (batch.Status.CHECKING, batch.Status.COMMITTING)
        return context

    def get_template_names(self):
        if self.request.htmx:
            return ["registry/_import_status.html"]
        return [self.template_name]


@login_required
@permission_required("registry.add_person", raise_exception=True)
def resident_register(request):
    form = forms.ResidentForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.resident_register(
                by=request.user,
                person=form.instance,
                address=data["address"],
                relation=data["relation"],
                since=data["since"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(person)
    return render(request, "registry/resident_form.html", {"form": form})


@login_required
@permission_required("registry.view_address", raise_exception=True)
def address_options(request):
    """htmx: the buildings of a community (by their address), or the rooms of a building,
    as <option>s."""
    addresses = Address.objects.restrict(request.user).filter(
        community_id=request.GET.get("community") or 0
    )
    if "building" in request.GET:
        rows = selectors.in_building(addresses, request.GET["building"]).order_by("unit", "room")
        options = [(a.pk, a.text) for a in rows.only("pk", "text")[:500]]
    else:
        options = selectors.buildings(addresses)
    return render(request, "registry/_options.html", {"options": options})


@login_required
@permission_required("registry.view_person", raise_exception=True)
@require_POST
def caller_lookup(request):
    """htmx, for the incident intake: the persons matching what the desk typed for the
    caller, to pick one. A POST: a phone or ID number must not stand in a URL."""
    matches, more = selectors.caller_matches(
        user=request.user, text=request.POST.get("caller_lookup", ""), request=request
    )
    return render(request, "registry/_caller_matches.html", {"matches": matches, "more": more})
