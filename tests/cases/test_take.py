"""A dispatch reaches someone who can act (issue 16, item 2): a job sent to a post goes to
the post's officers, who see it in 我的出警任务 and take it (接单); joint-force members on
duty go along but never hold the job, and never make a post count as manned."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.choices import UserKind
from apps.cases.choices import IncidentSource, IncidentStatus
from apps.cases.models import DispatchSettings, DutyShift, IncidentEvent
from apps.cases.selectors import my_jobs, rank_posts
from apps.cases.services import (
    incident_dispatch,
    incident_report,
    incident_status,
    incident_take,
)
from apps.core.errors import Conflict, DomainError, NotAllowed
from apps.core.models import Notification
from apps.core.testing.factories import StaffAssignmentFactory, UserFactory
from apps.core.testing.personas import MEDIATOR, XIPENG_DESK
from apps.stations.choices import StaffKind

YINGXIN = dict(latitude=Decimal("29.378150"), longitude=Decimal("106.292470"))


def report(scene):
    incident, _ = incident_report(
        by=scene.org.user(XIPENG_DESK),
        source=IncidentSource.CENTRE_110,
        category=scene.fight,
        place_text="迎新村5组老年活动室",
        caller_phone="13900001111",
        **YINGXIN,
    )
    return incident


def on_duty(scene, *, post, name, kind, user=None):
    staff = StaffAssignmentFactory(
        station=scene.org.xipeng, post=post, user=user, name=name, kind=kind
    )
    now = timezone.now()
    DutyShift.objects.create(
        station=scene.org.xipeng,
        post=post,
        staff=staff,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=8),
    )
    return staff


def colleague(scene, *, kind=UserKind.OFFICER, post=None, username="xipeng_second"):
    from apps.accounts import roles

    return UserFactory(
        username=username,
        role=roles.COMMUNITY_OFFICER,
        kind=kind,
        station=scene.org.xipeng,
        post=post or scene.org.park_post,
    )


def send_to_the_park(scene):
    return incident_dispatch(
        incident=report(scene), post=scene.org.park_post, by=scene.org.user(XIPENG_DESK)
    )


def test_a_post_dispatch_goes_to_the_posts_officers_and_the_first_to_take_it_holds_it(scene):
    officer = scene.officer_on_duty
    incident = send_to_the_park(scene)
    assert incident.status == IncidentStatus.ASSIGNED
    assert Notification.objects.get(recipient=officer).title.endswith(incident.number)
    assert list(my_jobs(user=officer)) == [incident]

    incident = incident_take(incident=incident, by=officer)

    assert incident.status == IncidentStatus.DISPATCHED and incident.dispatched_at
    assert list(incident.officers.all()) == [officer]
    taken = incident.events.get(kind=IncidentEvent.Kind.TAKEN)
    assert taken.by == officer and taken.label == "接单"
    assert list(my_jobs(user=officer)) == [incident]  # now as the officer's own job


def test_a_second_officer_taking_the_job_gets_a_conflict_naming_the_holder(scene):
    second = colleague(scene)
    incident = send_to_the_park(scene)
    assert incident in my_jobs(user=second)  # offered to both officers of the post
    incident_take(incident=incident, by=scene.officer_on_duty)
    with pytest.raises(Conflict, match=scene.officer_on_duty.username):
        incident_take(incident=incident, by=second)
    assert list(incident.officers.all()) == [scene.officer_on_duty]
    assert incident not in my_jobs(user=second)
    # Taking one's own job again changes nothing.
    incident_take(incident=incident, by=scene.officer_on_duty)
    assert incident.events.filter(kind=IncidentEvent.Kind.TAKEN).count() == 1


def test_only_an_officer_of_the_post_may_take_its_job(scene):
    incident = send_to_the_park(scene)
    with pytest.raises(NotAllowed):
        incident_take(incident=incident, by=scene.org.user(XIPENG_DESK))
    elsewhere = colleague(scene, post=scene.dashibao, username="dashibao_officer")
    with pytest.raises(NotAllowed):
        incident_take(incident=incident, by=elsewhere)
    assert incident not in my_jobs(user=elsewhere)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.ASSIGNED


def test_whoever_the_roster_puts_on_duty_at_the_post_may_take_its_job(scene):
    """A colleague of another post covering the park post's weekend."""
    cover = colleague(scene, post=scene.dashibao, username="weekend_cover")
    on_duty(scene, post=scene.org.park_post, name="周警官", kind=StaffKind.OFFICER, user=cover)
    incident = send_to_the_park(scene)
    assert incident in my_jobs(user=cover)
    assert list(incident_take(incident=incident, by=cover).officers.all()) == [cover]


def test_an_auxiliary_takes_a_job_only_where_the_bureau_allows_it(scene):
    auxiliary = colleague(scene, kind=UserKind.AUXILIARY, username="xipeng_auxiliary")
    incident = send_to_the_park(scene)
    assert incident not in my_jobs(user=auxiliary)
    with pytest.raises(NotAllowed):
        incident_take(incident=incident, by=auxiliary)
    DispatchSettings.objects.create(bureau=scene.org.jiulongpo, auxiliaries_take_jobs=True)
    assert incident in my_jobs(user=auxiliary)
    assert incident_take(incident=incident, by=auxiliary).officers.get() == auxiliary


def test_reporting_on_the_way_from_the_post_takes_the_job_first(scene):
    incident = send_to_the_park(scene)
    incident = incident_status(
        incident=incident, status=IncidentStatus.EN_ROUTE, by=scene.officer_on_duty
    )
    assert incident.status == IncidentStatus.EN_ROUTE
    assert list(incident.officers.all()) == [scene.officer_on_duty]
    assert [e.label for e in incident.events.all()] == [
        "已接警",
        "已指派警务站",
        "接单",
        "出警途中",
    ]


def test_a_job_waiting_at_the_post_cannot_be_reported_handled(scene):
    incident = send_to_the_park(scene)
    with pytest.raises(Conflict):
        incident_status(
            incident=incident,
            status=IncidentStatus.HANDLED,
            outcome="x",
            by=scene.officer_on_duty,
        )
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.ASSIGNED and not incident.officers.exists()


def test_a_mediator_with_a_login_cannot_be_named_to_hold_a_job(scene):
    with pytest.raises(DomainError):
        incident_dispatch(
            incident=report(scene),
            post=scene.org.park_post,
            officers=[scene.org.user(MEDIATOR)],
            by=scene.org.user(XIPENG_DESK),
        )


def test_joint_forces_on_duty_are_listed_apart_and_do_not_man_a_post(scene):
    """The reported case: the park post's only person on duty is a building head."""
    DutyShift.objects.filter(post=scene.org.park_post).delete()
    on_duty(scene, post=scene.org.park_post, name="蒋某某", kind=StaffKind.BUILDING_HEAD)
    desk = scene.org.user(XIPENG_DESK)
    ranking = rank_posts(station=scene.org.xipeng, user=desk, **YINGXIN)
    park = next(s for s in ranking.suggestions if s.post == scene.org.park_post)
    assert park.on_duty == [] and [s.staff.name for s in park.joint_forces] == ["蒋某某"]

    # 大石堡 is farther from 迎新村, but an officer is on duty there: it ranks first.
    dashibao_officer = colleague(scene, post=scene.dashibao, username="dashibao_officer")
    on_duty(scene, post=scene.dashibao, name="赵警官", kind="officer", user=dashibao_officer)
    ranking = rank_posts(station=scene.org.xipeng, user=desk, **YINGXIN)
    assert [s.post for s in ranking.suggestions] == [scene.dashibao, scene.org.park_post]
    assert ranking.suggestions[0].minutes_saved < 0  # the HQ is nearer than 大石堡


def test_the_suggestion_api_lists_joint_forces_apart(client, scene):
    on_duty(scene, post=scene.org.park_post, name="蒋某某", kind=StaffKind.BUILDING_HEAD)
    incident = report(scene)
    client.force_login(scene.org.user(XIPENG_DESK))
    body = client.get(reverse("incident-suggestions", args=[incident.pk])).json()
    first = body["suggestions"][0]
    assert (first["on_duty"], first["joint_forces"]) == (["李警官"], ["蒋某某"])


def test_the_api_take_is_200_for_the_officer_and_409_for_the_next(client, scene):
    second = colleague(scene)
    incident = send_to_the_park(scene)
    url = reverse("incident-take", args=[incident.pk])
    client.force_login(scene.officer_on_duty)
    first = client.post(url, {}, content_type="application/json")
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "dispatched"
    assert first.json()["officers"] == [scene.officer_on_duty.pk]
    client.force_login(second)
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    client.force_login(scene.org.user(XIPENG_DESK))
    assert client.post(url, {}, content_type="application/json").status_code == 409


def test_the_api_refuses_a_take_by_someone_who_is_not_the_posts_officer(client, scene):
    incident = send_to_the_park(scene)
    client.force_login(scene.org.user(XIPENG_DESK))
    response = client.post(
        reverse("incident-take", args=[incident.pk]), {}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "西彭园区警务站" in response.json()["error"]["message"]


def test_the_api_status_report_works_from_a_job_waiting_at_the_post(client, scene):
    incident = send_to_the_park(scene)
    client.force_login(scene.officer_on_duty)
    url = reverse("incident-field-status", args=[incident.pk])
    for status in ("en_route", "arrived"):
        response = client.post(url, {"status": status}, content_type="application/json")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status
    handled = client.post(
        url, {"status": "handled", "outcome": "双方握手言和"}, content_type="application/json"
    )
    assert handled.json()["status"] == "handled"
    assert handled.json()["officers"] == [scene.officer_on_duty.pk]
