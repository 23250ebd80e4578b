"""Demo mediation that replays the seeds; idempotent (it runs once, keyed on its mediators).

- 西彭: the resident people's mediator 杨德明 (the mediator_xipeng login), 老杨群工, the
  court's 西彭法庭 for joint mediation, and a lawyer sitting every Thursday morning in the
  mediation room, four weeks of slots ahead.
- 马王: the two incidents the cases demo diverted to mediation are now disputes. The first
  is assessed (low risk), mediated and settled with an agreement; its follow-up visit is
  due. The second shows a threat: high risk, the post and desk are alerted, and the desk's
  board offers to open the incident for 马王警务站 (left to the user, so that the demo's
  incident counts stay those of the cases demo).
- 迎新村: a walk-in boundary dispute assigned to 杨德明, its first session planned for
  tomorrow morning in the station's mediation room.
- 泥璧村: a wage dispute 杨德明 settled 13 days ago: its follow-up visit is due in two days
  and the parties have 17 days left to apply for judicial confirmation. So the mediator's
  home shows a dispute to act on, a session, a follow-up and a confirmation window.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.models import Incident
from apps.stations.models import Community, Station

from .choices import DisputeCategory, EscalationSign, MediatorKind, RiskLevel, SessionMode
from .models import Agreement, AgreementSignature, Dispute, DisputeEvent, FollowUp, Mediator
from .services import (
    agreement_make,
    dispute_assess,
    dispute_assign,
    dispute_party_add,
    dispute_receive,
    session_record,
    session_schedule,
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
    tomorrow = timezone.localdate() + timedelta(days=1)
    session_schedule(
        dispute=walk_in,
        by=yang.user or desk,
        at=timezone.make_aware(datetime.combine(tomorrow, time(9, 30))),
        place="西彭派出所调解室",
    )
    _settled_wages(station=xipeng, desk=desk, mediator=yang)
    return moved + 2


def _settled_wages(*, station, desk, mediator) -> Dispute:
    """The 泥璧村 wage dispute, taken in, mediated and settled, then moved 13 days back."""
    wages = dispute_receive(
        by=desk,
        source="village",
        category=DisputeCategory.LABOUR,
        description="泥璧村某建材厂拖欠陈某三个月工资6800元，双方多次协商未果。",
        place_text="泥璧村2组",
        community=Community.objects.filter(station=station, name="泥璧村").first(),
        parties=[
            {"role": "applicant", "name": "陈某", "phone": "13983000203"},
            {"role": "respondent", "name": "泥璧村某建材厂", "phone": "13983000204"},
        ],
    )
    dispute_assess(dispute=wages, by=desk, risk_level=RiskLevel.LOW)
    dispute_assign(dispute=wages, mediator=mediator, by=desk)
    by = mediator.user or desk
    session_record(
        dispute=wages,
        by=by,
        held_at=timezone.now(),
        place="西彭派出所调解室",
        attendees="陈某、建材厂负责人、杨德明",
        notes="厂方承认欠薪，同意分两次付清。",
    )
    agreement_make(
        dispute=wages,
        by=by,
        terms="一、建材厂于十日内付清拖欠陈某的工资6800元；\n二、陈某收款后不再就此事投诉。",
        signed_parties=list(wages.parties.values_list("pk", flat=True)),
    )
    # Demo history: every time of the dispute moves back 13 days, as if it had happened then.
    back = timedelta(days=13)
    Dispute.objects.filter(pk=wages.pk).update(
        received_at=F("received_at") - back,
        assess_by=F("assess_by") - back,
        assessed_at=F("assessed_at") - back,
        assigned_at=F("assigned_at") - back,
        concluded_at=F("concluded_at") - back,
    )
    DisputeEvent.objects.filter(dispute=wages).update(at=F("at") - back)
    wages.sessions.update(held_at=F("held_at") - back)
    Agreement.objects.filter(dispute=wages).update(made_at=F("made_at") - back)
    AgreementSignature.objects.filter(agreement__dispute=wages).update(
        signed_at=F("signed_at") - back
    )
    FollowUp.objects.filter(dispute=wages).update(due_on=F("due_on") - back)
    return wages
