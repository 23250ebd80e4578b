import random
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from apps.cases import diversion
from apps.cases.choices import Disposition, IncidentSource, IncidentStatus
from apps.cases.models import DispatchSettings, Incident, IncidentEvent
from apps.cases.selectors import caller_calls, rank_posts
from apps.cases.services import (
    incident_checklist_tick,
    incident_close,
    incident_dispatch,
    incident_report,
    incident_status,
)
from apps.core.errors import Conflict, DomainError, OutOfScope
from apps.core.geo import haversine_km
from apps.core.models import Notification
from apps.core.testing.factories import PostFactory
from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_DESK

FIGHT_AT_YINGXIN = dict(latitude=Decimal("29.378150"), longitude=Decimal("106.292470"))


def report(scene, **overrides):
    values = dict(
        by=scene.org.user(XIPENG_DESK),
        source=IncidentSource.CENTRE_110,
        category=scene.fight,
        place_text="迎新村3组",
        caller_phone="13900001111",
        **FIGHT_AT_YINGXIN,
    )
    values.update(overrides)
    incident, _ = incident_report(**values)
    return incident


def test_it_takes_a_call_numbers_it_and_snapshots_the_procedure(scene):
    incident = report(scene)
    assert incident.station == scene.org.xipeng
    assert incident.number.startswith("500107530100JQ")
    assert incident.priority == 1  # the category's default
    assert [item["step"] for item in incident.checklist] == [
        "制止斗殴，控制现场",
        "救治伤员",
        "询问双方及证人",
    ]
    assert incident.events.get().kind == IncidentEvent.Kind.RECEIVED


def test_it_takes_the_village_coordinates_when_none_are_given(scene):
    incident = report(scene, latitude=None, longitude=None, community=scene.org.yingxin)
    assert (incident.latitude, incident.longitude) == (
        scene.org.yingxin.latitude,
        scene.org.yingxin.longitude,
    )


@pytest.mark.parametrize(
    "latitude, longitude",
    [(Decimal("48.85"), Decimal("2.35")), (Decimal("-29.3"), Decimal("106.3")), (None, 106)],
)
def test_it_refuses_coordinates_outside_china_and_saves_nothing(scene, latitude, longitude):
    with pytest.raises(DomainError):
        report(scene, latitude=latitude, longitude=longitude)
    assert not Incident.objects.exists()


def test_a_major_category_is_refused(scene):
    with pytest.raises(DomainError):
        report(scene, category=scene.fight.parent)


def test_another_station_cannot_report_into_xipeng(scene):
    with pytest.raises(OutOfScope):
        report(scene, by=scene.org.user(SHUANGFENG_DESK), station=scene.org.xipeng)


def test_a_retried_tablet_submission_creates_one_incident(scene):
    client_id = uuid.uuid4()
    first = report(scene, client_id=client_id)
    again, created = incident_report(
        by=scene.org.user(XIPENG_DESK),
        source=IncidentSource.PATROL,
        place_text="x",
        client_id=client_id,
    )
    assert not created and again.pk == first.pk
    assert Incident.objects.count() == 1


def test_it_flags_a_caller_who_called_five_times_in_thirty_days(scene):
    with freeze_time("2026-10-01 10:00"):
        report(scene, caller_phone="13511112222")  # outside the window later
    for day in (2, 9, 16, 23):
        with freeze_time(f"2026-11-{day:02d} 10:00"):
            report(scene, caller_phone="135 1111 2222")
    with freeze_time("2026-11-25 10:00"):
        calls, repeat = caller_calls(station=scene.org.xipeng, phone="13511112222")
        assert (calls, repeat) == (4, True)  # four earlier calls; this one would be the fifth
        fifth = report(scene, caller_phone="13511112222")
    assert fifth.caller_recent_calls == 5 and fifth.is_repeat_caller


def test_the_repeat_threshold_is_the_bureaus_setting(scene):
    DispatchSettings.objects.create(
        bureau=scene.org.jiulongpo, repeat_caller_calls=10, repeat_caller_days=30
    )
    for _ in range(4):
        report(scene, caller_phone="13600000000")
    assert not Incident.objects.order_by("-id").first().is_repeat_caller


def test_it_suggests_the_park_post_for_yingxin_with_minutes_saved(scene):
    ranking = rank_posts(
        station=scene.org.xipeng, user=scene.org.user(XIPENG_DESK), **FIGHT_AT_YINGXIN
    )
    first = ranking.suggestions[0]
    assert first.post == scene.org.park_post
    assert first.distance_km == pytest.approx(3.4, abs=0.1)
    # The seeds: about 40 minutes from the HQ, about 20 from the park post.
    assert ranking.hq_minutes == pytest.approx(40, abs=4)
    assert first.travel_minutes == pytest.approx(20, abs=2)
    assert first.minutes_saved == pytest.approx(ranking.hq_minutes - first.travel_minutes)
    assert [shift.staff.name for shift in first.on_duty] == ["李警官"]


def test_the_ranking_equals_a_brute_force_ranking(scene):
    """Posts with an officer on duty first (only the park post here), then by distance."""
    rng = random.Random(7)
    for n in range(40):
        PostFactory(
            station=scene.org.xipeng,
            latitude=Decimal(f"{29.2 + rng.random() * 0.3:.6f}"),
            longitude=Decimal(f"{106.2 + rng.random() * 0.3:.6f}"),
            is_active=n % 7 != 0,
        )
    user = scene.org.user(XIPENG_DESK)
    for _ in range(20):
        lat, lon = 29.2 + rng.random() * 0.3, 106.2 + rng.random() * 0.3
        got = [
            s.post.pk
            for s in rank_posts(
                station=scene.org.xipeng, latitude=lat, longitude=lon, user=user, limit=5
            ).suggestions
        ]
        brute = sorted(
            (p != scene.org.park_post, haversine_km(lat, lon, p.latitude, p.longitude), p.pk)
            for p in scene.org.xipeng.posts.filter(is_active=True)
        )
        assert got == [pk for *_, pk in brute[:5]]


def test_it_dispatches_the_nearest_post_and_tells_the_officer(scene):
    incident = report(scene)
    incident = incident_dispatch(
        incident=incident,
        post=scene.org.park_post,
        officers=[scene.officer_on_duty],
        by=scene.org.user(XIPENG_DESK),
    )
    assert incident.status == IncidentStatus.DISPATCHED
    assert incident.suggested_post == scene.org.park_post
    assert float(incident.minutes_saved) == pytest.approx(19, abs=3)
    assert list(incident.officers.all()) == [scene.officer_on_duty]
    assert Notification.objects.get(recipient=scene.officer_on_duty).title.endswith(incident.number)


def test_another_post_needs_a_reason(scene):
    incident = report(scene)
    with pytest.raises(DomainError, match="园区"):
        incident_dispatch(incident=incident, post=scene.dashibao, by=scene.org.user(XIPENG_DESK))
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RECEIVED and incident.post is None
    incident = incident_dispatch(
        incident=incident,
        post=scene.dashibao,
        reason="园区警务站在处置另一起警情",
        by=scene.org.user(XIPENG_DESK),
    )
    assert incident.status == IncidentStatus.ASSIGNED
    assert incident.override_reason == "园区警务站在处置另一起警情"
    assert incident.minutes_saved < 10


def test_a_second_dispatch_is_a_conflict(scene):
    incident = report(scene)
    desk = scene.org.user(XIPENG_DESK)
    incident_dispatch(
        incident=incident, post=scene.org.park_post, officers=[scene.officer_on_duty], by=desk
    )
    with pytest.raises(Conflict):
        incident_dispatch(incident=incident, post=scene.org.park_post, by=desk)


def test_a_closed_incident_cannot_be_dispatched(scene):
    incident = report(scene)
    desk = scene.org.user(XIPENG_DESK)
    incident_close(incident=incident, disposition=Disposition.INVALID, by=desk)
    with pytest.raises(Conflict):
        incident_dispatch(incident=incident, post=scene.org.park_post, by=desk)


def test_another_stations_post_is_not_found_unless_the_bureau_allows_it(scene):
    incident = report(scene)
    with pytest.raises(OutOfScope):
        incident_dispatch(
            incident=incident, post=scene.org.shuangfeng_post, by=scene.org.user(XIPENG_DESK)
        )


def test_the_officer_reports_from_the_field_and_the_times_are_measured(scene):
    desk = scene.org.user(XIPENG_DESK)
    officer = scene.officer_on_duty
    with freeze_time("2026-11-23 20:00:00"):
        incident = report(scene)
    with freeze_time("2026-11-23 20:01:30"):
        incident = incident_dispatch(
            incident=incident, post=scene.org.park_post, officers=[officer], by=desk
        )
    with freeze_time("2026-11-23 20:02:00"):
        incident = incident_status(incident=incident, status=IncidentStatus.EN_ROUTE, by=officer)
    with freeze_time("2026-11-23 20:20:00"):
        incident = incident_status(incident=incident, status=IncidentStatus.ARRIVED, by=officer)
    incident = incident_checklist_tick(incident=incident, step=0, done=True, by=officer)
    with pytest.raises(DomainError):
        incident_status(incident=incident, status=IncidentStatus.HANDLED, by=officer)
    incident = incident_status(
        incident=incident, status=IncidentStatus.HANDLED, outcome="双方已劝离", by=officer
    )
    assert incident.processing_minutes == 1.5
    assert incident.travel_minutes == 18
    assert incident.response_minutes == 20
    assert incident.checklist[0]["done"] and not incident.checklist[1]["done"]


@pytest.mark.parametrize(
    "status, target",
    [
        (IncidentStatus.RECEIVED, IncidentStatus.ARRIVED),
        (IncidentStatus.RECEIVED, IncidentStatus.HANDLED),
        (IncidentStatus.DISPATCHED, IncidentStatus.HANDLED),
        (IncidentStatus.ARRIVED, IncidentStatus.EN_ROUTE),
        (IncidentStatus.CLOSED, IncidentStatus.ARRIVED),
    ],
)
def test_illegal_field_reports_are_conflicts_and_change_nothing(scene, status, target):
    incident = report(scene)
    Incident.objects.filter(pk=incident.pk).update(status=status, disposition="invalid")
    with pytest.raises(Conflict):
        incident_status(incident=incident, status=target, outcome="x", by=scene.officer_on_duty)
    incident.refresh_from_db()
    assert incident.status == status


def test_a_repeated_field_report_is_acknowledged_once(scene):
    desk = scene.org.user(XIPENG_DESK)
    incident = incident_dispatch(
        incident=report(scene),
        post=scene.org.park_post,
        officers=[scene.officer_on_duty],
        by=desk,
    )
    client_id = uuid.uuid4()
    for _ in range(2):
        incident = incident_status(
            incident=incident,
            status=IncidentStatus.EN_ROUTE,
            by=scene.officer_on_duty,
            client_id=client_id,
        )
    assert incident.events.filter(status=IncidentStatus.EN_ROUTE).count() == 1


def test_closing_as_a_case_opens_a_public_security_case(scene):
    incident = report(scene)
    incident = incident_close(
        incident=incident,
        disposition=Disposition.CASE,
        case_kind="public_security",
        by=scene.org.user(XIPENG_DESK),
    )
    assert incident.status == IncidentStatus.CLOSED
    case = incident.case
    assert case.kind == "public_security" and case.station == scene.org.xipeng
    assert list(case.incidents.all()) == [incident]
    assert case.deadline - case.accepted_at == timedelta(days=30)


def test_closing_as_mediation_calls_the_registered_intake(scene, monkeypatch):
    received = []
    monkeypatch.setattr(diversion, "_intake", lambda **kwargs: received.append(kwargs))
    incident = incident_close(
        incident=report(scene),
        disposition=Disposition.MEDIATION,
        note="邻里纠纷",
        by=scene.org.user(XIPENG_DESK),
    )
    assert incident.disposition == Disposition.MEDIATION
    assert received == [
        {
            "incident": incident,
            "by": scene.org.user(XIPENG_DESK),
            "note": "邻里纠纷",
            "caller_consents": False,
        }
    ]


def test_a_failing_case_opening_leaves_the_incident_open(scene):
    incident = report(scene)
    with pytest.raises(DomainError):
        incident_close(
            incident=incident,
            disposition=Disposition.CASE,
            case_kind="nonsense",
            by=scene.org.user(XIPENG_DESK),
        )
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RECEIVED and incident.case is None


def test_an_incident_that_is_on_the_way_cannot_be_closed(scene):
    desk = scene.org.user(XIPENG_DESK)
    incident = incident_dispatch(
        incident=report(scene), post=scene.org.park_post, officers=[scene.officer_on_duty], by=desk
    )
    with pytest.raises(Conflict):
        incident_close(incident=incident, disposition=Disposition.SETTLED, by=desk)


def test_received_at_in_the_future_is_refused(scene):
    with pytest.raises(DomainError):
        report(scene, received_at=timezone.now() + timedelta(hours=1))
