"""Small hand-built source records for the statistics engine's tests: every metric gets
records on two local days at a post, at a station without a post and at a second station,
plus decoys (another bureau, outside the range, not counted)."""

import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from apps.cases.choices import CaseKind, Disposition, IncidentSource
from apps.cases.models import Case, Incident, IncidentCategory
from apps.mediation.choices import DisputeCategory, DisputeSource, Outcome
from apps.mediation.models import Dispute
from apps.noise.models import NoiseEvent, NoiseSensor
from apps.patrols.choices import FindingStatus, PatrolMode, PatrolStatus
from apps.patrols.models import Finding, Patrol
from apps.permits.choices import ApplicationKind, Basis
from apps.permits.models import PermitApplication, ResidenceCertificate, ResidencePermit
from apps.stations.choices import ServiceKind
from apps.stations.models import ServiceLog

SH = ZoneInfo("Asia/Shanghai")
DAY1 = date(2026, 3, 10)
DAY2 = date(2026, 3, 11)
_numbers = itertools.count(1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SH)


def _n() -> int:
    return next(_numbers)


def categories(bureau):
    major = IncidentCategory.objects.get_or_create(
        bureau=bureau, code="05", defaults={"name": "扰乱公共秩序", "kind": "public_order"}
    )[0]
    noise = IncidentCategory.objects.get_or_create(
        bureau=bureau,
        code="0501",
        defaults={"name": "广场舞噪声", "kind": "public_order", "parent": major},
    )[0]
    theft_major = IncidentCategory.objects.get_or_create(
        bureau=bureau, code="02", defaults={"name": "盗窃", "kind": "criminal"}
    )[0]
    theft = IncidentCategory.objects.get_or_create(
        bureau=bureau,
        code="0201",
        defaults={"name": "电动车盗窃", "kind": "criminal", "parent": theft_major},
    )[0]
    return noise, theft


def incident(station, user, received, *, post=None, arrived_min=None, **fields):
    n = _n()
    return Incident.objects.create(
        station=station,
        number=f"T-{n:06d}",
        source=fields.pop("source", IncidentSource.CENTRE_110),
        place_text="测试地点",
        received_at=received,
        arrived_at=None if arrived_min is None else received + timedelta(minutes=arrived_min),
        received_by=user,
        post=post,
        **fields,
    )


def service(station, user, when, kind=ServiceKind.CONSULTATION, post=None):
    return ServiceLog.objects.create(
        station=station, post=post, kind=kind, occurred_at=when, recorded_by=user
    )


def document(model, station, community, issued, user, post=None):
    n = _n()
    application = PermitApplication.objects.create(
        station=station,
        post=post,
        community=community,
        kind=ApplicationKind.PERMIT if model is ResidencePermit else ApplicationKind.REGISTRATION,
        name="张三",
        id_number="500107199001011234",
        phone="13900000000",
        address_text="测试地址",
        basis=Basis.HOUSING,
        created_by=user,
    )
    extra = {}
    if model is ResidencePermit:
        extra = {"valid_from": issued.date(), "valid_until": issued.date() + timedelta(days=365)}
    return model.objects.create(
        station=station,
        post=post,
        application=application,
        number=f"D-{n:06d}",
        name="张三",
        id_number="500107199001011234",
        address_text="测试地址",
        issued_at=issued,
        **extra,
    )


def case(station, user, *, kind=CaseKind.CRIMINAL, filed=None, solved=None):
    n = _n()
    return Case.objects.create(
        station=station,
        number=f"C-{n:06d}",
        kind=kind,
        title="测试案件",
        filed_at=filed,
        solved_at=solved,
        created_by=user,
    )


def dispute(station, user, received, *, post=None, concluded=None, outcome=""):
    n = _n()
    return Dispute.objects.create(
        station=station,
        number=f"M-{n:06d}",
        source=DisputeSource.WALK_IN,
        category=DisputeCategory.NEIGHBOUR,
        description="测试纠纷",
        received_at=received,
        assess_by=received + timedelta(days=3),
        concluded_at=concluded,
        outcome=outcome,
        post=post,
        created_by=user,
    )


def patrol(station, user, started, hours, *, post=None, villages=(), status=PatrolStatus.FINISHED):
    p = Patrol.objects.create(
        station=station,
        post=post,
        mode=PatrolMode.FOOT,
        status=status,
        planned_start=started,
        started_at=started,
        ended_at=started + timedelta(hours=hours) if status == PatrolStatus.FINISHED else None,
        created_by=user,
    )
    p.covered.set(villages)
    return p


def noise_event(station, opened, *, post=None):
    sensor = NoiseSensor.objects.create(
        station=station,
        post=post,
        name=f"传感器{_n()}",
        latitude=Decimal("29.5"),
        longitude=Decimal("106.5"),
        zone_class="1",
    )
    return NoiseEvent.objects.create(
        sensor=sensor,
        opened_at=opened,
        closed_at=opened + timedelta(minutes=20),
        peak=70,
        limit=55,
        period="day",
    )


def finding(station, user, found, *, community=None, handled=None, trouble=True):
    return Finding.objects.create(
        station=station,
        community=community,
        kind="hazard" if trouble else "other",
        trouble=trouble,
        description="测试发现",
        found_at=found,
        status=FindingStatus.HANDLED if handled else FindingStatus.OPEN,
        handled_at=handled,
        found_by=user,
    )


def build(org, user):
    """Records of every source; returns what the tests compare against."""
    xipeng, shiqiaopu, post = org.xipeng, org.shiqiaopu, org.park_post
    noise, theft = categories(org.jiulongpo)
    # Incidents: DAY1 at the post: 3 (response 5, 10, 30 min), one noise complaint, one
    # sensor incident of the noise category (not a complaint), one invalid, one repeat.
    incident(
        xipeng,
        user,
        at(DAY1, 9),
        post=post,
        arrived_min=5,
        category=noise,
        minutes_saved=Decimal("10.0"),
    )
    theft_call = incident(
        xipeng,
        user,
        at(DAY1, 10),
        post=post,
        arrived_min=10,
        category=theft,
        minutes_saved=Decimal("12.5"),
        is_repeat_caller=True,
    )
    incident(
        xipeng,
        user,
        at(DAY1, 23, 30),
        post=post,
        arrived_min=30,
        category=noise,
        source=IncidentSource.SENSOR,
    )
    # DAY1 at the station without a post, uncategorised, invalid.
    incident(
        xipeng,
        user,
        at(DAY1, 0, 10),
        disposition=Disposition.INVALID,
        source=IncidentSource.PHONE,
        arrived_min=20,
    )
    # DAY2 at shiqiaopu.
    incident(shiqiaopu, user, at(DAY2, 8), arrived_min=7, category=theft)
    # Decoys: the day before DAY1 (23:59 local), another bureau.
    incident(xipeng, user, at(DAY1, 0) - timedelta(minutes=1), post=post)
    incident(org.shuangfeng, user, at(DAY1, 12), arrived_min=3)

    service(xipeng, user, at(DAY1, 9), post=post)
    service(xipeng, user, at(DAY1, 10), post=post)
    service(xipeng, user, at(DAY1, 11), kind=ServiceKind.RESIDENCE_REGISTRATION, post=post)
    service(xipeng, user, at(DAY2, 11), kind=ServiceKind.RESIDENCE_REGISTRATION)
    service(xipeng, user, at(DAY2, 12), kind=ServiceKind.OTHER, post=post)  # not counted

    document(ResidenceCertificate, xipeng, org.yingxin, at(DAY1, 15), user, post=post)
    document(ResidencePermit, xipeng, org.yingxin, at(DAY2, 15), user, post=post)
    document(ResidencePermit, xipeng, org.yingxin, at(DAY2, 16), user)

    # Cases: the theft at the post became the first (filed DAY1, solved DAY2): it counts at
    # the post; the others were accepted without an incident: station and bureau only.
    theft_case = case(xipeng, user, filed=at(DAY1, 9), solved=at(DAY2, 9))
    Incident.objects.filter(pk=theft_call.pk).update(case=theft_case)
    case(xipeng, user, kind=CaseKind.PUBLIC_SECURITY, filed=at(DAY1, 10))
    case(shiqiaopu, user, filed=at(DAY2, 10))

    dispute(xipeng, user, at(DAY1, 9), post=post, concluded=at(DAY2, 9), outcome=Outcome.AGREEMENT)
    dispute(xipeng, user, at(DAY1, 10), post=post, concluded=at(DAY2, 10), outcome=Outcome.FAILED)

    from apps.core.testing.factories import CommunityFactory

    village2 = CommunityFactory(station=xipeng, name="泥璧村")
    patrol(xipeng, user, at(DAY1, 20), 2, post=post, villages=[org.yingxin, village2])
    patrol(xipeng, user, at(DAY1, 22), 1.5, post=post, villages=[org.yingxin])
    patrol(xipeng, user, at(DAY1, 8), 1, villages=[village2])  # no post
    patrol(xipeng, user, at(DAY1, 9), 1, status=PatrolStatus.ACTIVE)  # not finished

    noise_event(xipeng, at(DAY1, 20, 40), post=post)
    noise_event(shiqiaopu, at(DAY2, 21))

    # Findings: DAY1 two in the post's village (one handled DAY2), one in 泥璧村 (no post);
    # an enterprise visit where nothing was found is no finding; DAY2 one at 石桥铺.
    finding(xipeng, user, at(DAY1, 21), community=org.yingxin, handled=at(DAY2, 8))
    finding(xipeng, user, at(DAY1, 21, 30), community=org.yingxin)
    finding(xipeng, user, at(DAY1, 9), community=village2)
    finding(xipeng, user, at(DAY1, 10), community=org.yingxin, handled=at(DAY1, 10), trouble=False)
    finding(shiqiaopu, user, at(DAY2, 9), handled=at(DAY2, 9, 30))
    return {"village2": village2}
