"""Finding services: report (idempotent, scoped, photo checked), the one-tap conversions
linked both ways, one conversion per finding, handling, enterprise visits and video
patrols raising a finding."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import override

from apps.cases.choices import IncidentSource
from apps.cases.models import Incident, IncidentCategory
from apps.core.errors import Conflict, DomainError, NotAllowed, OutOfScope
from apps.core.testing.factories import CommunityFactory
from apps.core.testing.personas import JLP_ADMIN, XIPENG_CASE, XIPENG_COMMUNITY, XIPENG_DESK
from apps.core.uploads import UploadRefused, private_storage
from apps.mediation.choices import DisputeSource
from apps.mediation.models import Dispute
from apps.patrols.choices import FindingKind, FindingStatus, PatrolStatus
from apps.patrols.findings.services import (
    NOTHING_FOUND,
    finding_handle,
    finding_report,
    finding_to_dispute,
    finding_to_incident,
    video_patrol_log,
)
from apps.patrols.models import Finding, PatrolSettings, VideoPatrol

from .factories import make_patrol
from .findings_scene import (
    fake_jpeg,
    jpeg,
    make_finding,
    make_unit,
    shuangfeng_officer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with override("en"):
        yield


def officer(org):
    return org.user(XIPENG_COMMUNITY)


# --- report -------------------------------------------------------------------------------


def test_a_finding_on_patrol_takes_the_patrols_station_and_a_resent_client_id_is_a_no_op(org):
    patrol = make_patrol(org)
    client_id = uuid.uuid4()
    first, created = finding_report(
        by=officer(org),
        kind=FindingKind.DISPUTE_SIGN,
        description="两户因宅基地争吵",
        patrol=patrol,
        client_id=client_id,
        latitude=29.3781,
        longitude=106.2924,
    )
    assert created and first.station == org.xipeng and first.patrol == patrol
    assert first.status == FindingStatus.OPEN and first.found_by == officer(org)
    again, created = finding_report(
        by=officer(org), kind="hazard", description="不同的内容", client_id=client_id
    )
    assert not created and again.pk == first.pk
    assert Finding.objects.count() == 1


def test_a_cancelled_patrol_takes_no_findings(org):
    patrol = make_patrol(org, status=PatrolStatus.CANCELLED)
    with pytest.raises(Conflict, match="cancelled"):
        make_finding(org, patrol=patrol)
    assert not Finding.objects.exists()


def test_another_stations_patrol_or_client_id_is_not_found(org):
    other = shuangfeng_officer(org)
    patrol = make_patrol(org)
    with pytest.raises(OutOfScope):
        make_finding(org, by=other, patrol=patrol, community=None)
    mine = make_finding(org)
    with pytest.raises(OutOfScope):
        finding_report(by=other, kind="hazard", description="x", client_id=mine.client_id)


def test_bad_input_is_refused_with_a_clear_message(org):
    with pytest.raises(DomainError, match="Describe"):
        make_finding(org, description="  ")
    with pytest.raises(DomainError, match="Unknown kind"):
        make_finding(org, kind="ufo")
    with pytest.raises(DomainError, match="both latitude"):
        make_finding(org, latitude=29.3)
    with pytest.raises(DomainError, match="outside China"):
        make_finding(org, latitude=1.0, longitude=2.0)
    with pytest.raises(DomainError, match="future"):
        make_finding(org, found_at=timezone.now() + timedelta(hours=1))
    other_village = make_unit(org).address.community
    assert other_village == org.yingxin  # sanity: the unit's village is 西彭's
    assert not Finding.objects.exists()


def test_a_photo_is_checked_by_content_reencoded_and_kept_private(org):
    finding = make_finding(org, photo=jpeg())
    assert finding.photo.name.startswith("patrols/findings/")
    assert finding.photo.name.endswith(".jpg")
    assert private_storage().exists(finding.photo.name)
    with pytest.raises(UploadRefused, match="not accepted"):
        make_finding(org, photo=fake_jpeg(), description="另一个发现")
    assert Finding.objects.count() == 1


# --- the village of a point ---------------------------------------------------------------
# 迎新村 lies at 29.52, 106.52 (CommunityFactory); 0.001° of latitude is about 111 m.


def tablet_finding(org, latitude, longitude, **fields):
    """A finding as the tablet sends it: the GPS fix, no village."""
    return make_finding(org, community=None, latitude=latitude, longitude=longitude, **fields)


def test_a_finding_from_the_tablet_gets_the_nearest_village_within_the_coverage_radius(org):
    baohua = CommunityFactory(
        station=org.xipeng, name="宝华村", latitude=Decimal("29.524"), longitude=Decimal("106.52")
    )
    # Nearer 迎新村 (about 110 m) than 宝华村 (about 330 m): both are within 500 m.
    assert tablet_finding(org, 29.521, 106.52).community == org.yingxin
    assert tablet_finding(org, 29.5232, 106.52, description="另一处").community == baohua


def test_a_point_beyond_the_radius_has_no_village_and_the_radius_is_the_bureaus(org):
    far = tablet_finding(org, 29.526, 106.52)  # about 670 m from 迎新村
    assert far.community is None
    PatrolSettings.objects.create(bureau=org.jiulongpo, coverage_radius_m=1000)
    assert tablet_finding(org, 29.526, 106.52, description="又一处").community == org.yingxin


def test_another_stations_village_is_never_derived(org):
    # 石桥铺's village on the very spot (same bureau): a 西彭 finding is not put in it.
    spot = {"latitude": Decimal("29.5301"), "longitude": Decimal("106.52")}
    CommunityFactory(station=org.shiqiaopu, name="石桥村", **spot)
    assert tablet_finding(org, 29.5301, 106.52).community is None


def test_a_village_given_is_kept_and_none_without_coordinates(org):
    baohua = CommunityFactory(station=org.xipeng, name="宝华村")
    given = make_finding(org, community=baohua, latitude=29.52, longitude=106.52)
    assert given.community == baohua
    assert make_finding(org, community=None, description="无坐标").community is None


def test_the_incident_and_the_dispute_of_a_tablet_finding_carry_the_village(org):
    incident = finding_to_incident(finding=tablet_finding(org, 29.5205, 106.5203), by=officer(org))
    assert incident.community == org.yingxin
    sign = tablet_finding(org, 29.5205, 106.5203, kind="dispute_sign", description="两户争吵")
    dispute = finding_to_dispute(finding=sign, by=officer(org), category="neighbour")
    assert dispute.community == org.yingxin


# --- conversions --------------------------------------------------------------------------


def test_to_incident_opens_a_patrol_incident_linked_both_ways_and_handles_the_finding(org):
    category = IncidentCategory.objects.create(
        bureau=org.jiulongpo, code="09", name="安全隐患", kind="public_order"
    )
    minor = IncidentCategory.objects.create(
        bureau=org.jiulongpo, parent=category, code="0901", name="井盖缺失", kind="public_order"
    )
    finding = make_finding(org, latitude=29.3781, longitude=106.2924)
    incident = finding_to_incident(finding=finding, by=officer(org), category=minor, priority=1)
    finding.refresh_from_db()
    assert incident.source == IncidentSource.PATROL
    assert incident.station == org.xipeng and incident.category == minor
    assert incident.priority == 1
    assert "井盖缺失" in incident.description and "迎新村" in incident.place_text
    assert (float(incident.latitude), float(incident.longitude)) == (29.3781, 106.2924)
    assert finding.incident == incident
    assert Incident.objects.get(pk=incident.pk).patrol_finding == finding
    assert finding.status == FindingStatus.HANDLED and finding.handled_at
    assert finding.handled_by == officer(org)


def test_a_finding_is_converted_once_either_way(org):
    finding = make_finding(org)
    finding_to_incident(finding=finding, by=officer(org))
    with pytest.raises(Conflict, match="already been turned into an incident"):
        finding_to_incident(finding=finding, by=officer(org))
    with pytest.raises(Conflict, match="already been turned into an incident"):
        finding_to_dispute(finding=finding, by=officer(org), category="neighbour")
    assert Incident.objects.count() == 1 and not Dispute.objects.exists()

    other = make_finding(org, kind="dispute_sign", description="邻里因噪声争吵")
    dispute = finding_to_dispute(finding=other, by=officer(org), category="neighbour")
    other.refresh_from_db()
    assert dispute.source == DisputeSource.PATROL and dispute.category == "neighbour"
    assert dispute.station == org.xipeng and dispute.community == org.yingxin
    assert other.dispute == dispute and Dispute.objects.get(pk=dispute.pk).patrol_finding == other
    assert other.status == FindingStatus.HANDLED
    with pytest.raises(Conflict, match="already been turned into a dispute"):
        finding_to_incident(finding=other, by=officer(org))
    assert Incident.objects.count() == 1 and Dispute.objects.count() == 1


def test_a_role_without_incidents_or_disputes_cannot_convert(org):
    finding = make_finding(org)
    with pytest.raises(NotAllowed):
        finding_to_incident(finding=finding, by=org.user(JLP_ADMIN))
    with pytest.raises(NotAllowed):
        finding_to_dispute(finding=finding, by=org.user(XIPENG_CASE), category="other")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_another_station_cannot_convert(org):
    other = shuangfeng_officer(org)
    finding = make_finding(org)
    with pytest.raises(OutOfScope):
        finding_to_incident(finding=finding, by=other)
    assert not Incident.objects.exists()


def test_a_bad_category_rolls_the_conversion_back(org):
    finding = make_finding(org)
    with pytest.raises(DomainError):
        finding_to_dispute(finding=finding, by=officer(org), category="aliens")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and finding.dispute_id is None


def test_handling_needs_a_note_and_a_handled_finding_is_not_converted(org):
    finding = make_finding(org)
    with pytest.raises(DomainError, match="how"):
        finding_handle(finding=finding, by=officer(org), note=" ")
    finding_handle(finding=finding, by=officer(org), note="已通知村委会放置警示牌")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.HANDLED
    assert finding.handling_note == "已通知村委会放置警示牌"
    with pytest.raises(Conflict, match="already been handled"):
        finding_to_incident(finding=finding, by=officer(org))
    with pytest.raises(Conflict):
        finding_handle(finding=finding, by=officer(org), note="again")


# --- enterprise visits --------------------------------------------------------------------


def test_an_enterprise_visit_with_trouble_is_an_open_finding_of_the_enterprise(org):
    unit = make_unit(org)
    finding = make_finding(
        org, kind=FindingKind.ENTERPRISE_TROUBLE, description="厂区围墙破损", unit=unit
    )
    assert finding.unit == unit and finding.status == FindingStatus.OPEN
    assert Finding.objects.exclude(NOTHING_FOUND).count() == 1


def test_a_visit_with_nothing_found_is_recorded_handled_and_not_counted(org):
    unit = make_unit(org)
    with pytest.raises(DomainError, match="enterprise"):
        finding_report(by=officer(org), kind="", description="", nothing_found=True)
    visit, created = finding_report(
        by=officer(org), kind="", description="", unit=unit, nothing_found=True
    )
    assert created and visit.kind == FindingKind.OTHER
    assert visit.status == FindingStatus.HANDLED and visit.handled_at == visit.found_at
    assert "nothing found" in visit.description
    assert Finding.objects.filter(NOTHING_FOUND).get() == visit
    make_finding(org, kind=FindingKind.OTHER, unit=unit, description="消防通道堵塞")
    assert Finding.objects.exclude(NOTHING_FOUND).count() == 1
    with pytest.raises(Conflict):
        finding_to_incident(finding=visit, by=officer(org))


def test_another_stations_enterprise_is_refused(org):
    other = shuangfeng_officer(org)
    unit = make_unit(org)
    with pytest.raises(DomainError, match="enterprise belongs to another station"):
        make_finding(org, by=other, unit=unit, community=None)


# --- video patrols ------------------------------------------------------------------------


def test_a_video_patrol_may_raise_a_finding_in_the_same_step(org):
    desk = org.user(XIPENG_DESK)
    checked_at = timezone.now() - timedelta(minutes=3)
    video = video_patrol_log(
        by=desk,
        kind="mouse",
        camera="园区大门1号球机",
        checked_at=checked_at,
        observation="大门口有人翻越围栏",
        finding_kind=FindingKind.SUSPICIOUS_PERSON,
    )
    assert video.station == org.xipeng and video.officer == desk
    finding = video.finding
    assert finding.kind == FindingKind.SUSPICIOUS_PERSON
    assert finding.found_at == checked_at and finding.place == "园区大门1号球机"
    assert finding.description == "大门口有人翻越围栏" and finding.station == org.xipeng
    assert finding.video_patrol == video
    plain = video_patrol_log(
        by=desk, kind="sentry", camera="2号枪机", checked_at=None, observation="正常"
    )
    assert plain.finding is None


def test_a_bad_finding_of_a_video_patrol_saves_nothing(org):
    with pytest.raises(DomainError):
        video_patrol_log(
            by=org.user(XIPENG_DESK),
            kind="mouse",
            camera="1号",
            checked_at=None,
            observation="x",
            finding_kind="ufo",
        )
    with pytest.raises(DomainError, match="camera"):
        video_patrol_log(
            by=org.user(XIPENG_DESK), kind="mouse", camera=" ", checked_at=None, observation="x"
        )
    assert not VideoPatrol.objects.exists() and not Finding.objects.exists()


def test_only_station_staff_log_video_patrols(org):
    with pytest.raises(DomainError, match="station staff"):
        video_patrol_log(
            by=org.user(JLP_ADMIN), kind="mouse", camera="1号", checked_at=None, observation="x"
        )
