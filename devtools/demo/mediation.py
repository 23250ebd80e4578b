"""Demo mediation that replays the seeds; idempotent (each part runs once, keyed on its
mediators, the tribunal's dispute and the lawyer's booked slot).

- Committees: 西彭镇人民调解委员会 (the township's committee, sitting in the station's
  mediation room) and 马王社区人民调解委员会; their mediators' agreements carry their seal.
- Every party consents before the first session, and every agreement is signed by the
  parties and the mediator and, in people's mediation, sealed by the committee, so it is in
  effect (人民调解法 art. 29).
- 西彭: the resident people's mediator 杨德明 (the mediator_xipeng login), 老杨群工, the
  court's 西彭法庭 for joint mediation, and a lawyer (陈律师) sitting every Thursday morning
  in the mediation room, kept four weeks of slots ahead on every run.
- 警法联调 (seed 004): a 白彭村 traffic compensation dispute that the desk and 西彭法庭
  mediated together this morning, as a court-entrusted mediation (诉调对接), settled with an
  agreement signed by the parties and the tribunal (no committee seal).
- 护企巡逻 (seed 004): the aluminium works' gate blocked over a scrap payment stuck with the
  broker, found on patrol at 铝城, assigned to the lawyer and booked into his next Thursday
  sitting, where driver, works and broker meet.
- 马王: the two incidents the cases demo diverted to mediation are now disputes. The first
  is assessed (low risk), mediated and settled with an agreement; its follow-up visit is
  due. The second shows a threat: high risk, the post and desk are alerted, and the desk's
  board offers to open the incident for 马王警务站 (left to the user, so that the demo's
  incident counts stay those of the cases demo).
- 迎新村: a walk-in boundary dispute assigned to 杨德明, its first session planned for
  tomorrow morning in the station's mediation room.
- 泥璧村: a wage dispute 杨德明 settled 13 days ago, the wages to be paid within 15 days:
  its follow-up visit falls due on that deadline, in two days, and the parties have 17
  days left to apply for judicial confirmation. So the mediator's
  home shows a dispute to act on, a session, a follow-up and a confirmation window.
- 双凤 (渝北): 双凤桥街道人民调解委员会 sits in the station, with the seed's "七大和事佬"
  (民警, 辅警, 社区干部, 网格员, 志愿者, 驻所律师, 街道回聘的法官; 重庆法制报 2019-09-25:
  "近一年来成功调解、化解各类大小矛盾纠纷10000余起(件)，化解率达90%以上").
  `seed_shuangfeng_year` bulk-creates that year, 2018-09-01 … 2019-08-31 (the twelve
  months before the report): about 11,300 disputes handled by the seven, outcomes drawn so
  that a little over 90 % of those concluded by mediation end in an agreement. Nothing
  states the rate: the statistics compute it from these records (resolved ÷ concluded). It
  is behind settings.DEMO_PARK_YEAR with the park post's year; a test seeds a few hundred.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.models import Incident
from apps.mediation.choices import (
    SEVEN_PEACEMAKERS,
    CommitteeKind,
    Consent,
    DisputeCategory,
    DisputeSource,
    DisputeStatus,
    EscalationSign,
    MediationKind,
    MediatorKind,
    Outcome,
    Referral,
    RiskLevel,
    SessionMode,
)
from apps.mediation.models import (
    Agreement,
    AgreementSignature,
    Dispute,
    DisputeEvent,
    DisputeParty,
    FollowUp,
    LawyerSlot,
    MediationCommittee,
    Mediator,
)
from apps.mediation.services import (
    agreement_make,
    dispute_assess,
    dispute_assign,
    dispute_party_add,
    dispute_receive,
    party_consent,
    session_record,
    session_schedule,
    slot_book,
    slots_generate,
)
from apps.stations.models import Community, Station
from devtools.demo.stats import BATCH, _number, _Numbers


@transaction.atomic
def seed_mediation() -> int:
    """Returns the disputes created or moved on this run."""
    return _seed_mediators_and_disputes() + _seed_tribunal_and_lawyer()


def _seed_mediators_and_disputes() -> int:
    xipeng = Station.objects.filter(code="500107-xipeng").first()
    jiulong = Station.objects.filter(code="500107-jiulong").first()
    if xipeng is None or jiulong is None or Mediator.objects.filter(name="杨德明").exists():
        return 0
    # Jiulong has no demo desk officer and the bureau admin's role neither assesses nor
    # assigns nor records sessions: the superuser takes its disputes' steps.
    admin = User.objects.get(username="admin")
    desk = User.objects.get(username="xipeng_desk")
    township = MediationCommittee.objects.create(
        station=xipeng, name="西彭镇人民调解委员会", kind=CommitteeKind.TOWNSHIP
    )
    yang = Mediator.objects.create(
        station=xipeng,
        name="杨德明",
        kind=MediatorKind.PEOPLES,
        user=User.objects.filter(username="mediator_xipeng").first(),
        organisation="西彭镇人民调解委员会",
        committee=township,
    )
    Mediator.objects.create(station=xipeng, name="老杨群工", kind=MediatorKind.MASS_WORKER)
    Mediator.objects.create(
        station=xipeng, name="西彭法庭", kind=MediatorKind.COURT, organisation="九龙坡区人民法院"
    )
    Mediator.objects.create(
        station=xipeng, name="陈律师", kind=MediatorKind.LAWYER, organisation="西彭法律服务所"
    )
    mawang_mediator = Mediator.objects.create(
        station=jiulong,
        name="马王社区调解员",
        kind=MediatorKind.RESIDENTS_COMMITTEE,
        committee=MediationCommittee.objects.create(
            station=jiulong,
            name="马王社区人民调解委员会",
            kind=CommitteeKind.RESIDENTS,
            community=Community.objects.filter(station=jiulong, name__contains="马王").first(),
        ),
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
        _consent(settled, by=admin)
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
            matters="楼上卫生间渗水致楼下天花板受损，维修及赔偿责任。",
            responsibility="楼上住户对防水层破损导致的渗水负全部责任。",
            terms="一、楼上住户于七日内请人修复卫生间防水层；\n二、赔偿楼下天花板维修费800元；\n"
            "三、双方今后互谅互让，不再因此事发生争执。",
            performance="楼上住户自行请人维修；维修费以现金当面交付楼下住户。",
            performance_deadline=timezone.localdate() + timedelta(days=7),
            signed_parties=list(settled.parties.values_list("pk", flat=True)),
            mediator_signed=True,
            sealed=True,
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
    _consent(walk_in, by=desk)
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
    _consent(wages, by=desk)
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
        matters="建材厂拖欠陈某三个月工资6800元。",
        responsibility="建材厂对拖欠工资负全部责任。",
        terms="一、建材厂于十五日内付清拖欠陈某的工资6800元；\n二、陈某收款后不再就此事投诉。",
        performance="银行转账至陈某本人账户，分两次付清。",
        performance_deadline=timezone.localdate() + timedelta(days=15),
        signed_parties=list(wages.parties.values_list("pk", flat=True)),
        mediator_signed=True,
        sealed=True,
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
    Agreement.objects.filter(dispute=wages).update(
        made_at=F("made_at") - back,
        mediator_signed_at=F("mediator_signed_at") - back,
        sealed_at=F("sealed_at") - back,
        effective_at=F("effective_at") - back,
        # The deadline was set 15 days from the day of the agreement.
        performance_deadline=F("performance_deadline") - back,
    )
    DisputeParty.objects.filter(dispute=wages).update(consent_at=F("consent_at") - back)
    AgreementSignature.objects.filter(agreement__dispute=wages).update(
        signed_at=F("signed_at") - back
    )
    FollowUp.objects.filter(dispute=wages).update(due_on=F("due_on") - back)
    return wages


JOINT_PLACE = "西彭派出所调解室"


def _seed_tribunal_and_lawyer() -> int:
    """警法联调 and the Thursday lawyer (seed 004), each once; the lawyer's sittings are kept
    four Thursdays ahead on every run (slots_generate adds only the missing ones)."""
    xipeng = Station.objects.filter(code="500107-xipeng").first()
    if xipeng is None:
        return 0
    tribunal = Mediator.objects.filter(station=xipeng, kind=MediatorKind.COURT).first()
    lawyer = Mediator.objects.filter(station=xipeng, kind=MediatorKind.LAWYER).first()
    admin = User.objects.filter(username="jlp_admin").first()
    desk = User.objects.filter(username="xipeng_desk").first()
    if tribunal is None or lawyer is None or admin is None or desk is None:
        return 0
    slots_generate(
        by=admin,
        mediator=lawyer,
        weekday=3,  # every Thursday morning
        first_day=timezone.localdate() + timedelta(days=1),
        weeks=4,
        start=time(9),
        end=time(12),
        place=JOINT_PLACE,
    )
    made = 0
    if not Dispute.objects.filter(station=xipeng, mediator=tribunal).exists():
        _joint_with_tribunal(station=xipeng, desk=desk, tribunal=tribunal)
        made += 1
    if not LawyerSlot.objects.filter(mediator=lawyer, dispute__isnull=False).exists():
        _factory_gate(station=xipeng, desk=desk, lawyer=lawyer)
        made += 1
    return made


def _joint_with_tribunal(*, station, desk, tribunal) -> Dispute:
    """警法联调: a traffic compensation dispute that the station and 西彭法庭 mediated
    together this morning, settled with an agreement the tribunal's mediator signed (a
    court-entrusted mediation: no committee seal, the agreement goes to the court)."""
    dispute = dispute_receive(
        by=desk,
        source="walk_in",
        kind=MediationKind.COURT,
        category=DisputeCategory.TRAFFIC,
        description="白彭村罗某驾驶三轮车与邓某的小货车在白彭路刮擦，罗某受轻微伤，"
        "双方就医疗费和车辆维修费争执不下。派出所请西彭法庭法官到所，"
        "与民警共同调解（警法联调）。",
        place_text="白彭路白彭村路段",
        community=Community.objects.filter(station=station, name="白彭村").first(),
        parties=[
            {"role": "applicant", "name": "罗某", "phone": "13983000301"},
            {"role": "respondent", "name": "邓某", "phone": "13983000302"},
        ],
        received_at=timezone.now() - timedelta(days=3),
    )
    dispute_assess(dispute=dispute, by=desk, risk_level=RiskLevel.LOW)
    dispute_assign(dispute=dispute, mediator=tribunal, by=desk)
    _consent(dispute, by=desk)
    session_record(
        dispute=dispute,
        by=desk,
        held_at=timezone.now() - timedelta(hours=2),
        place=JOINT_PLACE,
        attendees="罗某、邓某、西彭法庭法官、值班民警陈晓东",
        notes="民警核对事故经过，法官释明赔偿标准；双方同意按票据赔偿。",
    )
    agreement_make(
        dispute=dispute,
        by=desk,
        matters="白彭路刮擦事故的医疗费和车辆维修费赔偿。",
        responsibility="邓某倒车未注意后方，负事故主要责任。",
        terms="一、邓某赔偿罗某医疗费1200元、三轮车维修费600元，共计1800元；\n"
        "二、罗某收款后不再就此事故向邓某主张其他费用。",
        performance="邓某以微信转账方式一次付清。",
        performance_deadline=timezone.localdate() + timedelta(days=7),
        signed_parties=list(dispute.parties.values_list("pk", flat=True)),
        mediator_signed=True,
    )
    return dispute


def _factory_gate(*, station, desk, lawyer) -> Dispute:
    """The enterprise-protection patrol's find: a lorry blocks an aluminium works' gate over
    a scrap payment held up by the broker. The officers consult the station's lawyer and
    bring driver, works and broker together at the lawyer's next Thursday sitting."""
    dispute = dispute_receive(
        by=desk,
        source="patrol",
        category=DisputeCategory.DEBT,
        description="护企巡逻发现铝城大道某铝制品厂大门被大货车堵住。废品收购商王某称已付清"
        "废旧原料货款，厂方以未收到全款为由不让拉货；经查货款被中介卡住。"
        "民警咨询派出所合作律师，约双方和中介当面商谈。",
        place_text="铝城大道某铝制品厂门口",
        community=Community.objects.filter(station=station, name="铝城居委会").first(),
        parties=[
            {"role": "applicant", "name": "王某", "phone": "13983000303"},
            {"role": "respondent", "name": "某铝制品厂", "phone": "13983000304"},
            {"role": "other", "name": "中介刘某", "phone": "13983000305"},
        ],
    )
    dispute_assess(dispute=dispute, by=desk, risk_level=RiskLevel.MEDIUM)
    dispute_assign(dispute=dispute, mediator=lawyer, by=desk)
    _consent(dispute, by=desk)
    slot = LawyerSlot.objects.filter(mediator=lawyer, starts_at__gt=timezone.now()).first()
    if slot is not None:
        slot_book(slot=slot, by=desk, dispute=dispute)
        session_schedule(dispute=dispute, by=desk, at=slot.starts_at, place=slot.place)
    return dispute


def _consent(dispute: Dispute, *, by) -> None:
    """Every party consents to mediation before the first session (人民调解法 art. 3)."""
    for party in dispute.parties.filter(consent=""):
        party_consent(party=party, by=by, consent=Consent.GIVEN)


# --- 双凤派出所's seven peacemakers and their year ------------------------------------------

SHUANGFENG = "500112-shuangfeng"
SHUANGFENG_COMMITTEE = "双凤桥街道人民调解委员会"
# The seven peacemakers (七大和事佬), one of each kind: (name, kind, organisation, share of
# the year's disputes in percent).
PEACEMAKERS = [
    ("曲建华", MediatorKind.POLICE, "双凤派出所", 24),
    ("何静", MediatorKind.AUXILIARY, "双凤派出所", 20),
    ("赵红梅", MediatorKind.CADRE, "双凤社区居民委员会", 16),
    ("孙立新", MediatorKind.GRID_WORKER, "长翔路社区网格", 14),
    ("钱秀英", MediatorKind.VOLUNTEER, "双凤平安志愿者服务队", 10),
    ("郑律师", MediatorKind.LAWYER, "渝北区公共法律服务中心（驻所律师）", 9),
    ("冯法官", MediatorKind.RETIRED_JUDGE, "双凤桥街道办事处（回聘）", 7),
]
# The year before the report of 2019-09-25 ("近一年来"), local days [start, end).
YEAR_START = date(2018, 9, 1)
YEAR_END = date(2019, 9, 1)
# Received over the year; with the outcomes' weights below about 10,100 end in an agreement
# ("10000余起") and about 92 % of those concluded by mediation ("90%以上").
DISPUTES_YEAR = 11_300
OUTCOMES = [
    (Outcome.AGREEMENT, 895),
    (Outcome.FAILED, 75),
    (Outcome.WITHDRAWN, 25),
    (Outcome.REFUSED, 5),
]
CATEGORIES = [
    (DisputeCategory.NEIGHBOUR, 30, "邻里因噪声、漏水、占道等琐事发生争执。"),
    (DisputeCategory.FAMILY, 20, "家庭成员因赡养、感情等问题发生矛盾。"),
    (DisputeCategory.CONSUMER, 12, "消费者与商家因退换货、服务质量发生纠纷。"),
    (DisputeCategory.PROPERTY, 10, "业主与物业因物业费、停车位发生纠纷。"),
    (DisputeCategory.LABOUR, 8, "务工人员与雇主因工资结算发生纠纷。"),
    (DisputeCategory.TRAFFIC, 8, "车辆轻微剐蹭，双方就赔偿金额发生争执。"),
    (DisputeCategory.DEBT, 6, "熟人之间借款到期未还发生纠纷。"),
    (DisputeCategory.OTHER, 6, "其他民间纠纷。"),
]
SOURCES = [(DisputeSource.WALK_IN, 55), (DisputeSource.PATROL, 30), (DisputeSource.ONLINE, 15)]
NOTES = {
    Outcome.AGREEMENT: "双方达成调解协议并当场履行",
    Outcome.FAILED: "调解不成，告知当事人诉讼途径",
    Outcome.WITHDRAWN: "申请人撤回调解申请",
    Outcome.REFUSED: "一方不同意调解，告知其他解决途径",
}


@transaction.atomic
def seed_shuangfeng_committee() -> list[Mediator]:
    """双凤桥街道人民调解委员会 sitting in the station, with its seven peacemakers (keyed on
    the committee's name: a second run adds nothing). Returns the seven, in PEACEMAKERS'
    order ([] without the station)."""
    station = Station.objects.filter(code=SHUANGFENG).first()
    if station is None:
        return []
    committee, _created = MediationCommittee.objects.get_or_create(
        station=station, name=SHUANGFENG_COMMITTEE, defaults={"kind": CommitteeKind.TOWNSHIP}
    )
    return [
        Mediator.objects.get_or_create(
            station=station,
            name=name,
            kind=kind,
            defaults={"organisation": organisation, "committee": committee},
        )[0]
        for name, kind, organisation, _share in PEACEMAKERS
    ]


@transaction.atomic
def seed_shuangfeng_year(*, count: int = DISPUTES_YEAR, seed: int = 20190925) -> int:
    """`count` disputes received at 双凤 over YEAR_START … YEAR_END, each handled by one of
    the seven peacemakers and closed with a drawn outcome; bulk-created from a fixed random
    seed (nothing depends on today). Returns the disputes created: 0 when the station, its
    desk officer or the seven are missing, or the year is there already (any dispute of
    the station received in it)."""
    station = Station.objects.filter(code=SHUANGFENG).first()
    desk = User.objects.filter(username="shuangfeng_desk").first()
    mediators = seed_shuangfeng_committee()
    if station is None or desk is None or len(mediators) != len(SEVEN_PEACEMAKERS):
        return 0
    zone = timezone.get_default_timezone()
    start = datetime.combine(YEAR_START, time.min, tzinfo=zone)
    end = datetime.combine(YEAR_END, time.min, tzinfo=zone)
    if Dispute.objects.filter(
        station=station, received_at__gte=start, received_at__lt=end
    ).exists():
        return 0
    rng = random.Random(seed)
    communities = list(Community.objects.filter(station=station).order_by("name"))
    shares = [share for *_rest, share in PEACEMAKERS]
    minutes = int((end - start).total_seconds() // 60)
    # Any time of day and any day: the seed's "大小矛盾" come at all hours.
    received = sorted(start + timedelta(minutes=rng.randrange(minutes)) for _ in range(count))
    numbers = _Numbers(station, "TJ")
    outcomes, outcome_weights = zip(*OUTCOMES, strict=True)
    sources, source_weights = zip(*SOURCES, strict=True)
    disputes = []
    for at in received:
        category, _weight, description = rng.choices(
            CATEGORIES, weights=[c[1] for c in CATEGORIES]
        )[0]
        community = rng.choice(communities) if communities else None
        outcome = rng.choices(outcomes, weights=outcome_weights)[0]
        # Most are small and settled the same day; some take a week or three.
        hours = rng.choices(
            [rng.uniform(0.5, 8), rng.uniform(24, 24 * 7), rng.uniform(24 * 7, 24 * 21)],
            weights=[55, 35, 10],
        )[0]
        assessed = at + timedelta(minutes=rng.randint(10, 120))
        concluded = max(at + timedelta(hours=hours), assessed + timedelta(minutes=20))
        disputes.append(
            Dispute(
                station=station,
                number=_number(station, "TJ", at, numbers),
                source=rng.choices(sources, weights=source_weights)[0],
                category=category,
                description=description,
                place_text=community.name if community else "双凤桥街道",
                community=community,
                post_id=community.post_id if community else None,
                status=DisputeStatus.CLOSED,
                risk_level=RiskLevel.LOW if rng.random() < 0.85 else RiskLevel.MEDIUM,
                received_at=at,
                assess_by=at + timedelta(hours=48),
                assessed_at=assessed,
                mediator=rng.choices(mediators, weights=shares)[0],
                assigned_at=assessed,
                outcome=outcome,
                concluded_at=concluded,
                referral=Referral.COURT if outcome == Outcome.FAILED else "",
                outcome_note=NOTES[outcome],
                closed_at=concluded + timedelta(hours=rng.randint(1, 72)),
                created_by=desk,
            )
        )
    Dispute.objects.bulk_create(disputes, batch_size=BATCH)
    numbers.save()
    return len(disputes)
