"""The scene of the seeds: 西彭派出所 with its HQ, the park post and 大石堡 post at their real
coordinates, 迎新村 far out by 江津双福, a fight category with its procedure, and the park
post's community officer on duty."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.cases.models import DutyShift, IncidentCategory, ProcedureStep
from apps.core.testing.factories import PostFactory, StaffAssignmentFactory
from apps.core.testing.personas import XIPENG_COMMUNITY
from apps.stations.choices import AreaKind, StaffKind


@dataclass
class Scene:
    org: object
    fight: IncidentCategory
    noise: IncidentCategory
    dashibao: object
    officer_on_duty: object


def place(obj, latitude, longitude, area=AreaKind.RURAL):
    obj.latitude, obj.longitude, obj.area = Decimal(latitude), Decimal(longitude), area
    obj.save()


@pytest.fixture
def scene(org):
    place(org.xipeng, "29.331850", "106.336420")
    place(org.park_post, "29.354620", "106.315280")
    place(org.yingxin, "29.378150", "106.292470")
    dashibao = PostFactory(station=org.xipeng, name="大石堡警务站")
    place(dashibao, "29.313480", "106.323960")
    fights = IncidentCategory.objects.create(
        bureau=org.jiulongpo, code="02", name="治安·打架斗殴", kind="public_order"
    )
    fight = IncidentCategory.objects.create(
        bureau=org.jiulongpo,
        parent=fights,
        code="0201",
        name="打架斗殴",
        kind="public_order",
        default_priority=1,
    )
    for order, text in enumerate(["制止斗殴，控制现场", "救治伤员", "询问双方及证人"], 1):
        ProcedureStep.objects.create(category=fight, order=order, text=text)
    noises = IncidentCategory.objects.create(
        bureau=org.jiulongpo, code="05", name="治安·噪声扰民", kind="public_order"
    )
    noise = IncidentCategory.objects.create(
        bureau=org.jiulongpo, parent=noises, code="0501", name="广场舞噪声", kind="public_order"
    )
    officer = org.user(XIPENG_COMMUNITY)
    staff = StaffAssignmentFactory(
        station=org.xipeng, post=org.park_post, user=officer, name="李警官", kind=StaffKind.OFFICER
    )
    now = timezone.now()
    DutyShift.objects.create(
        station=org.xipeng,
        post=org.park_post,
        staff=staff,
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=6),
    )
    return Scene(org=org, fight=fight, noise=noise, dashibao=dashibao, officer_on_duty=officer)
