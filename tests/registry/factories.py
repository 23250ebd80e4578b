from datetime import date, timedelta

import factory
from django.utils import timezone

from apps.core.idnumbers import FEMALE, MALE, make_id_number
from apps.registry.choices import HousingKind, PersonCategory, UnitKind
from apps.registry.models import Address, FocusRecord, HotelStay, Housing, Person, Unit


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    station = factory.LazyAttribute(lambda o: o.community.station)
    road = "白彭路"
    number = factory.Sequence(lambda n: str(n + 1))
    building = "1"


def _id_number(person) -> str:
    return make_id_number(
        region="500107",
        birth_date=person.birth_date,
        sequence=person.sequence,
        gender=person.gender,
    )


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        exclude = ["sequence"]

    sequence = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"居民{n:04d}")
    gender = factory.Iterator([MALE, FEMALE])
    # Cycles within 1960-2018: a long run's sequence would otherwise reach birth dates in
    # the future, which the ID-number check rightly refuses.
    birth_date = factory.Sequence(lambda n: date(1960, 1, 1) + timedelta(days=97 * (n % 220)))
    id_number = factory.LazyAttribute(_id_number)
    phone = "13983005678"
    category = PersonCategory.PERMANENT


class HousingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Housing

    station = factory.LazyAttribute(lambda o: o.address.station)
    kind = HousingKind.RESIDENTIAL


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    station = factory.LazyAttribute(lambda o: o.address.station)
    name = factory.Sequence(lambda n: f"测试{n}酒店")
    kind = UnitKind.HOTEL
    contact_phone = "13983009999"


class HotelStayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HotelStay

    station = factory.LazyAttribute(lambda o: o.hotel.station)
    checked_in_at = factory.LazyFunction(timezone.now)


class FocusRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusRecord

    station = factory.LazyAttribute(lambda o: o.person.station)
    reason = "多次寻衅滋事"
    level = "watch"
    review_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))


# 王小红's number, for the search tests; it ends in X, which the desk may type in lower case.
WANG_XIAOHONG = make_id_number(
    region="500107", birth_date=date(1990, 5, 4), sequence=14, gender=FEMALE
)
