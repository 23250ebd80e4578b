from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.forms import style_field
from apps.core.uploads import UploadRefused, check_spreadsheet

from . import hub
from .choices import UnitKind
from .models import SavedQuery, Unit

MAX_NUMBERS_FILE_BYTES = 2 * 1024 * 1024


class HubForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None:
                field.queryset = queryset.restrict(user)
            style_field(field)


class CollisionForm(HubForm):
    LEFT = [("hotel_stays", _("Hotel guests in a period")), ("saved_query", _("A saved query"))]
    RIGHT = [
        ("focus", _("Focus persons")),
        ("list", _("A list of ID or phone numbers")),
        ("saved_query", _("A saved query")),
    ]

    left = forms.ChoiceField(label=_("First set"), choices=LEFT)
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)
    hotel = forms.ModelChoiceField(
        label=_("Hotel"), required=False, queryset=Unit.objects.filter(kind=UnitKind.HOTEL)
    )
    left_query = forms.ModelChoiceField(
        label=_("Saved query"), required=False, queryset=SavedQuery.objects.all()
    )
    right = forms.ChoiceField(label=_("Second set"), choices=RIGHT)
    right_query = forms.ModelChoiceField(
        label=_("Saved query"), required=False, queryset=SavedQuery.objects.all()
    )
    numbers = forms.CharField(
        label=_("ID or phone numbers, one per line"),
        required=False,
        max_length=hub.NUMBERS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    numbers_file = forms.FileField(label=_("…or a text/CSV file of them"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.user.has_perm("registry.view_focusrecord"):
            self.fields["right"].choices = self.RIGHT[1:]
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.update({"start": today - timezone.timedelta(days=7), "end": today})

    def clean(self):
        data = super().clean()
        if data.get("left") == "hotel_stays" and not (data.get("start") and data.get("end")):
            self.add_error("start", _("Give the period of the hotel stays."))
        if data.get("left") == "saved_query" and not data.get("left_query"):
            self.add_error("left_query", _("Choose a saved query."))
        if data.get("right") == "saved_query" and not data.get("right_query"):
            self.add_error("right_query", _("Choose a saved query."))
        if data.get("right") == "list":
            upload = data.get("numbers_file")
            if upload is not None:
                try:
                    checked = check_spreadsheet(
                        upload,
                        max_bytes=MAX_NUMBERS_FILE_BYTES,
                        allowed=("csv",),
                        text_names=(".csv", ".txt"),
                    )
                except UploadRefused as exc:
                    self.add_error("numbers_file", exc.message)
                else:
                    text = checked.content.decode("utf-8", errors="ignore")
                    data["numbers"] = (data.get("numbers") or "") + "\n" + text
            if not (data.get("numbers") or "").strip():
                self.add_error("numbers", _("Paste the numbers or upload a file."))
        return data

    def sets(self):
        """The two person querysets chosen (call after is_valid)."""
        data, user = self.cleaned_data, self.user
        if data["left"] == "hotel_stays":
            left = hub.hotel_guests(
                user=user, start=data["start"], end=data["end"], hotel=data.get("hotel")
            )
        else:
            left = hub.persons_of_query(user=user, params=data["left_query"].params)
        if data["right"] == "focus":
            right = hub.focus_persons(user=user)
        elif data["right"] == "list":
            right = hub.listed_persons(user=user, text=data["numbers"])
        else:
            right = hub.persons_of_query(user=user, params=data["right_query"].params)
        return left, right


class ComparisonForm(HubForm):
    measure = forms.ChoiceField(
        label=_("Count"), choices=[(k, v[0]) for k, v in hub.MEASURES.items()]
    )
    first_start = forms.DateField(label=_("First period from"))
    first_end = forms.DateField(label=_("to"))
    second_start = forms.DateField(label=_("Second period from"))
    second_end = forms.DateField(label=_("to"))


class ClassificationForm(HubForm):
    by = forms.ChoiceField(label=_("Group by"), choices=list(hub.GROUPINGS.items()))


class SavedQueryForm(forms.Form):
    name = forms.CharField(
        label=_("Save these filters as"),
        max_length=60,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "placeholder": _("Save these filters as"),
                "aria-label": _("Save these filters as"),
            }
        ),
    )
