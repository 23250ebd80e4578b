"""Demo mediation that replays the seeds; idempotent (it runs once, keyed on its mediators).

- 西彭: the resident people's mediator 杨德明 (the mediator_xipeng login), 老杨群工, the
  court's 西彭法庭 for joint mediation, and a lawyer sitting every Thursday morning in the
  mediation room, four weeks of slots ahead.
- 马王: the two incidents the cases demo diverted to mediation are now disputes. The first
  is assessed (low risk), mediated and settled with an agreement; its follow-up visit is
  due. The second shows a threat: high risk, the post and desk are alerted, and the desk's
  board offers to open the incident for 马王警务站 (left to the user, so that the demo's
  incident counts stay those of the cases demo).
- 迎新村: a walk-in boundary dispute assigned to 杨德明, waiting for its session.
"""

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.models import Incident
from apps.stations.models import Community, Station

from .choices import DisputeCategory, EscalationSign, MediatorKind, RiskLevel, SessionMode
from .models import Dispute, Mediator
from .services import (
    agreement_make,
    dispute_assess,
    dispute_assign,
    dispute_party_add,
    dispute_receive,
    session_record,
    slots_generate,
)


@transaction.atomic
def seed_mediation() -> int:
    """Returns the disputes created or moved on this run."""
    xipeng = Station.objects.filter(code="500107-xipeng").first()
    jiulong = Station.objects.filter(code="500107-jiulong").first()
    if xipeng is None or jiulong is None or Mediator.objects.filter(name="杨德明").exists():
        return 0
    admin = User.objects.get(username="jlp_admin")
    desk = User.objects.get(username="xipeng_desk")
    yang = Mediator.objects.create(
        station=xipeng,
        name="杨德明",
        kind=MediatorKind.PEOPLES,
        user=User.objects.filter(username="mediator_xipeng").first(),
        organisation="西彭镇人民调解委员会",
    )
    Mediator.objects.create(station=xipeng, name="老杨群工", kind=MediatorKind.MASS_WORKER)
    Mediator.objects.create(
        station=xipeng, name="西彭法庭", kind=MediatorKind.COURT, organisation="九龙坡区人民法院"
    )
    lawyer = Mediator.objects.create(
        station=xipeng, name="陈律师", kind=MediatorKind.LAWYER, organisation="西彭法律服务所"
    )
    slots_generate(
        by=admin,
        mediator=lawyer,
        weekday=3,
        first_day=timezone.localdate() + timedelta(days=1),
        weeks=4,
        start=time(9),
        end=time(12),
        place="西彭派出所调解室",
    )
    mawang_mediator = Mediator.objects.create(
        station=jiulong, name="马王社区调解员", kind=MediatorKind.RESIDENTS_COMMITTEE
    )
    moved = 0
    diverted = Dispute.objects.filter(
        incident__in=Incident.objects.filter(station=jiulong, disposition="mediation")
    ).order_by("incident__received_at")
    settled, threatening = [*diverted, None, None][:2]
    if settled is not None:
        dispute_party_add(dispute=settled, by=admin, role="respondent", name="楼上住户王某")
        dispute_assess(
            dispute=settled, by=admin, risk_level=RiskLevel.LOW, category=DisputeCategory.NEIGHBOUR
        )
        dispute_assign(dispute=settled, mediator=mawang_mediator, by=admin)
        session_record(
            dispute=settled,
            by=admin,
            held_at=timezone.now() - timedelta(days=1),
            mode=SessionMode.IN_PERSON,
            place="马王警务站调解室",
            attendees="双方当事人、马王社区调解员",
            notes="楼上卫生间防水层破损，双方同意维修。",
        )
        agreement_make(
            dispute=settled,
            by=admin,
            terms="一、楼上住户于七日内请人修复卫生间防水层；\n二、赔偿楼下天花板维修费800元；\n"
            "三、双方今后互谅互让，不再因此事发生争执。",
            signed_parties=list(settled.parties.values_list("pk", flat=True)),
        )
        moved += 1
    if threatening is not None:
        dispute_assess(
            dispute=threatening,
            by=admin,
            risk_level=RiskLevel.HIGH,
            signs=[EscalationSign.THREATS, EscalationSign.REPEATED_CALLS],
            category=DisputeCategory.NEIGHBOUR,
            note="一方扬言要“找人收拾”对方",
        )
        moved += 1
    yingxin = Community.objects.filter(station=xipeng, name="迎新村").first()
    walk_in = dispute_receive(
        by=desk,
        source="walk_in",
        category=DisputeCategory.PROPERTY,
        description="相邻两户宅基地界址争议，一方砌墙占用通道。",
        place_text="迎新村5组",
        community=yingxin,
        parties=[
            {"role": "applicant", "name": "周某", "phone": "13983000201"},
            {"role": "respondent", "name": "吴某", "phone": "13983000202"},
        ],
    )
    dispute_assess(dispute=walk_in, by=desk, risk_level=RiskLevel.MEDIUM)
    dispute_assign(dispute=walk_in, mediator=yang, by=desk)
    return moved + 1
