"""Server push (issue 20 items 1–3) on a real ASGI server with real WebSocket clients: what
each service tells the sockets, that every event reaches exactly those who may see its
record (every topic × every persona), and who may open a socket and when it closes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from websockets.exceptions import ConnectionClosed, InvalidStatus

from apps.accounts import roles
from apps.accounts.services import device_token_issue
from apps.cases.models import Incident, IncomingCall
from apps.cases.services import incident_dispatch, incident_report, incident_status
from apps.cases.services.calls import call_ring
from apps.core.idnumbers import FEMALE, make_id_number
from apps.core.notifications import notifications_mark_read, notify
from apps.core.scoping import owner_or_permitted, scoped_rows
from apps.core.testing.asgi import heard, session_cookie
from apps.core.testing.factories import UserFactory
from apps.core.testing.personas import (
    ANONYMOUS,
    JLP_ADMIN,
    MEDIATOR,
    PERSONAS,
    SHUANGFENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    build_org,
)
from apps.live import events
from apps.live.events import TOPICS
from apps.mediation import services as mediation
from apps.mediation.models import Mediator
from apps.noise.models import NoiseEvent
from apps.noise.services import readings_ingest, sensor_create
from apps.permits import services as permits
from tests.patrols.findings_scene import jpeg

pytestmark = pytest.mark.django_db(transaction=True)
WANG_XIAOHONG = make_id_number(
    region="510104", birth_date=date(1995, 3, 8), sequence=12, gender=FEMALE
)


@pytest.fixture
def org(asgi_server):
    return build_org()


def _topics(events_heard):
    return [(e["topic"], e.get("id")) for e in events_heard]


def test_a_job_sent_to_the_post_reaches_its_officers_tablet_and_the_desks_board(
    asgi_server, live_socket, org
):
    desk, officer = org.user(XIPENG_DESK), org.user(XIPENG_COMMUNITY)
    incident, _ = incident_report(by=desk, source="110", place_text="迎新村5组村口")
    tablet, board, other = (
        live_socket(user) for user in (officer, desk, org.user(SHUANGFENG_DESK))
    )
    asgi_server.run(incident_dispatch, incident=incident, post=org.park_post, by=desk)
    on_tablet = heard(tablet)
    job = next(e for e in on_tablet if e["topic"] == "job")
    assert job["id"] == incident.pk and job["number"] == incident.number
    assert job["url"] == f"/cases/jobs/{incident.pk}/" and job["toast"] == "job"
    assert ("incident", incident.pk) in _topics(on_tablet)
    assert next(e for e in on_tablet if e["topic"] == "badge")["unread"] == 1
    on_board = heard(board)
    assert [e for e in on_board if e["topic"] == "incident"] == [
        {
            "topic": "incident",
            "id": incident.pk,
            "status": "assigned",
            "number": incident.number,
            "sent": pytest.approx(on_board[0]["sent"]),
        }
    ]
    assert heard(other) == []  # 双凤's desk hears nothing of 西彭


def test_status_changes_reach_the_desk_in_order_and_a_rollback_tells_nobody(
    asgi_server, live_socket, org
):
    desk, officer = org.user(XIPENG_DESK), org.user(XIPENG_COMMUNITY)
    incident, _ = incident_report(by=desk, source="110", place_text="迎新村5组村口")
    incident_dispatch(incident=incident, post=org.park_post, officers=[officer], by=desk)
    board = live_socket(desk)
    for status in ("en_route", "arrived"):
        asgi_server.run(incident_status, incident=incident, status=status, by=officer)
    with pytest.raises(Exception, match="处置结果"):
        asgi_server.run(incident_status, incident=incident, status="handled", by=officer)
    statuses = [e["status"] for e in heard(board) if e["topic"] == "incident"]
    assert statuses == ["en_route", "arrived"]  # the refused "handled" sent nothing
    assert Incident.objects.get(pk=incident.pk).status == "arrived"


def test_a_noise_alarm_an_escalation_and_a_new_application_reach_the_desk(
    asgi_server, live_socket, org
):
    desk = org.user(XIPENG_DESK)
    sensor = _sensor(org, "歇台子广场")
    dispute = _dispute(org, "邻居噪音纠纷", "张三", "13983001234")
    application = _application(org)
    for kind in ("id_front", "id_back", "lease_or_property", "portrait"):
        permits.document_add(
            application=application, by=org.user("citizen"), upload=jpeg(), kind=kind
        )
    screen = live_socket(desk)
    start = timezone.now() - timedelta(minutes=12)
    loud = [{"at": start + timedelta(seconds=s), "db_a": Decimal("80")} for s in range(0, 660, 10)]
    asgi_server.run(readings_ingest, sensor=sensor, readings=loud)
    asgi_server.run(mediation.dispute_flag, dispute=dispute, by=desk, signs=["threats"])
    asgi_server.run(permits.application_submit, application=application, by=org.user("citizen"))
    toasts = {e["toast"]: e for e in heard(screen) if e.get("toast")}
    alarm = NoiseEvent.objects.get(sensor=sensor)
    assert toasts["noise"]["id"] == alarm.pk and toasts["noise"]["place"] == "歇台子广场"
    assert toasts["dispute"]["number"] == dispute.number
    assert toasts["application"]["id"] == application.pk
    assert "王小红" not in str(toasts) and "13912345678" not in str(toasts)


def test_the_badge_follows_the_unread_count(asgi_server, live_socket, org):
    officer = org.user(XIPENG_COMMUNITY)
    tablet = live_socket(officer)
    asgi_server.run(notify, recipients=[officer], title="一")
    asgi_server.run(notify, recipients=[officer, org.user(XIPENG_DESK)], title="二")
    asgi_server.run(notifications_mark_read, user=officer)
    assert [e["unread"] for e in heard(tablet) if e["topic"] == "badge"] == [1, 2, 0]


def test_a_ringing_call_reaches_that_desk_only(asgi_server, live_socket, org):
    desk = org.user(XIPENG_DESK)
    desk.desk_extension = "8001"
    desk.save(update_fields=["desk_extension"])
    phone_system = UserFactory(role=roles.TELEPHONE_SYSTEM, station=org.xipeng)
    ringing, elsewhere = live_socket(desk), live_socket(org.user(XIPENG_COMMUNITY))
    asgi_server.run(call_ring, by=phone_system, extension="8001", phone="13983460088")
    call = IncomingCall.objects.get()
    assert next(e for e in heard(ringing) if e["topic"] == "call")["id"] == call.pk
    assert "13983460088" not in str(heard(elsewhere))


# --- every topic × every persona -------------------------------------------------------------


def _sensor(org, name):
    sensor, _ = sensor_create(
        by=org.user("xipeng_leader"),
        station=org.xipeng,
        community=org.yingxin,
        name=name,
        latitude=Decimal("29.378150"),
        longitude=Decimal("106.292470"),
        zone_class="1",
    )
    return sensor


def _dispute(org, description, party, phone):
    return mediation.dispute_receive(
        by=org.user(XIPENG_DESK),
        source="walk_in",
        category="neighbour",
        description=description,
        community=org.yingxin,
        parties=[{"role": "applicant", "name": party, "phone": phone}],
    )


def _application(org):
    """The citizen's registration at 迎新村, a draft."""
    return permits.application_create(
        by=org.user("citizen"),
        kind="registration",
        community=org.yingxin,
        name="王小红",
        id_number=WANG_XIAOHONG,
        phone="13912345678",
        basis="employment",
        address_text="迎新村3组12号",
    )


def _records(org):
    """One record of each topic at 西彭, the mediator's dispute, and one at 双凤."""
    desk = org.user(XIPENG_DESK)
    given = _dispute(org, "交给调解员的纠纷", "李四", "13983005678")
    mediation.dispute_assess(dispute=given, by=desk, risk_level="low")
    mediator = Mediator.objects.create(
        station=org.xipeng, name="王调解", kind="peoples", user=org.user(MEDIATOR)
    )
    mediation.dispute_assign(dispute=given, mediator=mediator, by=desk)
    alarm = NoiseEvent.objects.create(
        sensor=_sensor(org, "迎新村广场"),
        opened_at=timezone.now(),
        peak=Decimal("72"),
        limit=55,
        period="day",
    )
    return {
        "incident": [
            incident_report(by=desk, source="110", place_text="迎新村")[0],
            incident_report(by=org.user(SHUANGFENG_DESK), source="110", place_text="双凤")[0],
        ],
        "noise": [alarm],
        "dispute": [_dispute(org, "邻居纠纷", "张三", "13983001234"), given],
        "application": [_application(org)],
    }


def test_every_event_reaches_exactly_those_who_may_see_its_record(asgi_server, live_socket, org):
    records = _records(org)
    people = [p for p in PERSONAS if p != ANONYMOUS]
    sockets = {p: live_socket(org.user(p)) for p in people}
    for topic, rows in records.items():
        for record in rows:
            asgi_server.run(events.publish, topic, record)
    for user_id, label in ((org.user(XIPENG_COMMUNITY).pk, "job"), (org.user(JLP_ADMIN).pk, "x")):
        asgi_server.run(events.tell, [user_id], label)
    got, expected = {}, {}
    for persona in people:
        got[persona] = {(e["topic"], e.get("id")) for e in heard(sockets[persona])}
        expected[persona] = _may_see(org.user(persona), records)
    expected[XIPENG_COMMUNITY].add(("job", None))
    expected[JLP_ADMIN].add(("x", None))
    assert got == expected
    # Every record reached someone and no one saw all: the scoping above was not vacuous.
    seen = [_may_see(org.user(p), records) for p in people]
    assert set().union(*seen) == {(t, r.pk) for t, rows in records.items() for r in rows}
    assert sum(len(keys) == 6 for keys in seen) == 1  # the superuser only


def _may_see(user, records):
    """The topic events a user must hear of: those of the records their pages would show
    (in their scope, and theirs or their role's to see: core.scoping's one rule)."""
    return {
        (topic, record.pk)
        for topic, rows in records.items()
        for record in rows
        if scoped_rows(type(record)).restrict(user).filter(pk=record.pk).exists()
        and owner_or_permitted(user, record, TOPICS[topic].permission)
    }


# --- who may open a socket, and when it closes -----------------------------------------------


def test_a_socket_needs_a_session_from_this_site_or_a_device_token(asgi_server, live_socket, org):
    with pytest.raises(InvalidStatus) as refused:
        live_socket()
    assert refused.value.response.status_code == 403
    cookie = session_cookie(org.user(XIPENG_DESK))
    with pytest.raises(InvalidStatus):  # another site's page with the officer's cookie
        live_socket(cookie=cookie, origin="http://evil.example")
    with pytest.raises(InvalidStatus):
        live_socket(token="not-a-token")
    officer = org.user(XIPENG_COMMUNITY)
    _, secret = device_token_issue(user=officer, device="平板 1")
    tablet = live_socket(token=secret)
    asgi_server.run(notify, recipients=[officer], title="新任务")
    assert [e["topic"] for e in heard(tablet)] == ["badge"]


def test_a_socket_closes_at_logout_and_when_its_token_is_revoked(asgi_server, live_socket, org):
    from django.test import Client

    officer = org.user(XIPENG_COMMUNITY)
    browser = Client()
    browser.force_login(officer)
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    page = live_socket(cookie=cookie)
    asgi_server.run(browser.post, "/accounts/logout/")
    with pytest.raises(ConnectionClosed) as closed:
        page.recv(timeout=3)
    assert closed.value.rcvd.code == 4401
    with pytest.raises(InvalidStatus):
        live_socket(cookie=cookie)  # the ended session opens no new one
    token, secret = device_token_issue(user=officer, device="平板 1")
    tablet = live_socket(token=secret)
    asgi_server.run(token.delete)
    with pytest.raises(ConnectionClosed):
        tablet.recv(timeout=3)


def test_a_socket_closes_when_the_account_is_locked(asgi_server, live_socket, org):
    officer = org.user(XIPENG_COMMUNITY)
    page = live_socket(officer)
    officer.is_active = False
    asgi_server.run(officer.save)
    with pytest.raises(ConnectionClosed):
        page.recv(timeout=3)
