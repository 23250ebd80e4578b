"""一标三实: one standard address and the three "reals" — real population, real housing and
real units — with hotel stays and focus-person records. Every row carries its station."""

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.idnumbers import PROVINCES, parse_id_number
from apps.core.idnumbers import normalise as normalise_id
from apps.core.limits import clean_times
from apps.core.models import SameStationMixin, TimeStampedModel
from apps.core.names import validate_name
from apps.core.scoping import Scope, ScopedManager, ScopedQuerySet
from apps.core.uploads import private_storage

from .choices import (
    FocusLevel,
    Gender,
    HousingKind,
    PersonCategory,
    ResidenceRelation,
    UnitKind,
)
from .pinyin import NAME_PINYIN_LENGTH, name_keys

STATION_SCOPE = Scope(station="station_id", bureau="station__bureau_id")


class Address(SameStationMixin, TimeStampedModel):
    """A standard address (标准地址): road and number, down to building, unit and room."""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="addresses",
        verbose_name=_("station"),
    )
    community = models.ForeignKey(
        "stations.Community",
        on_delete=models.PROTECT,
        related_name="addresses",
        verbose_name=_("village / community"),
    )
    road = models.CharField(_("road or group"), max_length=60)
    number = models.CharField(pgettext_lazy("address", "number"), max_length=20)
    building = models.CharField(_("building"), max_length=20, blank=True)
    unit = models.CharField(_("unit (单元)"), max_length=10, blank=True)
    room = models.CharField(_("room"), max_length=10, blank=True)
    text = models.CharField(_("standard address"), max_length=200, editable=False)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    objects = ScopedManager()
    scope = STATION_SCOPE
    same_station = {"community": _("The village / community belongs to another station.")}

    class Meta:
        verbose_name = _("standard address")
        verbose_name_plural = _("standard addresses")
        ordering = ["station_id", "text"]
        constraints = [
            models.UniqueConstraint(fields=["station", "text"], name="registry_address_unique"),
        ]
        indexes = [
            models.Index(fields=["community", "building", "unit", "room"]),
            # The place matcher's look-up below a village's group: number and building.
            models.Index(fields=["community", "number", "building"]),
        ]

    def __str__(self):
        return self.text

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.text = self.compose_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("registry:address_detail", args=[self.pk])

    def compose_text(self) -> str:
        """The normalised text: community, road, number, building, unit, room."""
        return address_text(
            self.community.name if self.community_id else "",
            self.road,
            self.number,
            self.building,
            self.unit,
            self.room,
        )


def address_text(community: str, road: str, number: str, building="", unit="", room="") -> str:
    """A standard address as text, down to the room or, without unit and room, the building
    (迎新村白彭路12号3栋): what a building is called wherever one is picked or shown."""
    parts = [community, road.strip(), f"{number.strip()}号"]
    for value, suffix in ((building, "栋"), (unit, "单元"), (room, "室")):
        value = value.strip()
        if value:
            parts.append(value if value.endswith(suffix) else f"{value}{suffix}")
    return "".join(parts)


class PersonQuerySet(ScopedQuerySet):
    """Bulk writes (imports, demo and benchmark data) skip save(): they derive the same."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for person in objs:
            person.derive()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        for person in objs:
            person.derive()
        fields = [*fields, *(name for name in Person.DERIVED if name not in fields)]
        return super().bulk_update(objs, fields, *args, **kwargs)


class Person(TimeStampedModel):
    """A real person (实有人口) registered at a station."""

    DERIVED = ("domicile_province", "name_pinyin", "name_initials")

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name=_("station"),
    )
    name = models.CharField(
        pgettext_lazy("person", "name"), max_length=50, validators=[validate_name]
    )
    gender = models.CharField(_("gender"), max_length=6, choices=Gender)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    birth_date = models.DateField(_("date of birth"))
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    domicile_province = models.CharField(
        _("domicile province"), max_length=2, choices=sorted(PROVINCES.items()), editable=False
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    domicile_address = models.CharField(
        _("household registration address"), max_length=200, blank=True
    )
    category = models.CharField(
        pgettext_lazy("person", "category"), max_length=10, choices=PersonCategory
    )
    # The name as the desk types it (王小红: wangxiaohong, wxh), for the search by pinyin.
    name_pinyin = models.CharField(
        _("name in pinyin"), max_length=NAME_PINYIN_LENGTH, blank=True, editable=False
    )
    name_initials = models.CharField(
        _("initials of the name"), max_length=50, blank=True, editable=False
    )

    objects = models.Manager.from_queryset(PersonQuerySet)()
    scope = STATION_SCOPE

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["station_id", "name", "id"]
        indexes = [
            # The list's own order, so that a page of 50 is read off an index.
            models.Index(fields=["station", "name", "id"]),
            models.Index(fields=["station", "category"]),
            models.Index(fields=["station", "birth_date"]),
            models.Index(fields=["phone"]),
            # The search by pinyin is by prefix (LIKE 'wxh%'): on PostgreSQL the pattern
            # operator class lets the index serve it whatever the database's collation.
            models.Index(
                fields=["name_initials"],
                name="registry_person_initials",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["name_pinyin"],
                name="registry_person_pinyin",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive()
        super().save(*args, **kwargs)

    def derive(self) -> None:
        """Fill in what the ID number and the name say: the domicile province, the gender
        and date of birth when not given, and the name's pinyin. Every write of a person
        runs this (save and the bulk writes), so the search keys never lag the name."""
        self.id_number = normalise_id(self.id_number)
        self.domicile_province = self.id_number[:2]
        if not self.gender or not self.birth_date:
            parsed = parse_id_number(self.id_number)
            self.gender = self.gender or parsed.gender
            self.birth_date = self.birth_date or parsed.birth_date
        self.name_pinyin, self.name_initials = name_keys(self.name)

    def get_absolute_url(self):
        return reverse("registry:person_detail", args=[self.pk])

    def clean_fields(self, exclude=None):
        # Gender and date of birth left empty are the number's, before they are required.
        try:
            parsed = parse_id_number(self.id_number)
        except ValidationError:
            pass  # clean() says what is wrong with the number
        else:
            self.gender = self.gender or parsed.gender
            self.birth_date = self.birth_date or parsed.birth_date
        super().clean_fields(exclude)

    def clean(self):
        super().clean()
        if not self.id_number:
            return
        try:
            parsed = parse_id_number(self.id_number)
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from exc
        errors = {}
        if self.birth_date and self.birth_date != parsed.birth_date:
            errors["birth_date"] = _("The date of birth does not match the ID number.")
        if self.gender and self.gender != parsed.gender:
            errors["gender"] = _("The gender does not match the ID number.")
        if errors:
            raise ValidationError(errors)
        self.id_number = parsed.value


class Housing(SameStationMixin, TimeStampedModel):
    """Real housing (实有房屋) at a standard address."""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="housing",
        verbose_name=_("station"),
    )
    address = models.OneToOneField(
        Address, on_delete=models.PROTECT, related_name="housing", verbose_name=_("address")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=HousingKind)
    owner = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_housing",
        verbose_name=_("owner"),
    )
    is_rented = models.BooleanField(_("rented out"), default=False)

    objects = ScopedManager()
    scope = STATION_SCOPE
    same_station = {"address": _("The address belongs to another station.")}

    class Meta:
        verbose_name = _("housing")
        verbose_name_plural = _("housing")
        ordering = ["station_id", "address__text"]

    def __str__(self):
        return str(self.address)

    def get_absolute_url(self):
        return reverse("registry:housing_detail", args=[self.pk])


class Residence(SameStationMixin, TimeStampedModel):
    """A person living in a housing, from a date, as owner, family, tenant or lodger."""

    station = models.ForeignKey(
        "stations.Station", on_delete=models.PROTECT, related_name="+", verbose_name=_("station")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="residences", verbose_name=_("person")
    )
    housing = models.ForeignKey(
        Housing, on_delete=models.CASCADE, related_name="residences", verbose_name=_("housing")
    )
    relation = models.CharField(_("relation"), max_length=10, choices=ResidenceRelation)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    objects = ScopedManager()
    scope = STATION_SCOPE
    same_station = {
        "housing": _("The housing belongs to another station."),
        "person": _("The person is registered at another station."),
    }

    class Meta:
        verbose_name = _("residence")
        verbose_name_plural = _("residences")
        ordering = ["-since", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(until__isnull=True) | models.Q(until__gte=models.F("since")),
                name="registry_residence_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.housing}"

    def clean(self):
        super().clean()
        clean_times(self, past=["since"])


class Unit(SameStationMixin, TimeStampedModel):
    """A real unit (实有单位): enterprise, shop, hotel, school …"""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("station"),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=15, choices=UnitKind)
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, related_name="units", verbose_name=_("address")
    )
    contact_name = models.CharField(
        _("contact"), max_length=50, blank=True, validators=[validate_name]
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    staff_count = models.PositiveIntegerField(_("staff"), null=True, blank=True)

    objects = ScopedManager()
    scope = STATION_SCOPE
    same_station = {"address": _("The address belongs to another station.")}

    class Meta:
        verbose_name = _("real unit")
        verbose_name_plural = _("units")
        ordering = ["station_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["station", "name"], name="registry_unit_unique_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:unit_detail", args=[self.pk])


class HotelStay(SameStationMixin, models.Model):
    """A hotel guest registration (旅馆业): who stayed where, from when to when."""

    station = models.ForeignKey(
        "stations.Station", on_delete=models.PROTECT, related_name="+", verbose_name=_("station")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="hotel_stays", verbose_name=_("guest")
    )
    hotel = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="stays",
        verbose_name=_("hotel"),
        limit_choices_to={"kind": UnitKind.HOTEL},
    )
    room = models.CharField(_("room"), max_length=10, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"))
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    # Hotels upload in batches that may repeat: a repeated registration is not doubled.
    client_id = models.UUIDField(_("client id"), default=uuid.uuid4, unique=True, editable=False)

    objects = ScopedManager()
    scope = STATION_SCOPE
    same_station = {"hotel": _("The hotel belongs to another station.")}

    class Meta:
        verbose_name = _("hotel stay")
        verbose_name_plural = _("hotel stays")
        ordering = ["-checked_in_at", "-id"]
        indexes = [models.Index(fields=["station", "-checked_in_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(checked_out_at__isnull=True)
                | models.Q(checked_out_at__gte=models.F("checked_in_at")),
                name="registry_stay_out_after_in",
                violation_error_message=_("The check-out is before the check-in."),
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.hotel}"

    def clean(self):
        super().clean()
        if self.hotel_id and self.hotel.kind != UnitKind.HOTEL:
            raise ValidationError({"hotel": _("This unit is not a hotel.")})
        clean_times(self, past=["checked_in_at", "checked_out_at"])


class FocusRecord(SameStationMixin, TimeStampedModel):
    """Why a person is a focus person (重点人口), how closely watched, by whom, until when.

    Seen only with `registry.view_focusrecord`, a permission of its own."""

    station = models.ForeignKey(
        "stations.Station", on_delete=models.PROTECT, related_name="+", verbose_name=_("station")
    )
    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="focus_record", verbose_name=_("person")
    )
    reason = models.CharField(_("reason"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=FocusLevel)
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible officer"),
    )
    review_on = models.DateField(_("review date"))

    objects = ScopedManager()
    scope = STATION_SCOPE
    same_station = {
        "person": _("The person is registered at another station."),
        "responsible_officer": _("The officer belongs to another station."),
    }

    class Meta:
        verbose_name = _("focus-person record")
        verbose_name_plural = _("focus-person records")
        ordering = ["review_on", "id"]

    def __str__(self):
        return f"{self.person} · {self.get_level_display()}"

    def clean(self):
        super().clean()
        clean_times(self, planned=["review_on"])


class SavedQuery(TimeStampedModel):
    """A named sieve (筛网法): the person filters of the sieve page, kept to be rerun and to
    feed the collision. Station colleagues share them; a bureau admin's are their own."""

    station = models.ForeignKey(
        "stations.Station",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("station"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_queries",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=60)
    params = models.CharField(_("filters"), max_length=1000)

    objects = ScopedManager()
    scope = Scope(station="station_id", bureau="owner__bureau_id", owner="owner_id")

    class Meta:
        verbose_name = _("saved query")
        verbose_name_plural = _("saved queries")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="registry_query_unique_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('registry:person_list')}?{self.params}"


class ImportBatch(TimeStampedModel):
    """A spreadsheet of collected records (人工/互联网/内网采集): uploaded, checked row by row
    for a preview, then committed in one transaction — or not at all."""

    class Kind(models.TextChoices):
        PERSONS = "persons", _("Persons")
        ADDRESSES = "addresses", _("Standard addresses")
        UNITS = "units", _("Units")
        HOTEL_STAYS = "hotel_stays", _("Hotel stays")

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked, awaiting commit")
        COMMITTING = "committing", _("Committing")
        COMMITTED = "committed", _("Committed")
        FAILED = "failed", _("Failed")

    station = models.ForeignKey(
        "stations.Station", on_delete=models.PROTECT, related_name="+", verbose_name=_("station")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    kind = models.CharField(_("records"), max_length=12, choices=Kind, default=Kind.PERSONS)
    file = models.FileField(_("file"), storage=private_storage, upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=200)
    update_existing = models.BooleanField(
        _("update persons already registered"),
        default=False,
        help_text=_("Otherwise a row whose ID number is already registered is rejected."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.CHECKING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    accepted_rows = models.PositiveIntegerField(_("accepted"), default=0)
    updated_rows = models.PositiveIntegerField(_("updates"), default=0)
    rejected = models.JSONField(_("rejected rows"), default=list, blank=True)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    failure = models.CharField(_("failure"), max_length=300, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)

    objects = ScopedManager()
    scope = STATION_SCOPE

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("registry:import_detail", args=[self.pk])
