"""The mediation scene: 西彭派出所 with its park post and 大石堡 post at their real
coordinates, 迎新村 by the park post, the resident people's mediator (linked to the
mediator persona's account), a second mediator and a Thursday lawyer."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from apps.core.testing.factories import PostFactory
from apps.core.testing.personas import MEDIATOR, XIPENG_DESK
from apps.mediation.choices import CommitteeKind, MediatorKind, PartyRole
from apps.mediation.models import MediationCommittee, Mediator
from apps.mediation.services import dispute_receive
from apps.stations.choices import AreaKind


@dataclass
class Scene:
    org: object
    mediator: Mediator
    other_mediator: Mediator
    lawyer: Mediator
    dashibao: object


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
    return Scene(
        org=org,
        mediator=Mediator.objects.create(
            station=org.xipeng,
            name="王调解",
            kind=MediatorKind.PEOPLES,
            user=org.user(MEDIATOR),
            committee=MediationCommittee.objects.create(
                station=org.xipeng, name="西彭镇人民调解委员会", kind=CommitteeKind.TOWNSHIP
            ),
        ),
        other_mediator=Mediator.objects.create(
            station=org.xipeng, name="老杨", kind=MediatorKind.MASS_WORKER
        ),
        lawyer=Mediator.objects.create(
            station=org.xipeng, name="陈律师", kind=MediatorKind.LAWYER, organisation="西彭律所"
        ),
        dashibao=dashibao,
    )


def two_parties():
    return [
        {"role": PartyRole.APPLICANT, "name": "张三", "phone": "13983001234"},
        {"role": PartyRole.RESPONDENT, "name": "李四", "phone": "13983005678"},
    ]


@pytest.fixture
def make_dispute(scene):
    def make(**kwargs):
        org = scene.org
        defaults = dict(
            by=org.user(XIPENG_DESK),
            source="walk_in",
            category="neighbour",
            description="邻居漏水纠纷",
            place_text="迎新村3组",
            community=org.yingxin,
            parties=two_parties(),
        )
        return dispute_receive(**{**defaults, **kwargs})

    return make
