"""One 西彭 record of every kind the pages, the API and admin address, built once per test
module (tests/security/conftest.py) on the personas' organisation.

Records are made through the services where a service makes them, so that each is in the
state real use leaves it in: the incident dispatched to the park post, the citizen's
registration approved with its certificate, the dispute assigned to the mediator persona
with a session, an agreement (scanned) and its follow-up, the patrol under way.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.test import Client
from django.utils import timezone

from apps.accounts.models import PhoneCode
from apps.accounts.services import device_token_issue
from apps.cases import services as cases
from apps.cases.models import (
    DispatchSettings,
    DutyShift,
    IncidentCategory,
    IncomingCall,
    ProcedureStep,
)
from apps.core.idnumbers import FEMALE, make_id_number
from apps.core.models import AccessLog
from apps.core.notifications import notify
from apps.core.testing.factories import ServiceLogFactory, StaffAssignmentFactory
from apps.core.testing.personas import (
    ANONYMOUS,
    CITIZEN,
    MEDIATOR,
    PERSONAS,
    XIPENG_CASE,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    XIPENG_LEADER,
    Org,
    build_org,
)
from apps.mediation import services as mediation
from apps.mediation.models import LawyerSlot, MediationCommittee, Mediator
from apps.noise.models import NoiseEvent, NoiseLimit, NoiseSettings
from apps.noise.services import readings_ingest, sensor_create
from apps.patrols import services as patrols
from apps.patrols.findings.services import finding_report, video_patrol_log
from apps.patrols.models import AssessmentScore, PatrolSettings, Vehicle
from apps.permits import services as permits
from apps.permits.models import (
    EnterpriseContact,
    EnterpriseRegistration,
    PermitEndorsement,
    ResidencePermit,
)
from apps.registry.models import ImportBatch, Residence, SavedQuery
from apps.stations.models import CommunityAppointment
from apps.stats.models import DailyFact, StatsRun
from tests.mediation.helpers import consent_all
from tests.patrols.findings_scene import jpeg
from tests.registry.factories import (
    AddressFactory,
    FocusRecordFactory,
    HotelStayFactory,
    HousingFactory,
    PersonFactory,
    UnitFactory,
)


@dataclass
class Scene:
    org: Org
    objects: dict = field(default_factory=dict)
    # Route arguments that are not primary keys: signed tokens and the like.
    values: dict = field(default_factory=dict)
    # Per persona: a logged-in session's key and a device token (tests/security/conftest.py).
    sessions: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    # The personas' permission sets as the cache holds them (probe.clean_cache).
    permission_sets: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.objects[key]


def build_scene(org: Org) -> Scene:
    scene = Scene(org=org)
    o = scene.objects
    desk, community, case_officer, leader = (
        org.user(p) for p in (XIPENG_DESK, XIPENG_COMMUNITY, XIPENG_CASE, XIPENG_LEADER)
    )
    citizen = org.user(CITIZEN)
    now = timezone.now()

    # --- organisation ------------------------------------------------------------------
    o["bureau"], o["station"], o["post"] = org.jiulongpo, org.xipeng, org.park_post
    o["district"], o["community"] = org.park_district, org.yingxin
    o["staff"] = StaffAssignmentFactory(
        station=org.xipeng, post=org.park_post, user=community, name="李警官", kind="officer"
    )
    o["servicelog"] = ServiceLogFactory(station=org.xipeng, post=org.park_post, recorded_by=desk)
    o["appointment"] = CommunityAppointment.objects.create(
        station=org.xipeng, community=org.yingxin, officer=o["staff"], started_on=date(2019, 9, 1)
    )
    o["user"] = desk

    # --- registry ----------------------------------------------------------------------
    o["address"] = AddressFactory(community=org.yingxin)
    o["housing"] = HousingFactory(address=o["address"])
    o["person"] = PersonFactory(station=org.xipeng, name="张三")
    o["residence"] = Residence.objects.create(
        station=org.xipeng,
        person=o["person"],
        housing=o["housing"],
        relation="owner",
        since=date(2020, 1, 1),
    )
    o["unit"] = UnitFactory(address=AddressFactory(community=org.yingxin), kind="hotel")
    o["hotelstay"] = HotelStayFactory(hotel=o["unit"], person=o["person"])
    o["focusrecord"] = FocusRecordFactory(person=o["person"], responsible_officer=community)
    o["savedquery"] = SavedQuery.objects.create(
        station=org.xipeng, owner=community, name="迎新村租户", params="q=张"
    )
    o["importbatch"] = ImportBatch.objects.create(
        station=org.xipeng,
        uploaded_by=leader,
        file="imports/x.csv",
        file_name="网格员采集.csv",
        status="checked",
    )

    # --- incidents and cases -----------------------------------------------------------
    parent = IncidentCategory.objects.create(
        bureau=org.jiulongpo, code="02", name="治安·打架斗殴", kind="public_order"
    )
    o["category"] = IncidentCategory.objects.create(
        bureau=org.jiulongpo, parent=parent, code="0201", name="打架斗殴", kind="public_order"
    )
    o["procedurestep"] = ProcedureStep.objects.create(
        category=o["category"], order=1, text="制止斗殴，控制现场"
    )
    o["dispatchsettings"] = DispatchSettings.objects.create(bureau=org.jiulongpo)
    o["shift"] = DutyShift.objects.create(
        station=org.xipeng,
        post=org.park_post,
        staff=o["staff"],
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=6),
    )
    incident, _ = cases.incident_report(
        by=desk,
        source="110",
        place_text="迎新村3组",
        community=org.yingxin,
        category=o["category"],
        caller_phone="13983001234",
    )
    o["incident"] = cases.incident_dispatch(
        incident=incident, post=org.park_post, officers=[community], by=desk
    )
    o["attachment"] = cases.incident_attach(incident=incident, by=desk, upload=jpeg())
    o["call"] = IncomingCall.objects.create(
        station=org.xipeng, desk=desk, extension="8001", phone="13983001234"
    )
    o["case"] = cases.case_open(by=case_officer, kind="criminal", title="入室盗窃")
    o["refused_case"] = cases.case_transition(
        case=cases.case_open(by=case_officer, kind="criminal", title="电动车丢失"),
        to="not_filed",
        note="经查系本人遗忘停放地点，没有犯罪事实",
        by=case_officer,
    )
    o["caseparty"] = cases.case_party_add(
        case=o["case"], by=case_officer, role="suspect", name="王五"
    )
    o["evidence"] = cases.case_evidence_add(
        case=o["case"], by=case_officer, upload=jpeg(), kind="photo"
    )

    # --- permits: the citizen's own registration, certificate and permit ----------------
    application = permits.application_create(
        by=citizen,
        kind="registration",
        community=org.yingxin,
        name="王小红",
        id_number=make_id_number(
            region="510104", birth_date=date(1995, 3, 8), sequence=12, gender=FEMALE
        ),
        phone="13912345678",
        basis="employment",
        address_text="迎新村3组12号",
    )
    for kind in ("id_front", "id_back", "lease_or_property", "portrait"):
        document = permits.document_add(
            application=application, by=citizen, upload=jpeg(), kind=kind
        )
        o.setdefault("document", document)
    permits.application_submit(application=application, by=citizen)
    o["homevisit"] = permits.home_visit_record(
        application=application, by=community, visited_on=timezone.localdate(), result="confirmed"
    )
    permits.application_approve(application=application, by=community, documents_confirmed=True)
    application.refresh_from_db()
    certificate = application.certificate
    certificate.issued_at = now - timedelta(days=400)
    certificate.save()
    o["certificate"] = certificate
    permit_application = permits.permit_application_start(certificate=certificate, by=citizen)
    permits.document_add(
        application=permit_application, by=citizen, upload=jpeg(), kind="employment_or_study"
    )
    permits.application_submit(application=permit_application, by=citizen)
    permits.application_approve(
        application=permit_application, by=community, documents_confirmed=True
    )
    o["permit"] = ResidencePermit.objects.get(application=permit_application)
    o["endorsement"] = PermitEndorsement.objects.create(
        permit=o["permit"], by=community, valid_until=o["permit"].valid_until
    )
    # The application addressed is the registration: decided, so officers' actions on it
    # answer 409 (the gate was passed) and the citizen's steps likewise.
    o["application"] = application
    enterprise = UnitFactory(
        address=AddressFactory(community=org.yingxin), kind="enterprise", name="西彭铝业"
    )
    o["enterprisecontact"] = EnterpriseContact.objects.create(user=citizen, unit=enterprise)
    o["enterprise"] = EnterpriseRegistration.objects.create(
        station=org.xipeng,
        enterprise=enterprise,
        uploaded_by=citizen,
        file="permits/enterprise/x.csv",
        file_name="workers.csv",
        status=EnterpriseRegistration.Status.DONE,
    )
    o["phonecode"] = PhoneCode.objects.create(phone="13900000000", purpose="signup", code_hash="x")
    scene.values["verify_token"] = certificate.verify_token

    # --- mediation ---------------------------------------------------------------------
    o["committee"] = MediationCommittee.objects.create(
        station=org.xipeng, name="西彭镇人民调解委员会", kind="township"
    )
    o["mediator"] = Mediator.objects.create(
        station=org.xipeng,
        name="王调解",
        kind="peoples",
        user=org.user(MEDIATOR),
        committee=o["committee"],
    )
    lawyer = Mediator.objects.create(station=org.xipeng, name="陈律师", kind="lawyer")
    start = now + timedelta(days=1)
    o["slot"] = LawyerSlot.objects.create(
        station=org.xipeng, mediator=lawyer, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    dispute = mediation.dispute_receive(
        by=desk,
        source="walk_in",
        category="neighbour",
        description="邻居漏水纠纷",
        community=org.yingxin,
        parties=[
            {"role": "applicant", "name": "张三", "phone": "13983001234"},
            {"role": "respondent", "name": "李四", "phone": "13983005678"},
        ],
    )
    mediation.dispute_assess(dispute=dispute, by=desk, risk_level="low")
    mediation.dispute_assign(dispute=dispute, mediator=o["mediator"], by=desk)
    consent_all(dispute, desk)
    o["session"] = mediation.session_record(
        dispute=dispute, by=desk, held_at=now, attendees="张三、李四", mode="online"
    )
    o["message"] = mediation.thread_post(
        dispute=dispute, by=desk, text="请双方上传证据", upload=jpeg()
    )
    o["agreement"] = mediation.agreement_make(
        dispute=dispute, by=desk, terms="赔偿修理费500元", scan=jpeg("scan.jpg")
    )
    o["followup"] = o["agreement"].follow_ups.get()
    dispute.refresh_from_db()
    o["dispute"] = dispute
    party = dispute.parties.first()
    o["party"] = party
    scene.values["join_token"] = mediation.invitation_token(party=party, by=desk)

    # --- noise -------------------------------------------------------------------------
    o["sensor"], scene.values["sensor_key"] = sensor_create(
        by=leader,
        station=org.xipeng,
        community=org.yingxin,
        name="迎新村广场",
        latitude=Decimal("29.378150"),
        longitude=Decimal("106.292470"),
        zone_class="1",
    )
    readings_ingest(sensor=o["sensor"], readings=[{"at": now, "db_a": Decimal("50")}])
    o["reading"] = o["sensor"].readings.get()
    o["event"] = NoiseEvent.objects.create(
        sensor=o["sensor"], opened_at=now, peak=Decimal("72"), limit=55, period="day"
    )
    o["noiselimit"] = NoiseLimit.objects.first()
    o["noisesettings"] = NoiseSettings.objects.create(bureau=org.jiulongpo)

    # --- patrols -----------------------------------------------------------------------
    o["vehicle"] = Vehicle.objects.create(
        station=org.xipeng, post=org.park_post, plate="渝A·3062警", kind="e_car"
    )
    patrol = patrols.patrol_create(
        by=community,
        post=org.park_post,
        mode="foot",
        planned_start=now - timedelta(hours=1),
        officers=[community],
        communities=[org.yingxin],
    )
    o["patrol"] = patrols.patrol_start(patrol=patrol, by=community)
    patrols.track_ingest(
        patrol=patrol,
        by=community,
        client_id=uuid.uuid4(),
        points=[
            {
                "client_id": uuid.uuid4(),
                "recorded_at": now - timedelta(minutes=5),
                "latitude": 29.378,
                "longitude": 106.292,
                "accuracy": 5.0,
                "speed": None,
            }
        ],
    )
    o["trackbatch"] = patrol.batches.get()
    o["finding"], _ = finding_report(
        by=community,
        kind="hazard",
        description="迎新村3组路口井盖缺失",
        place="迎新村3组路口",
        community=org.yingxin,
        patrol=patrol,
        photo=jpeg(),
    )
    o["videopatrol"] = video_patrol_log(
        by=desk, kind="mouse", camera="1号球机", checked_at=now, observation="正常"
    )
    o["assessment"] = AssessmentScore.objects.create(
        station=org.xipeng,
        month=timezone.localdate().replace(day=1),
        subject="community",
        community=org.yingxin,
        patrol_hours=Decimal("10"),
        patrols=3,
        night_patrols=1,
        villages_covered=1,
        villages_total=1,
        findings_raised=1,
        findings_handled=0,
        incidents=1,
        score=Decimal("80"),
        rank=1,
    )
    o["patrolsettings"] = PatrolSettings.objects.create(bureau=org.jiulongpo)

    # --- statistics, messages, tokens, logs --------------------------------------------
    o["statsrun"] = StatsRun.objects.create(
        bureau=org.jiulongpo,
        first_day=timezone.localdate(),
        last_day=timezone.localdate(),
        status="done",
    )
    o["dailyfact"] = DailyFact.objects.create(
        day=timezone.localdate(),
        unit_kind="station",
        unit_id=org.xipeng.pk,
        bureau=org.jiulongpo,
        station=org.xipeng,
        metric="incidents",
        value=1,
    )
    notify(recipients=[desk], title="测试通知", url="/cases/incidents/")
    o["notification"] = desk.notifications.latest("pk")
    o["devicetoken"], _secret = device_token_issue(user=desk, device="平板")
    o["accesslog"] = AccessLog.objects.create(
        user=desk,
        station=org.xipeng,
        subject_type="registry.person",
        subject_id=str(o["person"].pk),
        subject_label="张三",
        field="id_number",
        page="/registry/persons/",
    )
    return scene


def build_with_logins() -> Scene:
    """The scene and the personas' logins (tests/security/conftest.py builds it once per
    module, tests/scenes.built_once)."""
    built = build_scene(build_org())
    built.sessions, built.tokens = _logins(built.org)
    return built


def _logins(org) -> tuple[dict[str, str], dict[str, str]]:
    """Per persona, made once: a browser session (its cookie) for the pages and a device
    token for the API, as the tablets call it."""
    sessions, tokens = {}, {}
    for persona in PERSONAS:
        if persona == ANONYMOUS:
            continue
        client = Client()
        client.force_login(org.user(persona))
        sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
        _token, tokens[persona] = device_token_issue(user=org.user(persona), device="matrix")
    return sessions, tokens
