"""Factories for the foundation models (organisation and users), used by every app's tests."""

from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth.models import Group

from apps.accounts.choices import UserKind
from apps.accounts.models import User
from apps.stations.choices import CommunityKind, ServiceKind, StaffKind
from apps.stations.models import (
    Bureau,
    Community,
    PoliceDistrict,
    Post,
    ServiceLog,
    StaffAssignment,
    Station,
)

PASSWORD = "test-password-2026"


class BureauFactory(factory.django.DjangoModelFactory[Bureau]):
    class Meta:
        model = Bureau
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"测试{n}区分局")
    code = factory.Sequence(lambda n: f"5001{n:02d}")


class StationFactory(factory.django.DjangoModelFactory[Station]):
    class Meta:
        model = Station
        django_get_or_create = ["code"]

    bureau = factory.SubFactory(BureauFactory)
    name = factory.Sequence(lambda n: f"测试{n}派出所")
    code = factory.Sequence(lambda n: f"station-{n}")
    organ_code = factory.Sequence(lambda n: f"{990000000000 + n:012d}")
    latitude = Decimal("29.500000")
    longitude = Decimal("106.500000")


class PostFactory(factory.django.DjangoModelFactory[Post]):
    class Meta:
        model = Post

    station = factory.SubFactory(StationFactory)
    name = factory.Sequence(lambda n: f"测试{n}警务站")
    latitude = Decimal("29.510000")
    longitude = Decimal("106.510000")


class PoliceDistrictFactory(factory.django.DjangoModelFactory[PoliceDistrict]):
    class Meta:
        model = PoliceDistrict

    station = factory.SubFactory(StationFactory)
    name = factory.Sequence(lambda n: f"第{n}警区")


class CommunityFactory(factory.django.DjangoModelFactory[Community]):
    class Meta:
        model = Community

    station = factory.SubFactory(StationFactory)
    name = factory.Sequence(lambda n: f"测试{n}村")
    kind = CommunityKind.VILLAGE
    latitude = Decimal("29.520000")
    longitude = Decimal("106.520000")


class StaffAssignmentFactory(factory.django.DjangoModelFactory[StaffAssignment]):
    class Meta:
        model = StaffAssignment

    station = factory.SubFactory(StationFactory)
    name = factory.Sequence(lambda n: f"网格员{n}")
    kind = StaffKind.GRID_WORKER
    phone = "13983001234"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    kind = UserKind.OFFICER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        """UserFactory(role="值班民警") puts the user in that role's group. (Called with the
        user built, not the factory: factory_boy's post-generation hooks.)"""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class ServiceLogFactory(factory.django.DjangoModelFactory[ServiceLog]):
    class Meta:
        model = ServiceLog

    station = factory.SubFactory(StationFactory)
    kind = ServiceKind.CONSULTATION
    note = factory.Sequence(lambda n: f"咨询记录{n:04d}")
    recorded_by = factory.SubFactory(UserFactory)
